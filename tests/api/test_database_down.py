"""Database down → 503 with Retry-After, never a 500 and never a half-written case."""

from __future__ import annotations

import asyncio
import logging

import pytest
from litestar.testing import AsyncTestClient

import app.services.cases

from app.main import create_app
from app.settings import DEMO_REGION, Settings
from tests.helpers import WEBHOOK_SECRET, callback, login


async def test_unreachable_database_answers_503(region):  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url="postgresql+asyncpg://postgres@127.0.0.1:1/none",
        region_file=str(DEMO_REGION),
        webhook_secret=WEBHOOK_SECRET,
        run_jobs=False,
    )
    async with AsyncTestClient(app=create_app(settings, region)) as client:
        r = await callback(client, "down-1")
        assert r.status_code == 503, r.text
        assert r.headers["retry-after"] == "5"
        assert "database" in r.json()["detail"]
        ready = await client.get("/readyz")
        assert ready.status_code == 503
        assert (await client.get("/healthz")).status_code == 200
        login = await client.post("/api/auth/login", json={"username": "aino", "password": "aino-demo"})
        assert login.status_code == 200  # logging in needs no database
        r = await client.get("/api/inbox", headers={"Authorization": f"Bearer {login.json()['token']}"})
        assert r.status_code == 503


@pytest.mark.parametrize("error", [ConnectionResetError("peer reset"), TimeoutError("took too long"), OSError("disk")])
async def test_an_os_error_outside_the_drivers_is_a_logged_500_not_a_503(client, monkeypatch, caplog, error):  # type: ignore[no-untyped-def]
    """Only the database's own unavailability answers 503: the same exception types raised by
    app code are bugs (a 500 with a request id, logged), never a "try again" the client trusts."""
    aino = await login(client, "aino")

    async def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise error

    monkeypatch.setattr(app.services.cases, "inbox", broken)
    with caplog.at_level(logging.ERROR, logger="firstline.api"):
        r = await client.get("/api/inbox?queue=mine", headers=aino)
    assert r.status_code == 500, r.text
    assert "retry-after" not in r.headers and r.json()["extra"]["request_id"]
    assert any(rec.exc_info and rec.exc_info[0] is type(error) for rec in caplog.records)


def test_a_driver_raised_connection_error_is_unavailable() -> None:
    """asyncpg lets a refused connection through as a plain ConnectionRefusedError: the traceback
    running through the driver is what makes it the database's."""
    from app.db.engine import database_unavailable

    async def connect() -> None:
        import asyncpg

        await asyncpg.connect("postgresql://postgres@127.0.0.1:1/none", timeout=2)

    with pytest.raises(OSError) as refused:
        asyncio.run(connect())
    assert database_unavailable(refused.value)
    try:
        raise ConnectionRefusedError("not from a driver")
    except ConnectionRefusedError as exc:
        assert not database_unavailable(exc)
