"""Request-scoped dependencies: the hub and the authenticated professional."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException

from app.domain.region import Professional
from app.hub import Hub
from app.security.auth import NotAuthenticated, authenticate


async def provide_hub(state: State) -> Hub:
    return state.hub  # type: ignore[no-any-return]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def provide_professional(request: Request, hub: Hub) -> Professional:
    try:
        return await authenticate(hub, bearer_token(request))
    except NotAuthenticated as exc:
        raise NotAuthorizedException(str(exc)) from None
