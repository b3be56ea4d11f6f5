"""Every failure becomes Litestar's error shape with a message a person can act on."""

from __future__ import annotations

import asyncio
import logging

import msgspec
from litestar import Request, Response
from litestar.exceptions import HTTPException

from app.db.engine import DATABASE_ERRORS, is_statement_error
from app.domain.errors import ServiceError

log = logging.getLogger("firstline.api")


def _body(status: int, detail: str, extra: dict | None = None) -> dict:
    return {"status_code": status, "detail": detail, "extra": extra or {}}


def service_error(_: Request, exc: ServiceError) -> Response:
    return Response(_body(exc.status_code, exc.detail, exc.extra), status_code=exc.status_code)


def database_unavailable(request: Request, exc: Exception) -> Response:
    if is_statement_error(exc):
        log.exception("database error on %s %s", request.method, request.scope.get("route_handler").__class__.__name__)
        return Response(_body(500, "internal error"), status_code=500)
    log.warning("database unavailable: %s", type(exc).__name__)
    return Response(
        _body(503, "the database is busy or not answering; nothing was stored, try again shortly"),
        status_code=503,
        headers={"Retry-After": "5"},
    )


def validation_error(_: Request, exc: msgspec.ValidationError | msgspec.DecodeError) -> Response:
    if isinstance(exc, msgspec.ValidationError):
        return Response(_body(400, f"invalid request body: {exc}"), status_code=400)
    return Response(_body(400, f"request body is not valid JSON: {exc}"), status_code=400)


EXCEPTION_HANDLERS = {
    ServiceError: service_error,
    **dict.fromkeys(DATABASE_ERRORS, database_unavailable),
    ConnectionError: database_unavailable,
    OSError: database_unavailable,
    asyncio.TimeoutError: database_unavailable,
    msgspec.ValidationError: validation_error,
    msgspec.DecodeError: validation_error,
}

__all__ = ["EXCEPTION_HANDLERS", "HTTPException"]
