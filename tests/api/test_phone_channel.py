"""The phone channel end to end: signature, idempotency, routing, redirects, bad input."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta, timezone

import msgspec
import pytest
from sqlalchemy import func, select

from app.db import schema as t
from tests.helpers import KAJAANI, MATTI, SCRAPER, callback, signed_post
from tests.conftest import METRICS_TOKEN

PATH = "/channels/phone/callback-requests"


async def count(db, table) -> int:  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(table))).scalar_one()


async def test_identified_caller_goes_to_named_nurse(client, db):  # type: ignore[no-untyped-def]
    r = await callback(client, "call-1", received_at="2026-11-16T08:02:11+02:00")
    assert r.status_code == 202, r.text
    body = r.json()
    assert body["queue"] == "personal:n-aino"
    assert body["routing_reason"] == "named_nurse"
    assert body["urgency"] == "unassessed"
    assert body["merged"] is False
    # Monday 08:02 Helsinki, promise 60 min.
    assert datetime.fromisoformat(body["due_at"]) == datetime(2026, 11, 16, 9, 2, 11, tzinfo=timezone(timedelta(hours=2)))
    assert body["promised_callback_by"] == body["due_at"]
    async with db.connect() as conn:
        case = (await conn.execute(select(t.cases).where(t.cases.c.id == body["case_id"]))).one()
        events = (await conn.execute(select(t.events).where(t.events.c.case_id == body["case_id"]))).all()
    assert case.patient_id == "p-0001" and case.status == "new" and case.routing_reason == "named_nurse"
    assert [e.type for e in events] == ["case.created"]


async def test_retry_returns_the_same_answer_and_creates_nothing(client, db):  # type: ignore[no-untyped-def]
    first = await callback(client, "call-retry")
    again = await callback(client, "call-retry")
    assert first.status_code == 202 and again.status_code == 200
    assert again.json() == first.json()
    assert await count(db, t.cases) == 1
    assert await count(db, t.contacts) == 1
    assert await count(db, t.events) == 1


async def test_concurrent_retries_create_one_case(client, db):  # type: ignore[no-untyped-def]
    payload = {"call_id": "call-storm", "caller": "+358449876543", "dialed": KAJAANI, "line": 1}
    results = await asyncio.gather(*(signed_post(client, PATH, payload) for _ in range(8)))
    codes = sorted(r.status_code for r in results)
    assert codes == [200] * 7 + [202], [r.text for r in results]
    assert len({r.json()["case_id"] for r in results}) == 1
    assert await count(db, t.cases) == 1
    assert await count(db, t.events) == 1


async def test_unknown_caller_goes_to_overflow(client):  # type: ignore[no-untyped-def]
    r = await callback(client, "call-unknown", caller="0401111111")
    assert r.status_code == 202
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("overflow:kajaani", "unidentified")


async def test_finnish_formats_identify_the_caller(client):  # type: ignore[no-untyped-def]
    r = await callback(client, "call-fmt", caller="040 123 4567")
    assert r.json()["routing_reason"] == "named_nurse"


async def test_line3_goes_to_assistants_and_line2_to_urgent(client):  # type: ignore[no-untyped-def]
    r3 = await callback(client, "call-l3", line=3)
    assert (r3.json()["queue"], r3.json()["routing_reason"]) == ("assistants:kajaani", "line3_assistants")
    r2 = await callback(client, "call-l2", caller="+358449876543", line=2)
    assert (r2.json()["queue"], r2.json()["routing_reason"], r2.json()["urgency"]) == ("urgent:kajaani", "line2_urgent", "urgent")


async def test_second_contact_attaches_to_open_case(client, db):  # type: ignore[no-untyped-def]
    first = (await callback(client, "call-a")).json()
    second = await callback(client, "call-b")
    assert second.status_code == 202
    assert second.json()["merged"] is True
    assert second.json()["case_id"] == first["case_id"]
    assert second.json()["routing_reason"] == "merged_open_case"
    assert await count(db, t.cases) == 1
    assert await count(db, t.contacts) == 2


async def test_deprecated_number_answers_with_redirect(client, db):  # type: ignore[no-untyped-def]
    r = await signed_post(client, PATH, {"call_id": "old-1", "caller": MATTI, "dialed": "+358441112222", "line": 1})
    assert r.status_code == 200
    assert r.json()["deprecated_number"] is True
    assert r.json()["redirect_to"] == KAJAANI
    assert "+35886150000" in r.json()["message_fi"]
    assert await count(db, t.cases) == 0
    metrics = (await client.get("/metrics", headers=SCRAPER)).text
    assert 'firstline_deprecated_number_calls_total{number="+358441112222",unit="kajaani"} 1.0' in metrics


@pytest.mark.parametrize(
    ("at", "redirected"),
    [
        (datetime(2027, 2, 28, 21, 59, tzinfo=timezone.utc), True),  # 23:59 on the until day, Helsinki
        (datetime(2027, 2, 28, 22, 0, tzinfo=timezone.utc), False),  # 00:00 the day after
    ],
)
async def test_deprecated_number_redirects_through_until_then_is_unknown(client, db, monkeypatch, at, redirected):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.api.channels.utcnow", lambda: at)
    r = await signed_post(client, PATH, {"call_id": "old-2", "caller": MATTI, "dialed": "+358441112222", "line": 1})
    metrics = (await client.get("/metrics", headers=SCRAPER)).text
    counted = 'firstline_deprecated_number_calls_total{number="+358441112222",unit="kajaani"} 1.0' in metrics
    if redirected:
        assert r.status_code == 200 and r.json()["redirect_to"] == KAJAANI and counted
    else:
        assert r.status_code == 422 and "+358441112222 is not the callback number of any unit" in r.json()["detail"]
        assert not counted
    assert await count(db, t.cases) == 0


async def test_unknown_dialled_number_is_422(client, db):  # type: ignore[no-untyped-def]
    r = await signed_post(client, PATH, {"call_id": "x", "caller": MATTI, "dialed": "+35886159999", "line": 1})
    assert r.status_code == 422
    assert "dialed number" in r.json()["detail"]
    assert await count(db, t.cases) == 0


async def test_line_the_unit_does_not_run_is_422(client):  # type: ignore[no-untyped-def]
    r = await signed_post(client, PATH, {"call_id": "x2", "caller": MATTI, "dialed": "+35886151000", "line": 2})
    assert r.status_code == 422
    assert "no line 2" in r.json()["detail"]


async def test_signature_is_required_and_checked(client, db):  # type: ignore[no-untyped-def]
    body = msgspec.json.encode({"call_id": "s1", "caller": MATTI, "dialed": KAJAANI, "line": 1})
    r = await client.post(PATH, content=body, headers={"Content-Type": "application/json"})
    assert r.status_code == 401 and "X-Firstline-Signature" in r.json()["detail"]
    r = await signed_post(client, PATH, body, secret="wrong")
    assert r.status_code == 401 and "does not match" in r.json()["detail"]
    r = await signed_post(client, PATH, body, ts=int(time.time()) - 301)
    assert r.status_code == 401 and "5-minute" in r.json()["detail"]
    r = await client.post(PATH, content=body, headers={"X-Firstline-Signature": "garbage"})
    assert r.status_code == 401
    assert await count(db, t.cases) == 0


async def test_bad_bodies_get_4xx_naming_the_problem(client, db):  # type: ignore[no-untyped-def]
    cases = [
        (b"{not json", "not valid JSON"),
        (b"[]", "Expected `object`"),
        (msgspec.json.encode({"caller": MATTI, "dialed": KAJAANI, "line": 1}), "call_id"),
        (msgspec.json.encode({"call_id": "b", "caller": MATTI, "dialed": KAJAANI, "line": 7}), "line"),
        (msgspec.json.encode({"call_id": "b", "caller": "abc", "dialed": KAJAANI, "line": 1}), "caller"),
        (msgspec.json.encode({"call_id": "b", "caller": MATTI, "dialed": KAJAANI, "line": 1, "received_at": "yesterday"}), "received_at"),
        (msgspec.json.encode({"call_id": "b", "caller": MATTI, "dialed": KAJAANI, "line": 1, "received_at": "2026-11-16T08:00:00"}), "received_at"),
        (msgspec.json.encode({"call_id": "", "caller": MATTI, "dialed": KAJAANI, "line": 1}), "call_id"),
    ]
    for body, needle in cases:
        r = await signed_post(client, PATH, body)
        assert r.status_code == 422, (body, r.status_code, r.text)
        assert needle in r.json()["detail"], (body, r.json())
    assert await count(db, t.cases) == 0


async def test_future_received_at_is_refused(client):  # type: ignore[no-untyped-def]
    future = (datetime.now(timezone.utc) + timedelta(minutes=10)).isoformat()
    r = await callback(client, "fut", received_at=future)
    assert r.status_code == 422 and "future" in r.json()["detail"]
    soon = (datetime.now(timezone.utc) + timedelta(minutes=2)).isoformat()
    assert (await callback(client, "fut2", received_at=soon)).status_code == 202


async def test_oversized_body_is_413(client, db):  # type: ignore[no-untyped-def]
    payload = {"call_id": "big", "caller": MATTI, "dialed": KAJAANI, "line": 1, "voicemail_text": "a" * 70_000}
    r = await signed_post(client, PATH, payload)
    assert r.status_code == 413
    assert await count(db, t.cases) == 0


async def test_overlong_voicemail_is_422(client):  # type: ignore[no-untyped-def]
    r = await callback(client, "long", voicemail_text="a" * 8001)
    assert r.status_code == 422 and "voicemail_text" in r.json()["detail"]


async def test_metrics_count_contacts_and_routing(client):  # type: ignore[no-untyped-def]
    await callback(client, "m-1")
    await callback(client, "m-2", caller="0401111111")
    text = (await client.get("/metrics", headers={"Authorization": f"Bearer {METRICS_TOKEN}"})).text
    assert 'firstline_contacts_total{channel="phone",line="1",unit="kajaani"}' in text
    assert 'firstline_routing_total{reason="unidentified",unit="kajaani"}' in text
    assert 'firstline_queue_depth{queue_kind="overflow",unit="kajaani"} 1.0' in text
    assert "+358" not in text and "Meik" not in text


async def test_any_utc_offset_the_platform_sends_is_stored(client):  # type: ignore[no-untyped-def]
    """Python reads offsets up to ±23:59, PostgreSQL stores them only to ±15:59: found by the fuzzer (a 500)."""
    r = await callback(client, "odd-offset", received_at="2026-12-02T22:00:00+22:59")
    assert r.status_code == 202, r.text
