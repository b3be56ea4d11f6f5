"""Professionals' login and logout."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Annotated, Any

import anyio
import msgspec
from litestar import Controller, Request, Response, post
from litestar.datastructures import State
from litestar.exceptions import NotAuthorizedException

from app.api.deps import bearer_token, request_token
from app.domain.region import Professional
from app.hub import Hub
from app.security.passwords import verify_password
from app.security.auth import NotAuthenticated, log_out
from app.security.session import SESSION_COOKIE, cleared_session_cookie
from app.security.tokens import issue


class LoginRequest(msgspec.Struct):
    username: Annotated[str, msgspec.Meta(min_length=1, max_length=64)]
    password: Annotated[str, msgspec.Meta(min_length=1, max_length=256)]


class ProfessionalView(msgspec.Struct):
    id: str
    name: str
    role: str
    unit: str
    team: str | None


class LoginResponse(msgspec.Struct):
    token: str
    expires_at: datetime
    professional: ProfessionalView


class LoginThrottled(Exception):
    """Too many failed logins for this username or address; the message says how long to wait."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"too many failed logins; try again in {retry_after} s")
        self.retry_after = retry_after


def client_address(request: Request[Any, Any, Any]) -> str:
    return request.client.host if request.client else "unknown"


async def check_login(hub: Hub, username: str, password: str, client: str) -> Professional:
    """The one password check, for the API and the login page alike: throttled per username and
    address, the same answer and cost for an unknown user and a wrong password."""
    keys = (f"user:{username.lower()}", f"addr:{client}")
    wait = await hub.throttle.retry_after(*keys)
    if wait:
        raise LoginThrottled(wait)
    who = hub.region.professional_by_username.get(username)
    ok = await anyio.to_thread.run_sync(verify_password, who.password_hash if who else None, password)
    if not ok or who is None:
        await hub.throttle.failed(*keys)
        hub.metrics.login_failures.inc()
        raise NotAuthenticated("wrong username or password")
    await hub.throttle.succeeded(*keys)
    return who


class AuthController(Controller):
    path = "/api/auth"
    tags = ["auth"]

    @post("/login", status_code=200)
    async def login(self, data: LoginRequest, request: Request[Any, Any, Any], state: State) -> Response[Any]:
        hub: Hub = state.hub
        try:
            who = await check_login(hub, data.username, data.password, client_address(request))
        except LoginThrottled as exc:
            return Response(
                {"status_code": 429, "detail": str(exc), "extra": {}},
                status_code=429,
                headers={"Retry-After": str(exc.retry_after)},
            )
        except NotAuthenticated as exc:
            raise NotAuthorizedException(str(exc)) from None
        token, claims = issue(hub.settings.secret_key, who.id, hub.settings.token_ttl_seconds)
        return Response(
            LoginResponse(
                token=token,
                expires_at=datetime.fromtimestamp(claims.exp, timezone.utc),
                professional=ProfessionalView(who.id, who.name, who.role, who.unit, who.team),
            )
        )

    @post("/logout", status_code=204)
    async def logout(self, request: Request[Any, Any, Any], state: State) -> Response[None]:
        """Revoke the bearer token, or the browser session's (CSRF-checked by the middleware);
        a browser session's cookie is cleared too."""
        cookie_session = bearer_token(request) is None and bool(request.cookies.get(SESSION_COOKIE))
        try:
            await log_out(state.hub, request_token(request))
        except NotAuthenticated as exc:
            raise NotAuthorizedException(str(exc)) from None
        secure = request.url.scheme == "https"
        return Response(None, status_code=204, cookies=[cleared_session_cookie(secure)] if cookie_session else [])
