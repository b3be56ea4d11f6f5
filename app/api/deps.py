"""Request-scoped dependencies: the hub and the authenticated professional."""

from __future__ import annotations

from litestar import Request
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException

from app.domain.region import Professional
from app.hub import Hub
from app.security.auth import NotAuthenticated, authenticate
from app.security.session import SESSION_COOKIE


async def provide_hub(state: State) -> Hub:
    return state.hub  # type: ignore[no-any-return]


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def request_token(request: Request) -> str | None:
    """The bearer token (integrations) or else the browser's session cookie. Unsafe requests
    authenticated by the cookie have passed the CSRF check (`app.security.session`)."""
    return bearer_token(request) or request.cookies.get(SESSION_COOKIE) or None


async def provide_professional(request: Request, hub: Hub) -> Professional:
    try:
        return await authenticate(hub, request_token(request))
    except NotAuthenticated as exc:
        raise NotAuthorizedException(str(exc)) from None
