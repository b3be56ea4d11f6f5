"""The browser session: an HttpOnly cookie holding the professional's token, and CSRF protection.

Why a middleware of our own and not Litestar's `CSRFConfig`: CSRFConfig decides by *path* (it
protects every unsafe request except `exclude` patterns), but what makes a request forgeable is
*how it authenticates*. A browser attaches the session cookie by itself, so a cookie-authenticated
POST must prove it came from our page (double submit: the `csrftoken` cookie, readable by our
scripts, repeated in the `X-CSRF-Token` header). Integrations send `Authorization: Bearer`, which
no other site can make a browser send, and the channel webhooks are signed: neither needs (or can
know) a CSRF token, yet they share paths with the browser (`/api/...`). The login and logout forms
carry the token in a hidden field, which their controllers check (`form_token_ok`), since a
middleware cannot read a form body without consuming it.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import msgspec

from litestar.datastructures import Cookie
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Receive, Scope, Send

SESSION_COOKIE = "firstline_session"
CSRF_COOKIE = "csrftoken"
CSRF_HEADER = "x-csrf-token"
CSRF_FIELD = "csrf_token"
LANG_COOKIE = "firstline_lang"

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
# Paths whose controllers check the CSRF form field themselves (HTML forms cannot send a header).
FORM_PATHS = frozenset({"/login", "/logout"})
FORM_PREFIX = "/dashboard/"  # the dashboard's absence forms, for a browser without JavaScript
# Signed webhooks and patients' bearer-token endpoints: never authenticated by the session cookie.
CHANNEL_PREFIX = "/channels/"

_TOKEN = re.compile(r"[A-Za-z0-9_-]{32,64}")


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def valid_csrf_cookie(value: str | None) -> str | None:
    """The cookie's token if it looks like one of ours (else a new one must be set)."""
    return value if value and _TOKEN.fullmatch(value) else None


def tokens_match(cookie: str | None, sent: str | None) -> bool:
    return bool(valid_csrf_cookie(cookie)) and bool(sent) and hmac.compare_digest(str(cookie), str(sent))


def form_token_ok(cookies: Mapping[str, str], form_value: str | None) -> bool:
    return tokens_match(cookies.get(CSRF_COOKIE), form_value)


def session_cookie(token: str, max_age: int, secure: bool) -> Cookie:
    """HttpOnly (scripts never see the token), SameSite=Strict (no cross-site sends at all)."""
    return Cookie(key=SESSION_COOKIE, value=token, max_age=max_age, path="/", httponly=True, samesite="strict", secure=secure)


def csrf_cookie(token: str, secure: bool) -> Cookie:
    """Readable by our scripts (not HttpOnly): api.js copies it into the X-CSRF-Token header."""
    return Cookie(key=CSRF_COOKIE, value=token, path="/", httponly=False, samesite="strict", secure=secure)


def cleared_session_cookie(secure: bool) -> Cookie:
    return Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="strict", secure=secure)


def safe_next(target: str | None, default: str = "/inbox") -> str:
    """A relative path on this hub to return to after login, or `default`: never another site
    (`//evil.example`, `https://…`, `/\\evil`), never a control character."""
    if not target or len(target) > 512 or not target.startswith("/") or target.startswith("//"):
        return default
    if "\\" in target or any(ord(ch) < 0x20 or ord(ch) == 0x7F for ch in target):
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def _cookies(scope: Scope) -> dict[str, str]:
    jar: dict[str, str] = {}
    for name, value in scope.get("headers", ()):
        if name == b"cookie":
            for item in value.decode("latin-1").split(";"):
                key, sep, val = item.strip().partition("=")
                if sep and key not in jar:
                    jar[key] = val
    return jar


def _header(scope: Scope, wanted: bytes) -> str | None:
    for name, value in scope.get("headers", ()):
        if name == wanted:
            return str(value.decode("latin-1"))
    return None


def needs_csrf(scope: Scope) -> bool:
    """An unsafe request that a browser would authenticate by the session cookie."""
    if scope.get("method", "GET") in SAFE_METHODS:  # HTTP scopes only (the middleware's `scopes`)
        return False
    path: str = scope["path"]
    if path in FORM_PATHS or path.startswith((FORM_PREFIX, CHANNEL_PREFIX)):
        return False
    auth = _header(scope, b"authorization") or ""
    if auth[:7].lower() == "bearer " and auth[7:].strip():
        return False  # the bearer token authenticates it; the cookie is not used
    return SESSION_COOKIE in _cookies(scope)


class CsrfMiddleware(ASGIMiddleware):
    """Refuses a cookie-authenticated unsafe request without the matching X-CSRF-Token (403)."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        if needs_csrf(scope):
            jar = _cookies(scope)
            if not tokens_match(jar.get(CSRF_COOKIE), _header(scope, CSRF_HEADER.encode())):
                await _refuse(send)
                return
        await next_app(scope, receive, send)


async def _refuse(send: Send) -> None:
    body = msgspec.json.encode(
        {
            "status_code": 403,
            "detail": "missing or wrong CSRF token: send the csrftoken cookie's value in the X-CSRF-Token header",
            "extra": {},
        }
    )
    headers: Any = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": 403, "headers": headers})
    await send({"type": "http.response.body", "body": body, "more_body": False})
