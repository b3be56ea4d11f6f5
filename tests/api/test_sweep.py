"""The SLA sweep through the real app, on SQLite and PostgreSQL: callbacks arrive by the signed
webhook, their due times are moved into the past (intake computes them from opening hours), and
one run of the jobs turns them at risk, spills or marks them, counts each breach and each
fallen-due callback once, and tells the live stream."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

from sqlalchemy import select, update

from app.clock import utcnow
from app.db import schema as t
from app.hub import Hub
from app.jobs import registered, run_all, run_job
from tests.helpers import callback, login


async def new_case(client, call_id: str, **kw) -> dict:  # type: ignore[no-untyped-def]
    r = await callback(client, call_id, **kw)
    assert r.status_code == 202, r.text
    return r.json()  # type: ignore[no-any-return]


async def set_times(db, case_id: str, due: datetime, at_risk: datetime | None = None) -> None:  # type: ignore[no-untyped-def]
    async with db.begin() as conn:
        await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(due_at=due, at_risk_at=at_risk or due))


async def escalations(db, case_id: str) -> list[str]:  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        rows = (await conn.execute(select(t.events.c.data).where(t.events.c.case_id == case_id, t.events.c.type == "case.escalated"))).all()
    return [json.loads(r.data)["reason"] for r in rows]


def sample(hub: Hub, name: str, **labels: str) -> float:
    value = hub.metrics.registry.get_sample_value(name, labels)
    return value or 0.0


async def test_at_risk_spill_overdue_and_counts_once(served, db):  # type: ignore[no-untyped-def]
    client, hub = served
    now = utcnow()
    soon = await new_case(client, "sw-1")  # Matti → Aino's personal queue
    late = await new_case(client, "sw-2", caller="0449876543")  # Erik → Eero's personal queue
    held = await new_case(client, "sw-3", caller="+358501112233")  # Maija → Aino, and Aino claims it
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{held['case_id']}/claim", headers=aino)).status_code == 200
    await set_times(db, soon["case_id"], now + timedelta(minutes=15), at_risk=now - timedelta(minutes=1))
    await set_times(db, late["case_id"], now - timedelta(minutes=2))
    await set_times(db, held["case_id"], now - timedelta(minutes=2))

    reports = await run_all(hub)
    sweep = next(r for r in reports if r.job == "sla_sweep")
    assert sweep.ran and sweep.counts["at_risk"] == 1 and sweep.counts["sla_spill"] == 1 and sweep.counts["overdue"] == 1
    assert sweep.counts["breaches"] == 2 and sweep.counts["callbacks_due"] == 2

    inbox = {c["id"]: c for c in (await client.get("/api/inbox/?queue=all", headers=await login(client, "paula"))).json()["items"]}
    assert inbox[soon["case_id"]]["at_risk"] is True and inbox[soon["case_id"]]["queue"] == "personal:n-aino"
    spilled = inbox[late["case_id"]]
    assert (spilled["queue"], spilled["routing_reason"], spilled["at_risk"]) == ("team:kajaani-a", "sla_spill", True)
    assert inbox[held["case_id"]]["queue"] == "personal:n-aino" and inbox[held["case_id"]]["assignee"] == "n-aino"  # not taken
    assert await escalations(db, soon["case_id"]) == ["at_risk"]
    assert await escalations(db, late["case_id"]) == ["sla_spill"]
    assert await escalations(db, held["case_id"]) == ["overdue"]

    # a second round does nothing more: each breach and each fallen-due callback counted once
    again = await run_job(hub, registered()[0])
    assert again.ran and not any(again.counts.values()), again.counts
    assert sample(hub, "firstline_sla_breaches_total", unit="kajaani", urgency="unassessed") == 2
    assert sample(hub, "firstline_callbacks_due_total", unit="kajaani") == 2
    assert sample(hub, "firstline_callbacks_within_due_total", unit="kajaani") == 0
    assert sample(hub, "firstline_routing_total", unit="kajaani", reason="sla_spill") == 1
    assert await escalations(db, late["case_id"]) == ["sla_spill"]


async def test_a_callback_made_in_time_counts_as_kept_when_it_falls_due(served, db):  # type: ignore[no-untyped-def]
    client, hub = served
    case = await new_case(client, "sw-kept")
    aino = await login(client, "aino")
    cid = case["case_id"]
    await set_times(db, cid, utcnow() + timedelta(hours=1))
    r = await client.post(f"/api/cases/{cid}/callback-attempts", json={"result": "reached"}, headers=aino)
    assert r.status_code == 201, r.text
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE", "follow_up": "-", "patient_informed": True}, headers=aino)
    assert r.status_code == 200, r.text
    assert sample(hub, "firstline_callbacks_due_total", unit="kajaani") == 0  # not at the attempt
    await run_all(hub)
    assert sample(hub, "firstline_callbacks_due_total", unit="kajaani") == 0  # not due yet
    await set_times(db, cid, utcnow() - timedelta(seconds=1))
    await run_all(hub, utcnow())
    assert sample(hub, "firstline_callbacks_due_total", unit="kajaani") == 1
    assert sample(hub, "firstline_callbacks_within_due_total", unit="kajaani") == 0  # the attempt came after the (moved) due time


async def test_a_row_changed_under_the_sweep_is_left_for_the_next_round(served, db):  # type: ignore[no-untyped-def]
    client, hub = served
    """A nurse claims the case between the sweep's read and its write: the write finds another
    version and skips it (no spill out of her hands); the next round sees the claim and marks
    it overdue where it is."""
    from app.services import sweep as sweep_service

    cid = (await new_case(client, "sw-race"))["case_id"]
    await set_times(db, cid, utcnow() - timedelta(minutes=1))
    now = utcnow()
    decided = await sweep_service.decide(hub, now)
    assert [(d.id, d.action.reason) for d in decided] == [(cid, "sla_spill")]
    r = await client.post(f"/api/cases/{cid}/claim", headers=await login(client, "aino"))
    assert r.status_code == 200
    counts = await sweep_service.apply(hub, decided, now)
    assert counts["skipped"] == 1 and counts["sla_spill"] == 0 and counts["breaches"] == 0
    assert await escalations(db, cid) == []
    counts = await sweep_service.sweep(hub, utcnow())
    assert counts["overdue"] == 1 and counts["breaches"] == 1
    async with db.connect() as conn:
        row = (await conn.execute(select(t.cases).where(t.cases.c.id == cid))).one()
    assert (row.queue, row.assignee, row.overdue) == ("personal:n-aino", "n-aino", True)


async def test_a_failing_job_is_logged_and_the_next_run_goes_on(served, caplog):  # type: ignore[no-untyped-def]
    _, hub = served
    job = registered()[0]

    async def broken(hub_: Hub, now: datetime) -> dict[str, int]:
        raise RuntimeError("database went away")

    failing = type(job)(job.name, job.every, broken)
    report = await run_job(hub, failing)
    assert not report.ran and report.counts == {"failed": 1}
    assert "job sla_sweep failed" in caplog.text
    assert sample(hub, "firstline_job_runs_total", job="sla_sweep", result="failed") == 1
    report = await run_job(hub, job)
    assert report.ran
    assert sample(hub, "firstline_job_runs_total", job="sla_sweep", result="done") == 1
