"""Who is asking: a professional's bearer token → their entry in the region file, or a refusal."""

from __future__ import annotations

from datetime import datetime, timezone

from app.db import tokens
from app.domain.region import Professional
from app.hub import Hub
from app.security.tokens import TokenError, decode


class NotAuthenticated(Exception):
    """The request carries no valid professional token; the message says what to do."""


async def authenticate(hub: Hub, token: str | None) -> Professional:
    if token is None:
        raise NotAuthenticated("log in first: send Authorization: Bearer <token>")
    try:
        claims = decode(hub.settings.secret_key, token)
    except TokenError as exc:
        raise NotAuthenticated(str(exc)) from None
    who = hub.region.professional_by_id.get(claims.sub)
    if who is None:
        raise NotAuthenticated("token names a professional who is no longer in the region file")
    if await tokens.is_revoked(hub.engine, claims.jti):
        raise NotAuthenticated("token was logged out; log in again")
    return who


async def log_out(hub: Hub, token: str | None) -> None:
    """Revoke the token (it must be valid now): it stops working on every instance at once."""
    await authenticate(hub, token)
    assert token is not None
    claims = decode(hub.settings.secret_key, token)
    await tokens.revoke(hub.engine, claims.jti, datetime.fromtimestamp(claims.exp, timezone.utc))
