"""Every failure becomes Litestar's error shape with a message a person can act on.

A request id ties an answer to its log lines: `RequestIdMiddleware` takes a sane incoming
`X-Request-ID` or makes one and echoes it on the response; a 500 carries it in `extra.request_id`
and in its log line. Log lines name the route template, never the concrete path or the body
(both can hold patient data).
"""

from __future__ import annotations

import asyncio
import logging
import itertools
import os
import re
from typing import Any

import msgspec
from litestar import Request, Response
from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.status_codes import HTTP_500_INTERNAL_SERVER_ERROR
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.db.engine import DATABASE_ERRORS, is_statement_error
from app.domain.errors import ERROR_CODES, ServiceError

log = logging.getLogger("firstline.api")

REQUEST_ID_HEADER = "X-Request-ID"
_HEADER_KEY = REQUEST_ID_HEADER.lower().encode()
_STATE_KEY = "firstline_request_id"
_ECHOED_KEY = "firstline_request_id_echoed"  # set by the middleware, which adds the header itself
# Visible ASCII only: an id goes into log lines and a response header, so no spaces, control
# characters (log forging, header splitting) or unbounded length.
_SANE_ID = re.compile(rb"[!-~]{1,64}")


def _incoming_request_id(scope: Scope) -> str | None:
    for name, value in scope["headers"]:
        if name == _HEADER_KEY:
            return value.decode("ascii") if _SANE_ID.fullmatch(value) else None
    return None


# A new id: this process's random prefix and a counter — unique across processes and restarts
# (for a log search, not a secret), and far cheaper than a UUID on every request.
_PROCESS = os.urandom(6).hex()
_COUNTER = itertools.count(1)


def _new_request_id() -> str:
    return f"{_PROCESS}-{next(_COUNTER):08x}"


def request_id(scope: Scope) -> str:
    """This request's id: the one the middleware chose, else a sane incoming one, else a new one."""
    state = scope.setdefault("state", {})  # type: ignore[typeddict-item]
    rid = state.get(_STATE_KEY)
    if rid is None:
        rid = state[_STATE_KEY] = _incoming_request_id(scope) or _new_request_id()
    return rid  # type: ignore[no-any-return]


class RequestIdMiddleware(ASGIMiddleware):
    """Gives every HTTP request an id and echoes it in the `X-Request-ID` response header."""

    scopes = (ScopeType.HTTP,)

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        header = (_HEADER_KEY, request_id(scope).encode("ascii"))
        scope["state"][_ECHOED_KEY] = True

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", ()), header]
            await send(message)

        await next_app(scope, receive, send_with_id)


# The API documentation's opening words: the error shape and its machine codes.
OPENAPI_DESCRIPTION = (
    "Every error answers `{\"status_code\": int, \"detail\": str, \"extra\": {...}}`. `detail` is an English "
    "sentence a person can act on and does not change; where a client is expected to explain a refusal to a "
    "person, `extra.code` is a stable machine code (with the facts its sentence needs, e.g. `extra.holder`), "
    "so that the client can say it in its own language:\n\n"
    + "\n".join(f"- `{code}`: {meaning}" for code, meaning in ERROR_CODES.items())
)


def _body(status: int, detail: str, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    return {"status_code": status, "detail": detail, "extra": extra or {}}


def _route(request: Request[Any, Any, Any]) -> str:
    """Method and route template (`/api/cases/{case_id:str}`): says where without saying whose."""
    return f"{request.method} {request.scope.get('path_template') or '?'}"


def internal_error(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Any failure nothing else answers for: logged with its traceback and the request id, and
    answered with that id so that a report from the field finds the log line."""
    rid = request_id(request.scope)
    echoed = request.scope["state"].get(_ECHOED_KEY, False)
    log.exception(
        "unhandled %s on %s [request_id=%s]", type(exc).__name__, _route(request), rid,
        exc_info=exc, extra={"request_id": rid},
    )
    return Response(
        _body(500, "internal error", {"request_id": rid}),
        status_code=500,
        headers=None if echoed else {REQUEST_ID_HEADER: rid},
    )


def service_error(_: Request[Any, Any, Any], exc: ServiceError) -> Response[Any]:
    wait = exc.extra.get("retry_after")  # a rate limit (429) says when to come back
    headers = {"Retry-After": str(wait)} if isinstance(wait, int) else None
    return Response(_body(exc.status_code, exc.detail, exc.extra), status_code=exc.status_code, headers=headers)


def database_unavailable(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    if is_statement_error(exc):
        return internal_error(request, exc)  # the database refused a statement: a bug
    log.warning("database unavailable: %s on %s [request_id=%s]", type(exc).__name__, _route(request), request_id(request.scope))
    return Response(
        _body(503, "the database is busy or not answering; nothing was stored, try again shortly", {"code": "unavailable"}),
        status_code=503,
        headers={"Retry-After": "5"},
    )


def validation_error(_: Request[Any, Any, Any], exc: msgspec.ValidationError | msgspec.DecodeError) -> Response[Any]:
    if isinstance(exc, msgspec.ValidationError):
        return Response(_body(400, f"invalid request body: {exc}", {"code": "invalid_body"}), status_code=400)
    return Response(_body(400, f"request body is not valid JSON: {exc}", {"code": "not_json"}), status_code=400)


def not_utf8(_: Request[Any, Any, Any], exc: UnicodeDecodeError) -> Response[Any]:
    """msgspec raises UnicodeDecodeError (not DecodeError) for invalid UTF-8 inside a JSON
    string, and Litestar passes it through from `data:` parsing. The handlers decode no other
    untrusted bytes (server-side `.decode()`s are of the app's own msgspec output), so the body
    is what was not UTF-8."""
    bad = bytes(exc.object[exc.start : exc.start + 1]).hex() or "?"
    return Response(_body(400, f"request body is not valid UTF-8 JSON: byte 0x{bad} is not UTF-8", {"code": "not_utf8"}), status_code=400)


EXCEPTION_HANDLERS: dict[int | type[Exception], Any] = {
    ServiceError: service_error,
    **dict.fromkeys(DATABASE_ERRORS, database_unavailable),
    ConnectionError: database_unavailable,
    OSError: database_unavailable,
    asyncio.TimeoutError: database_unavailable,
    msgspec.ValidationError: validation_error,
    msgspec.DecodeError: validation_error,
    UnicodeDecodeError: not_utf8,
    # Litestar consults this for any exception that is not an HTTPException and has no handler
    # above, and for an HTTPException with status 500.
    HTTP_500_INTERNAL_SERVER_ERROR: internal_error,
}

__all__ = ["EXCEPTION_HANDLERS", "OPENAPI_DESCRIPTION", "REQUEST_ID_HEADER", "RequestIdMiddleware", "request_id"]
