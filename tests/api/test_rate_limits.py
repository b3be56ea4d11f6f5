"""Rate limits on the public endpoints (docs/operations.md#rate-limits), on SQLite and PostgreSQL:
past the budget a 429 with Retry-After and `rate_limited`, nothing written; and with Redis the
count is shared by two app instances."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator

import msgspec
import pytest
from litestar.testing import AsyncTestClient
from sqlalchemy import func, select

from app.db import schema as t
from app.settings import Settings
from tests.helpers import callback, signed_post


def _app_client(settings: Settings, region, **changes: object) -> AsyncTestClient:  # type: ignore[no-untyped-def]
    from app.main import create_app

    return AsyncTestClient(app=create_app(msgspec.structs.replace(settings, **changes), region))


@pytest.fixture
async def limited(settings, region, db) -> AsyncIterator[AsyncTestClient]:  # type: ignore[no-untyped-def]
    spec = "webhook_unit=2/3600,survey_address=2/3600,secure_message=1/3600,portal_read=3/3600,chat_form=3/3600"
    async with _app_client(settings, region, rate_limits=spec) as c:
        yield c


def _refused(r, limit: str) -> None:  # type: ignore[no-untyped-def]
    assert r.status_code == 429, r.text
    body = r.json()
    assert body["extra"]["code"] == "rate_limited" and body["extra"]["limit"] == limit, body
    assert int(r.headers["retry-after"]) == body["extra"]["retry_after"] > 0


async def _contacts(db) -> int:  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(t.contacts))).scalar_one())


async def test_webhooks_per_unit(limited, db):  # type: ignore[no-untyped-def]
    for n in range(2):
        assert (await callback(limited, f"rl-{n}", caller=f"04099977{n:02d}")).status_code == 202
    before = await _contacts(db)
    _refused(await callback(limited, "rl-2", caller="0409997702"), "webhook_unit")
    assert await _contacts(db) == before  # refused before any work
    sotkamo = {"call_id": "rl-s", "caller": "0409997799", "dialed": "+35886151000", "line": 1}
    assert (await signed_post(limited, "/channels/phone/callback-requests", sotkamo)).status_code == 202  # its own budget


async def test_survey_per_address(limited):  # type: ignore[no-untyped-def]
    for _ in range(2):
        assert (await limited.get("/survey/not-a-token")).status_code == 404
    r = await limited.post("/survey/not-a-token", json={"nps": 5})
    _refused(r, "survey_address")
    page = await limited.get("/survey/not-a-token", headers={"Accept": "text/html"})
    assert page.status_code == 429 and page.headers["retry-after"] and "<html" in page.text


async def test_every_chat_form_request_counts(limited):  # type: ignore[no-untyped-def]
    """The same form asked again is counted again: no response cache answers before the limit."""
    for _ in range(3):
        assert (await limited.get("/channels/chat/form?unit=kajaani&lang=fi")).status_code == 200
    _refused(await limited.get("/channels/chat/form?unit=kajaani&lang=fi"), "chat_form")
    _refused(await limited.get("/channels/chat/form?unit=kajaani&lang=sv"), "chat_form")  # per address, not per form


async def test_secure_messages_per_patient(limited, patient_token):  # type: ignore[no-untyped-def]
    matti = {"Authorization": f"Bearer {patient_token('p-0001')}"}
    r = await limited.post("/channels/omasote/messages", json={"subject": "Resepti", "text": "Uusinta kiitos"}, headers=matti)
    assert r.status_code == 201, r.text
    _refused(await limited.post("/channels/omasote/messages", json={"subject": "x", "text": "y"}, headers=matti), "secure_message")
    maija = {"Authorization": f"Bearer {patient_token('p-0002')}"}
    r = await limited.post("/channels/omasote/messages", json={"subject": "Aika", "text": "Voinko siirtää?"}, headers=maija)
    assert r.status_code == 201  # another patient's own budget
    for _ in range(3):
        assert (await limited.get("/channels/omasote/threads", headers=matti)).status_code == 200  # reads: their own budget
    _refused(await limited.get("/channels/omasote/threads", headers=matti), "portal_read")


async def test_the_default_budgets_let_normal_work_through(client):  # type: ignore[no-untyped-def]
    for n in range(30):
        assert (await callback(client, f"ok-{n}", caller=f"04099966{n:02d}")).status_code == 202


@pytest.fixture
def redis_url() -> str:
    from tests.live.conftest import redis_url_or_skip

    return redis_url_or_skip()


async def test_two_instances_share_the_count_through_redis(settings, region, db, redis_url):  # type: ignore[no-untyped-def]
    shared = {"rate_limits": "webhook_unit=3/3600", "redis_url": redis_url, "secret_key": f"rl-{uuid.uuid4().hex}-long-enough-key"}
    async with _app_client(settings, region, **shared) as one, _app_client(settings, region, **shared) as two:
        assert (await callback(one, "sh-0", caller="0409995500")).status_code == 202
        assert (await callback(two, "sh-1", caller="0409995501")).status_code == 202
        assert (await callback(one, "sh-2", caller="0409995502")).status_code == 202
        _refused(await callback(two, "sh-3", caller="0409995503"), "webhook_unit")
        _refused(await callback(one, "sh-4", caller="0409995504"), "webhook_unit")


async def test_two_instances_share_the_login_throttle_through_redis(settings, region, db, redis_url):  # type: ignore[no-untyped-def]
    """Behind a balancer a guesser meets one budget of failed logins, not one per instance."""
    shared = {"redis_url": redis_url, "secret_key": f"lt-{uuid.uuid4().hex}-long-enough-key", "rate_limits": "off"}
    async with _app_client(settings, region, **shared) as one, _app_client(settings, region, **shared) as two:
        for n in range(5):  # 3 on one, 2 on the other
            r = await (one, two)[n % 2].post("/api/auth/login", json={"username": "eero", "password": f"guess-{n}"})
            assert r.status_code == 401, r.text
        for app in (one, two):  # even the right password waits, on either instance
            r = await app.post("/api/auth/login", json={"username": "eero", "password": "eero-demo"})
            assert r.status_code == 429 and int(r.headers["retry-after"]) > 0, r.text
        r = await two.post("/api/auth/login", json={"username": "aino", "password": "aino-demo"})
        assert r.status_code == 429  # the address's budget is shared too (both clients are "testclient")


async def test_two_throttles_on_one_redis_count_and_forget_together(redis_url):  # type: ignore[no-untyped-def]
    from app.security.rate_limit import RateLimiter
    from app.security.throttle import LoginThrottle

    secret = f"lt-{uuid.uuid4().hex}"
    a, b = RateLimiter(None, secret, redis_url), RateLimiter(None, secret, redis_url)
    try:
        on_a, on_b = LoginThrottle(a), LoginThrottle(b)
        for throttle in (on_a, on_b, on_a, on_b, on_a):
            await throttle.failed("user:eero")
        assert await on_b.retry_after("user:eero") > 0 and await on_a.retry_after("user:eero") > 0
        await on_b.succeeded("user:eero")
        assert await on_a.retry_after("user:eero") == 0
    finally:
        await a.close()
        await b.close()
