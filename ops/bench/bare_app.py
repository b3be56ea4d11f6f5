"""The baseline: a bare Litestar endpoint doing one asyncpg INSERT.

It answers the same request as the real intake endpoint (same path, same body, the signature
header is simply ignored) so the load generator runs one code path for both targets. What it
leaves out is everything Firstline adds: signature check, phone normalisation, patient lookup,
routing, the SQLAlchemy Core layer, the case/contact/event rows.

Served like `firstline serve`: uvicorn, uvloop and httptools when installed (uvicorn's "auto"),
one worker, access log off:

    python -m ops.bench.bare_app --host 127.0.0.1 --port 8001

The database comes from BENCH_BARE_DSN (a plain asyncpg DSN, or a SQLAlchemy
`postgresql+asyncpg://` URL); the pool is sized like the app's engine (10 + 10 overflow).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import msgspec
from litestar import Litestar, Request, Response, get, post
from litestar.datastructures import State

DEFAULT_DSN = "postgresql://postgres@127.0.0.1:5432/firstline_bench"
PATH = "/channels/phone/callback-requests"

CREATE_TABLE = """
CREATE TABLE IF NOT EXISTS bench_bare (
    id          bigserial PRIMARY KEY,
    call_id     text NOT NULL,
    caller      text NOT NULL,
    dialed      text NOT NULL,
    line        integer NOT NULL,
    received_at timestamptz NOT NULL DEFAULT now()
)
"""
INSERT = "INSERT INTO bench_bare (call_id, caller, dialed, line) VALUES ($1, $2, $3, $4) RETURNING id"


class CallbackRequest(msgspec.Struct):
    call_id: str
    caller: str
    dialed: str
    line: int


class Accepted(msgspec.Struct):
    id: int
    call_id: str


_decode = msgspec.json.Decoder(CallbackRequest).decode


def asyncpg_dsn(url: str) -> str:
    """SQLAlchemy's `postgresql+asyncpg://` → asyncpg's `postgresql://`."""
    scheme, sep, rest = url.partition("://")
    return ("postgresql" + sep + rest) if scheme.startswith("postgres") else url


async def _keep_session(_conn: asyncpg.Connection) -> None:
    return None


def create_app() -> Litestar:
    dsn = asyncpg_dsn(os.environ.get("BENCH_BARE_DSN", DEFAULT_DSN))
    pool_size = int(os.environ.get("BENCH_BARE_POOL_SIZE", "10"))

    @asynccontextmanager
    async def lifespan(app: Litestar) -> AsyncIterator[None]:
        # Configured like Firstline's intake pool (app/db/pools.intake_pool): no per-release
        # reset. asyncpg's default reset is a second round trip per request (UNLISTEN, RESET
        # ALL…), which would make the baseline do twice the work of "one INSERT".
        pool = await asyncpg.create_pool(dsn, min_size=pool_size, max_size=2 * pool_size, reset=_keep_session)
        async with pool.acquire() as conn:
            await conn.execute(CREATE_TABLE)
        app.state.pool = pool
        try:
            yield
        finally:
            await pool.close()

    @post(PATH, status_code=202)
    async def callback_request(request: Request[Any, Any, Any], state: State) -> Accepted:
        try:
            req = _decode(await request.body())
        except (msgspec.ValidationError, msgspec.DecodeError) as exc:
            return Response({"detail": str(exc)}, status_code=400)  # type: ignore[return-value]
        row_id = await state.pool.fetchval(INSERT, req.call_id, req.caller, req.dialed, req.line)
        return Accepted(id=row_id, call_id=req.call_id)

    @get("/readyz")
    async def readyz(state: State) -> dict[str, str]:
        await state.pool.fetchval("SELECT 1")
        return {"status": "ready"}

    return Litestar(route_handlers=[callback_request, readyz], lifespan=[lifespan], openapi_config=None)


def main(argv: list[str] | None = None) -> int:
    import uvicorn

    parser = argparse.ArgumentParser(description="bare Litestar + asyncpg baseline for the intake benchmark")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8001)
    args = parser.parse_args(argv)
    # Same settings as `firstline serve` (app/cli.py): loop/http "auto" pick uvloop/httptools.
    uvicorn.run(
        "ops.bench.bare_app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=1,
        proxy_headers=True,
        log_level="info",
        access_log=False,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
