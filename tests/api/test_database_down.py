"""Database down → 503 with Retry-After, never a 500 and never a half-written case."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from app.main import create_app
from app.settings import DEMO_REGION, Settings
from tests.helpers import WEBHOOK_SECRET, callback


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
