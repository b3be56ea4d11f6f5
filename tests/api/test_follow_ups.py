"""Follow-ups through the API and the job, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta

from sqlalchemy import insert, select, update

from app.clock import utcnow
from app.db import schema as t
from app.db.intake_sqlalchemy import SqlAlchemyIntakeStore
from app.hub import Hub
from app.jobs import registered, run_job
from app.services.follow_ups import return_due
from tests.helpers import MATTI, callback, login


def _job(name: str):  # type: ignore[no-untyped-def]
    return next(j for j in registered() if j.name == name)


def clock_hub(settings, region, db) -> Hub:  # type: ignore[no-untyped-def]
    """A second instance on the test's own engine, as `firstline jobs --once` builds one (the
    client's app runs in another event loop)."""
    return Hub(settings, region, db, SqlAlchemyIntakeStore(db))


async def _claimed_case(client, call_id: str = "fu-1", caller: str = MATTI) -> tuple[str, dict[str, str]]:  # type: ignore[no-untyped-def]
    r = await callback(client, call_id, caller=caller)
    assert r.status_code == 202, r.text
    cid = r.json()["case_id"]
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{cid}/claim", headers=aino)).status_code == 200
    return cid, aino


async def _inbox_ids(client, headers) -> list[str]:  # type: ignore[no-untyped-def]
    r = await client.get("/api/inbox?queue=all", headers=headers)
    assert r.status_code == 200, r.text
    return [c["id"] for c in r.json()["items"]]


async def test_a_follow_up_leaves_the_inbox_and_comes_back_when_due(client, db, settings, region):  # type: ignore[no-untyped-def]
    cid, aino = await _claimed_case(client)
    at = (utcnow() + timedelta(days=2)).replace(microsecond=0)
    r = await client.post(f"/api/cases/{cid}/follow-up", json={"at": at.isoformat(), "note": "Soitan torstaina"}, headers=aino)
    assert r.status_code == 201, r.text
    fu = r.json()
    assert (fu["holder"], fu["state"], fu["created_by"]) == ("n-aino", "scheduled", "n-aino")
    assert cid not in await _inbox_ids(client, aino)
    detail = (await client.get(f"/api/cases/{cid}", headers=aino)).json()
    assert detail["status"] == "waiting" and [f["id"] for f in detail["follow_ups"]] == [fu["id"]]
    waiting = detail["events"][-1]
    assert waiting["type"] == "case.waiting" and waiting["follow_up"]["id"] == fu["id"] and "note" not in waiting["follow_up"]

    hub = clock_hub(settings, region, db)
    early = await run_job(hub, _job("follow_ups"), at - timedelta(minutes=1))
    assert early.ran and not any(early.counts.values())
    due = await run_job(hub, _job("follow_ups"), at + timedelta(seconds=10))
    assert due.counts["due"] == 1
    assert (await run_job(hub, _job("follow_ups"), at + timedelta(seconds=40))).counts["due"] == 0  # once

    detail = (await client.get(f"/api/cases/{cid}", headers=aino)).json()
    assert (detail["status"], detail["queue"], detail["assignee"], detail["routing_reason"]) == ("new", "personal:n-aino", None, "follow_up")
    assert datetime.fromisoformat(detail["due_at"]) > at
    assert detail["follow_ups"][0]["state"] == "returned" and detail["follow_ups"][0]["done_at"] is not None
    back = detail["events"][-1]
    assert back["type"] == "case.follow_up_due" and back["reason"] == "due" and "actor" not in back
    assert cid in await _inbox_ids(client, aino)


async def test_bad_follow_ups_are_refused_with_the_reason(client, db, settings, region):  # type: ignore[no-untyped-def]
    cid, aino = await _claimed_case(client, caller="+358409990009")  # overflow: Eero sees it too
    now = utcnow()

    async def post(body, headers=aino, case=cid):  # type: ignore[no-untyped-def]
        return await client.post(f"/api/cases/{case}/follow-up", json=body, headers=headers)

    past = await post({"at": (now - timedelta(hours=1)).isoformat(), "note": "x"})
    assert past.status_code == 422 and past.json()["detail"].startswith("at:")
    assert past.json()["extra"]["code"] == "follow_up_past"
    far = await post({"at": (now + timedelta(days=400)).isoformat(), "note": "x"})
    assert far.status_code == 422 and "year" in far.json()["detail"]
    naive = await post({"at": (now + timedelta(days=1)).replace(tzinfo=None).isoformat(), "note": "x"})
    assert naive.status_code == 422 and "offset" in naive.json()["detail"]
    assert (await post({"at": "Thursday", "note": "x"})).status_code == 422
    soon = (now + timedelta(days=1)).isoformat()
    assert (await post({"at": soon, "note": ""})).status_code == 422
    assert (await post({"at": soon, "note": "x" * 1001})).status_code == 422
    blank = await post({"at": soon, "note": "   "})
    assert blank.status_code == 422 and blank.json()["detail"].startswith("note:")
    assert (await post({"at": soon, "note": "x"}, case="nope")).status_code == 404
    eero = await login(client, "eero")
    theirs = await post({"at": soon, "note": "x"}, headers=eero)
    assert theirs.status_code == 409 and theirs.json()["detail"] == "claimed by Aino Nurminen"
    assert theirs.json()["extra"]["code"] == "claimed_by"
    assert (await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE"}, headers=aino)).status_code == 200
    done = await post({"at": soon, "note": "x"})
    assert done.status_code == 409 and "resolved" in done.json()["detail"]


async def test_cancelling_brings_the_case_back_at_once(client, db, settings, region):  # type: ignore[no-untyped-def]
    cid, aino = await _claimed_case(client)
    at = (utcnow() + timedelta(days=3)).isoformat()
    assert (await client.delete(f"/api/cases/{cid}/follow-up", headers=aino)).status_code == 409  # none waiting
    assert (await client.post(f"/api/cases/{cid}/follow-up", json={"at": at, "note": "x"}, headers=aino)).status_code == 201
    again = await client.post(f"/api/cases/{cid}/follow-up", json={"at": at, "note": "y"}, headers=aino)
    assert again.status_code == 409 and "cancel it first" in again.json()["detail"]
    claim = await client.post(f"/api/cases/{cid}/claim", headers=aino)
    assert claim.status_code == 409 and "follow-up" in claim.json()["detail"] and claim.json()["extra"]["code"] == "case_waiting"
    eero = await login(client, "eero")
    assert (await client.delete(f"/api/cases/{cid}/follow-up", headers=eero)).status_code == 404  # not his to see
    r = await client.delete(f"/api/cases/{cid}/follow-up", headers=aino)
    assert r.status_code == 200, r.text
    assert (r.json()["status"], r.json()["assignee"], r.json()["queue"]) == ("claimed", "n-aino", "personal:n-aino")
    detail = (await client.get(f"/api/cases/{cid}", headers=aino)).json()
    assert detail["follow_ups"][0]["state"] == "cancelled" and detail["events"][-1]["type"] == "case.follow_up_cancelled"
    # A supervisor cancelling sends it back unclaimed to the holder's queue.
    assert (await client.post(f"/api/cases/{cid}/follow-up", json={"at": at, "note": "z"}, headers=aino)).status_code == 201
    paula = await login(client, "paula")
    r = await client.delete(f"/api/cases/{cid}/follow-up", headers=paula)
    assert (r.json()["status"], r.json()["assignee"], r.json()["queue"]) == ("new", None, "personal:n-aino")


async def test_a_new_call_from_the_patient_brings_a_waiting_case_back(client, db, settings, region):  # type: ignore[no-untyped-def]
    cid, aino = await _claimed_case(client, "fu-merge-1")
    at = utcnow() + timedelta(days=2)
    assert (await client.post(f"/api/cases/{cid}/follow-up", json={"at": at.isoformat(), "note": "x"}, headers=aino)).status_code == 201
    r = await callback(client, "fu-merge-2")
    assert r.json()["merged"] is True and r.json()["case_id"] == cid
    report = await run_job(clock_hub(settings, region, db), _job("follow_ups"))
    assert report.counts["patient_contact"] == 1
    detail = (await client.get(f"/api/cases/{cid}", headers=aino)).json()
    assert (detail["status"], detail["queue"]) == ("new", "personal:n-aino")
    assert detail["events"][-1]["reason"] == "patient_contact"


async def test_an_absent_holders_follow_up_goes_to_their_team(client, db, settings, region):  # type: ignore[no-untyped-def]
    cid, aino = await _claimed_case(client)
    at = utcnow() + timedelta(days=2)
    assert (await client.post(f"/api/cases/{cid}/follow-up", json={"at": at.isoformat(), "note": "x"}, headers=aino)).status_code == 201
    async with db.begin() as conn:
        await conn.execute(
            insert(t.absences).values(
                id=t.new_id(), professional="n-aino", starts_at=at - timedelta(days=1), ends_at=at + timedelta(days=1),
                substitute=None, created_by="s-paula", created_at=utcnow(),
            )
        )
    hub = clock_hub(settings, region, db)
    assert (await run_job(hub, _job("follow_ups"), at + timedelta(seconds=1))).counts["due"] == 1
    paula = await login(client, "paula")
    detail = (await client.get(f"/api/cases/{cid}", headers=paula)).json()
    assert (detail["status"], detail["queue"], detail["routing_reason"]) == ("new", "team:kajaani-a", "follow_up")


async def test_two_instances_return_a_follow_up_once(client, db, settings, region):  # type: ignore[no-untyped-def]
    ids = []
    for n in range(3):
        cid, aino = await _claimed_case(client, f"fu-race-{n}", caller=f"+35840999000{n}")  # unknown callers: overflow
        ids.append(cid)
    at = utcnow() + timedelta(days=1)
    for cid in ids:
        r = await client.post(f"/api/cases/{cid}/follow-up", json={"at": at.isoformat(), "note": "x"}, headers=aino)
        assert r.status_code == 201, r.text
    hub = clock_hub(settings, region, db)
    later = at + timedelta(seconds=5)
    rounds = await asyncio.gather(return_due(hub, later), return_due(hub, later))
    async with db.connect() as conn:
        states = (await conn.execute(select(t.follow_ups.c.state))).scalars().all()
        events = (await conn.execute(select(t.events.c.seq).where(t.events.c.type == "case.follow_up_due"))).all()
    assert sum(r["due"] for r in rounds) == len(states) == len(events) and set(states) == {"returned"}


async def test_a_waiting_case_is_not_overdue_on_the_dashboard(client, db, settings, region):  # type: ignore[no-untyped-def]
    cid, aino = await _claimed_case(client)
    async with db.begin() as conn:
        await conn.execute(update(t.cases).where(t.cases.c.id == cid).values(due_at=utcnow() - timedelta(hours=1)))
    paula = await login(client, "paula")

    async def overdue() -> int:
        board = (await client.get("/api/reports/dashboard?unit=kajaani", headers=paula)).json()
        return sum(q["overdue"] for q in board["now"]["queues"]) + len(board["now"]["overdue"])

    assert await overdue() == 2  # counted in its queue and listed
    at = (utcnow() + timedelta(days=1)).isoformat()
    assert (await client.post(f"/api/cases/{cid}/follow-up", json={"at": at, "note": "x"}, headers=aino)).status_code == 201
    assert await overdue() == 0
