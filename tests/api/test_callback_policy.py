"""The callback attempts policy through the API, on both databases: too soon → 409 naming the
time; the last unanswered attempt → a secure message for a portal user, else an SMS (outbox)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from app.db import schema as t
from tests.helpers import callback, login


class FakeClock:
    def __init__(self) -> None:
        self.now = datetime.now(timezone.utc)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, minutes: float) -> None:
        self.now += timedelta(minutes=minutes)


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> FakeClock:
    fake = FakeClock()
    monkeypatch.setattr("app.services.cases.utcnow", fake)
    return fake


async def attempt(client, cid: str, headers: dict[str, str], result: str = "no_answer"):  # type: ignore[no-untyped-def]
    return await client.post(f"/api/cases/{cid}/callback-attempts", json={"result": result}, headers=headers)


async def test_an_attempt_too_soon_is_refused_with_the_time_of_the_next(client, db, clock):  # type: ignore[no-untyped-def]
    cid = (await callback(client, "gap-1")).json()["case_id"]
    aino = await login(client, "aino")
    assert (await attempt(client, cid, aino)).status_code == 201
    clock.advance(5)
    r = await attempt(client, cid, aino, "busy")
    assert r.status_code == 409, r.text
    assert "the next attempt may be made from" in r.json()["detail"] and "at least 15 minutes" in r.json()["detail"]
    nxt = datetime.fromisoformat(r.json()["extra"]["next_attempt_at"])
    assert nxt == clock.now + timedelta(minutes=10)
    assert (await attempt(client, cid, aino, "reached")).status_code == 201  # reaching the patient is never refused
    clock.advance(10)
    assert (await attempt(client, cid, aino)).status_code == 201
    async with db.connect() as conn:
        results = (await conn.execute(select(t.callback_attempts.c.result).where(t.callback_attempts.c.case_id == cid))).scalars().all()
        failed = (await conn.execute(select(t.cases.c.failed_attempts).where(t.cases.c.id == cid))).scalar_one()
    assert sorted(results) == ["no_answer", "no_answer", "reached"] and failed == 2  # the refused one left nothing


async def three_failed(client, cid: str, headers: dict[str, str], clock: FakeClock) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        r = await attempt(client, cid, headers)
        assert r.status_code == 201, r.text
        clock.advance(20)


async def test_last_attempt_sends_an_sms_to_a_patient_without_the_portal(client, db, clock):  # type: ignore[no-untyped-def]
    cid = (await callback(client, "sms-1")).json()["case_id"]
    aino = await login(client, "aino")
    await three_failed(client, cid, aino, clock)
    async with db.connect() as conn:
        out = (await conn.execute(select(t.outbox))).all()
    assert [(o.channel, o.template, o.recipient, o.case_id) for o in out] == [("sms", "callback_failed", "+358401234567", cid)]
    detail = (await client.get(f"/api/cases/{cid}", headers=aino)).json()
    assert detail["messages"] == []  # nothing patient-visible: the SMS is all they get
    assert detail["notes"][-1]["text"] == "3 callback attempts failed; the patient was sent a notification."
    assert [e.get("patient_notified") for e in detail["events"] if e.get("callback_attempt")] == [None, None, "sms"]
    clock.advance(20)
    assert (await attempt(client, cid, aino)).status_code == 201  # a fourth is allowed, and tells no one again
    async with db.connect() as conn:
        assert len((await conn.execute(select(t.outbox))).all()) == 1


async def test_last_attempt_writes_to_the_portal_of_a_patient_who_uses_it(client, db, clock, patient_token):  # type: ignore[no-untyped-def]
    matti = {"Authorization": f"Bearer {patient_token('p-0001')}"}
    r = await client.post("/channels/omasote/messages", json={"subject": "Reseptit", "text": "Kysymys"}, headers=matti)
    assert r.status_code == 201, r.text
    thread = r.json()["case_id"]
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{thread}/claim", headers=aino)).status_code == 200
    r = await client.post(f"/api/cases/{thread}/resolve", json={"outcome": "ADVICE"}, headers=aino)
    assert r.status_code == 200, r.text

    cid = (await callback(client, "portal-1")).json()["case_id"]
    assert cid != thread
    await three_failed(client, cid, aino, clock)
    async with db.connect() as conn:
        out = (await conn.execute(select(t.outbox))).all()
    assert [(o.channel, o.template, o.recipient, o.case_id) for o in out] == [("secure_message", "callback_failed", "p-0001", cid)]
    threads = (await client.get("/channels/omasote/threads", headers=matti)).json()
    assert cid in [x["id"] for x in threads]  # the unreached call is now a thread in the portal
    mine = (await client.get(f"/channels/omasote/threads/{cid}", headers=matti)).json()
    assert len(mine["messages"]) == 1 and mine["messages"][0]["text"].startswith("Yritimme soittaa sinulle 3 kertaa")
    assert "+35886150000" in mine["messages"][0]["text"]


async def test_no_sms_to_a_number_found_wrong(client, db, clock):  # type: ignore[no-untyped-def]
    cid = (await callback(client, "wrong-1")).json()["case_id"]
    aino = await login(client, "aino")
    for result in ("no_answer", "wrong_number", "no_answer"):
        assert (await attempt(client, cid, aino, result)).status_code == 201
        clock.advance(20)
    async with db.connect() as conn:
        assert (await conn.execute(select(t.outbox))).all() == []
    detail = (await client.get(f"/api/cases/{cid}", headers=aino)).json()
    assert detail["notes"][-1]["text"] == "3 callback attempts failed; the number is wrong, so no SMS was sent to it."
