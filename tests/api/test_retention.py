"""The retention purge on both databases: an old closed case loses its free text, a recent or an
open one keeps it; the dry run counts and changes nothing; structure and audit trail remain."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import msgspec
from sqlalchemy import func, select, update

from app.clock import utcnow
from app.db import schema as t
from app.db.intake_sqlalchemy import SqlAlchemyIntakeStore
from app.hub import Hub
from app.jobs import registered, run_job
from app.services.retention import count_due, purge
from tests.helpers import callback, login


async def worked_case(client, call_id: str, caller: str, nurse: str, *, resolve: bool = True) -> str:  # type: ignore[no-untyped-def]
    r = await callback(client, call_id, caller=caller, voicemail_text="Minulla on ollut kuumetta kolme päivää")
    assert r.status_code == 202, r.text
    cid: str = r.json()["case_id"]
    h = await login(client, nurse)
    assert (await client.post(f"/api/cases/{cid}/claim", headers=h)).status_code == 200
    assert (await client.post(f"/api/cases/{cid}/notes", json={"text": "Potilaalla astma"}, headers=h)).status_code == 201
    reply = await client.post(f"/api/cases/{cid}/messages", json={"text": "Tule vastaanotolle"}, headers=h)
    # an unknown caller could not read a reply (reply_unreadable): the open overflow case has none
    assert reply.status_code == (201 if r.json()["routing_reason"] != "unidentified" else 409), reply.text
    r = await client.post(f"/api/cases/{cid}/callback-attempts", json={"result": "reached", "note": "Puhuttiin"}, headers=h)
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/cases/{cid}/urgency", json={"level": "urgent", "reason": "kuume 40"}, headers=h)
    assert r.status_code == 200, r.text
    if resolve:
        r = await client.post(
            f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE", "follow_up": "Soitan torstaina", "patient_informed": True}, headers=h
        )
        assert r.status_code == 200, r.text
    return cid


async def snapshot(db, cid: str) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        case = (await conn.execute(select(t.cases).where(t.cases.c.id == cid))).one()._mapping
        def rows(table):  # type: ignore[no-untyped-def]
            return select(table).where(table.c.case_id == cid)
        return {
            "case": dict(case),
            "contacts": [r.text for r in (await conn.execute(rows(t.contacts))).all()],
            "messages": [r.text for r in (await conn.execute(rows(t.messages))).all()],
            "notes": [r.text for r in (await conn.execute(rows(t.notes))).all()],
            "attempts": [(r.result, r.note) for r in (await conn.execute(rows(t.callback_attempts))).all()],
            "events": [(r.seq, r.type, msgspec.json.decode(r.data)) for r in (await conn.execute(rows(t.events).order_by(t.events.c.seq))).all()],
            "access": (await conn.execute(select(func.count()).select_from(t.access_log).where(t.access_log.c.case_id == cid))).scalar_one(),
        }


async def test_old_closed_cases_lose_their_free_text_and_nothing_else(client, db, settings, region):  # type: ignore[no-untyped-def]
    old = await worked_case(client, "r-old", "+358401234567", "aino")
    recent = await worked_case(client, "r-recent", "0449876543", "eero")
    still_open = await worked_case(client, "r-open", "0401111111", "aino", resolve=False)  # unknown caller: overflow
    assert (await client.get(f"/api/cases/{old}", headers=await login(client, "aino"))).status_code == 200  # audited
    long_ago = utcnow() - timedelta(days=region.retention.days + 1)
    async with db.begin() as conn:
        await conn.execute(update(t.cases).where(t.cases.c.id == old).values(resolved_at=long_ago))
        await conn.execute(update(t.cases).where(t.cases.c.id == still_open).values(created_at=long_ago))
    before = {cid: await snapshot(db, cid) for cid in (old, recent, still_open)}

    hub = Hub(settings, region, db, SqlAlchemyIntakeStore(db))
    dry = await count_due(hub, utcnow())
    assert dry["cases"] == 1 and dry["contacts"] == 1 and dry["messages"] == 1 and dry["callback_attempts"] == 1
    assert dry["notes"] == 2 and dry["events"] == 2  # the nurse's note and the urgency note; message.created, case.urgency
    assert {cid: await snapshot(db, cid) for cid in before} == before  # the dry run changed nothing

    done = await purge(hub, utcnow())
    assert done == dry
    after = await snapshot(db, old)
    assert after["contacts"] == [None] and after["messages"] == [""] and after["notes"] == ["", ""]
    assert after["attempts"] == [("reached", None)]
    case, was = after["case"], before[old]["case"]
    assert case["purged_at"] is not None and case["follow_up"] is None
    for column in ("status", "outcome", "urgency", "resolved_at", "resolved_by", "first_callback_at", "contacts_count",
                   "failed_attempts", "patient_informed", "patient_id", "queue", "created_at", "due_at"):  # fmt: skip
        assert case[column] == was[column], column
    assert after["access"] == before[old]["access"] > 0  # the audit trail stays
    assert [(s, k) for s, k, _ in after["events"]] == [(s, k) for s, k, _ in before[old]["events"]]
    bodies = {k: b for _, k, b in after["events"]}
    assert bodies["message.created"]["message"]["text"] == "" and bodies["case.urgency"]["urgency"]["reason"] == ""
    assert bodies["case.urgency"]["urgency"]["to"] == "urgent"
    assert "Minulla on ollut" not in str(after) and "kuume 40" not in str(after) and "Soitan" not in str(after)
    for cid in (recent, still_open):
        assert await snapshot(db, cid) == before[cid], cid

    # The case page still opens, with empty texts; a second purge finds nothing.
    detail = (await client.get(f"/api/cases/{old}", headers=await login(client, "aino"))).json()
    assert detail["outcome"] == "ADVICE" and detail["follow_up"] is None and detail["contacts"][0]["text"] is None
    assert (await count_due(hub, utcnow()))["cases"] == 0
    assert (await purge(hub, utcnow()))["cases"] == 0


async def test_the_retention_job_is_registered_and_purges(client, db, settings, region):  # type: ignore[no-untyped-def]
    old = await worked_case(client, "j-old", "+358401234567", "aino")
    async with db.begin() as conn:
        await conn.execute(update(t.cases).where(t.cases.c.id == old).values(resolved_at=utcnow() - timedelta(days=400)))
    jobs = {job.name: job for job in registered()}
    assert "retention" in jobs and jobs["sla_sweep"]  # appended, the sweep still first
    hub = Hub(settings, region, db, SqlAlchemyIntakeStore(db))
    report = await run_job(hub, jobs["retention"])
    assert report.ran and report.counts["cases"] == 1
    assert (await snapshot(db, old))["case"]["purged_at"] is not None


async def test_two_purges_at_once_purge_each_case_once(client, db, settings, region, monkeypatch):  # type: ignore[no-untyped-def]
    import asyncio

    old = [await worked_case(client, f"two-{n}", caller, "aino" if n == 0 else "eero")
           for n, caller in enumerate(("+358401234567", "0449876543"))]  # fmt: skip
    async with db.begin() as conn:
        await conn.execute(update(t.cases).where(t.cases.c.id.in_(old)).values(resolved_at=utcnow() - timedelta(days=400)))
    monkeypatch.setattr("app.services.retention.BATCH", 1)  # interleave the two as much as possible
    one, two = Hub(settings, region, db, SqlAlchemyIntakeStore(db)), Hub(settings, region, db, SqlAlchemyIntakeStore(db))
    a, b = await asyncio.gather(purge(one, utcnow()), purge(two, utcnow()))
    assert a["cases"] + b["cases"] == 2
    assert a["messages"] + b["messages"] == 2 and a["events"] + b["events"] == 4  # each case's words blanked once
    for cid in old:
        assert (await snapshot(db, cid))["messages"] == [""]
