"""Request-scoped dependencies: the hub and the authenticated professional."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException
from sqlalchemy import select

from app.db import schema as t
from app.domain.region import Professional
from app.hub import Hub
from app.security.tokens import TokenError, decode


async def provide_hub(state: State) -> Hub:
    return state.hub  # type: ignore[no-any-return]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def authenticate(hub: Hub, token: str | None) -> Professional:
    if token is None:
        raise NotAuthorizedException("log in first: send Authorization: Bearer <token>")
    try:
        claims = decode(hub.settings.secret_key, token)
    except TokenError as exc:
        raise NotAuthorizedException(str(exc)) from None
    who = hub.region.professional_by_id.get(claims.sub)
    if who is None:
        raise NotAuthorizedException("token names a professional who is no longer in the region file")
    async with hub.engine.connect() as conn:
        revoked = (await conn.execute(select(t.revoked_tokens.c.jti).where(t.revoked_tokens.c.jti == claims.jti))).first()
    if revoked is not None:
        raise NotAuthorizedException("token was logged out; log in again")
    return who


async def provide_professional(request: Request, hub: Hub) -> Professional:
    return await authenticate(hub, bearer_token(request))
