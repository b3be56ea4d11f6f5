"""Case-work rules seen through the API and the database, on SQLite and PostgreSQL."""

from __future__ import annotations

import itertools

from sqlalchemy import insert, select

from app.clock import utcnow
from app.db import schema as t
from app.db.queries import mergeable_case
from app.domain.notifications import SMS_LANGUAGES, sms_text
from app.domain.region import QUEUE_KINDS
from app.domain.routing import is_same_matter_candidate
from tests.helpers import MATTI, callback, login

REPLY = "Verikokeen tulos: hemoglobiini 98, aloitetaan rautalääke"


async def test_a_reply_on_a_phone_case_sends_only_a_template(client, db):  # type: ignore[no-untyped-def]
    r = await callback(client, "sms-reply-1")
    assert r.status_code == 202, r.text
    cid = r.json()["case_id"]
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{cid}/messages", json={"text": REPLY}, headers=aino)).status_code == 201
    async with db.connect() as conn:
        rows = (await conn.execute(select(t.outbox))).all()
    assert [(row.channel, row.recipient, row.case_id) for row in rows] == [("sms", MATTI, cid)]
    for lang in SMS_LANGUAGES:
        text = sms_text(rows[0].template, lang)
        assert REPLY not in text
        assert not {"hemoglobiini", "98", "rautalääke", "Verikokeen"} & set(text.replace(".", " ").split())


async def test_a_chat_reply_sends_no_sms(client, db):  # type: ignore[no-untyped-def]
    now = utcnow()
    cid = t.new_id()
    async with db.begin() as conn:
        await conn.execute(
            insert(t.cases).values(
                id=cid, status="new", queue="chat:kajaani", unit="kajaani", urgency="unassessed", urgency_rank=2, urgency_source="none",
                due_at=now, at_risk_at=now, channel="chat", routing_reason="live_chat", patient_id="p-0001", caller_phone=MATTI,
                created_at=now, updated_at=now,
            )
        )
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{cid}/messages", json={"text": REPLY}, headers=aino)).status_code == 201
    async with db.connect() as conn:
        assert (await conn.execute(select(t.outbox))).all() == []


async def test_same_matter_sql_agrees_with_the_rule(db):  # type: ignore[no-untyped-def]
    now = utcnow()
    rows = [
        {"id": t.new_id(), "status": status, "queue": f"{kind}:x", "unit": "kajaani", "urgency": "unassessed", "urgency_rank": 2,
         "urgency_source": "none", "due_at": now, "at_risk_at": now, "channel": "phone", "routing_reason": "named_nurse",
         "patient_id": "p-rule6", "created_at": now, "updated_at": now}
        for status, kind in itertools.product(("new", "claimed", "waiting", "resolved"), QUEUE_KINDS)
    ]
    async with db.begin() as conn:
        await conn.execute(insert(t.cases), rows)
        found = set((await conn.execute(select(t.cases.c.id).where(t.cases.c.patient_id == "p-rule6", mergeable_case()))).scalars())
    expected = {r["id"] for r in rows if is_same_matter_candidate(r["status"], r["queue"])}
    assert found == expected and 0 < len(expected) < len(rows)


async def test_a_red_flag_in_the_portal_moves_an_unclaimed_matter_to_urgent(client, patient_token):  # type: ignore[no-untyped-def]
    matti = {"Authorization": f"Bearer {patient_token('p-0001')}"}
    r = await client.post("/channels/omasote/messages", json={"subject": "Flunssa", "text": "Yskää ja nuhaa"}, headers=matti)
    thread = r.json()["thread_id"]
    paula = await login(client, "paula")
    assert (await client.get(f"/api/cases/{thread}", headers=paula)).json()["queue"] == "personal:n-aino"
    r = await client.post(f"/channels/omasote/threads/{thread}/messages", json={"text": "Nyt puristaa rinnassa kovasti"}, headers=matti)
    assert r.status_code == 201, r.text
    detail = (await client.get(f"/api/cases/{thread}", headers=paula)).json()
    assert (detail["queue"], detail["routing_reason"], detail["urgency"]) == ("urgent:kajaani", "emergency", "emergency")
    assert "chest_pain" in detail["red_flags"] and detail["urgency_source"] == "rules"
    escalated = detail["events"][-1]
    assert escalated["type"] == "case.urgency" and escalated["from_queue"] == "personal:n-aino" and "actor" not in escalated


async def test_a_red_flag_in_the_portal_leaves_a_claimed_matter_with_its_nurse(client, patient_token):  # type: ignore[no-untyped-def]
    matti = {"Authorization": f"Bearer {patient_token('p-0001')}"}
    r = await client.post("/channels/omasote/messages", json={"subject": "Flunssa", "text": "Yskää ja nuhaa"}, headers=matti)
    thread = r.json()["thread_id"]
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{thread}/claim", headers=aino)).status_code == 200
    await client.post(f"/channels/omasote/threads/{thread}/messages", json={"text": "Nyt puristaa rinnassa kovasti"}, headers=matti)
    detail = (await client.get(f"/api/cases/{thread}", headers=aino)).json()
    assert (detail["queue"], detail["status"], detail["assignee"]) == ("personal:n-aino", "claimed", "n-aino")
    assert (detail["urgency"], detail["routing_reason"]) == ("emergency", "named_nurse")
