"""Shared clients and the coordinator's take-over (SPEC §10) through the API and the clock, on
SQLite and PostgreSQL: a patient who called three times this month is suggested, a coordinator
takes over, the next call goes straight to them (rule 7), and the take-over ends by itself or by
release. Every refusal the issue names has its status and code."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.clock import utcnow
from app.db import schema as t
from app.db.intake_sqlalchemy import SqlAlchemyIntakeStore
from app.hub import Hub
from app.jobs import registered, run_job
from tests.helpers import MATTI, Spy, callback, login, signed_post

MAIJA = "+358501112233"  # p-0002, named nurse n-aino
ERIK = "+358449876543"  # p-0003, named nurse n-eero


def _job(name: str):  # type: ignore[no-untyped-def]
    return next(j for j in registered() if j.name == name)


def clock_hub(settings, region, db) -> Hub:  # type: ignore[no-untyped-def]
    return Hub(settings, region, db, SqlAlchemyIntakeStore(db))


def _until(days: int = 7) -> str:
    return (utcnow() + timedelta(days=days)).date().isoformat()


async def _call_and_resolve(client, call_id: str, caller: str = MATTI, nurse: str = "aino") -> dict:  # type: ignore[no-untyped-def]
    r = await callback(client, call_id, caller=caller)
    assert r.status_code == 202, r.text
    body = r.json()
    headers = await login(client, nurse)
    assert (await client.post(f"/api/cases/{body['case_id']}/claim", headers=headers)).status_code == 200
    r = await client.post(f"/api/cases/{body['case_id']}/resolve", json={"outcome": "ADVICE"}, headers=headers)
    assert r.status_code == 200, r.text
    return body  # type: ignore[no-any-return]


async def _no_show(client, event_id: str, patient_id: str = "p-0001", unit: str = "kajaani", **extra):  # type: ignore[no-untyped-def]
    at = (utcnow() - timedelta(days=3)).isoformat()
    return await signed_post(client, "/channels/appointments/no-show", {"event_id": event_id, "patient_id": patient_id, "unit": unit, "at": at, **extra})


async def test_three_calls_suggest_a_take_over_the_next_call_goes_to_the_coordinator_and_it_ends_by_itself(client, db, settings, region):  # type: ignore[no-untyped-def]
    for i in range(3):
        first = await _call_and_resolve(client, f"sc-{i}")
        assert first["routing_reason"] == "named_nurse"
    helena = await login(client, "helena")
    patient = (await client.get("/api/patients/p-0001", headers=helena)).json()
    assert patient["shared_client"] == {"suggested": True, "triggers": ["repeat_contacts"]}
    assert patient["responsible_worker"] is None
    listed = (await client.get("/api/shared-clients?unit=kajaani", headers=helena)).json()
    assert [(i["patient"]["id"], i["suggested"], i["triggers"]) for i in listed] == [("p-0001", True, ["repeat_contacts"])]
    assert (await client.get("/api/shared-clients", headers=await login(client, "paula"))).json() == listed

    until = _until(7)
    r = await client.post("/api/patients/p-0001/take-over", json={"until": until, "note": "Kartoitan tilanteen"}, headers=helena)
    assert r.status_code == 200, r.text
    taken = r.json()
    assert (taken["coordinator"], taken["moved_cases"], taken["ended_at"]) == ("c-helena", [], None)
    patient = (await client.get("/api/patients/p-0001", headers=helena)).json()
    assert patient["responsible_worker"] == {"professional": "c-helena", "until": taken["until"]}
    assert patient["shared_client"] == {"suggested": False, "triggers": ["repeat_contacts"]}  # the ball is caught

    r = await callback(client, "sc-next")
    assert r.status_code == 202, r.text
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("personal:c-helena", "responsible_worker")
    inbox = (await client.get("/api/inbox?queue=mine", headers=helena)).json()["items"]
    assert [c["id"] for c in inbox] == [r.json()["case_id"]] and inbox[0]["patient"]["shared_client"] is True

    hub = clock_hub(settings, region, db)
    from datetime import datetime

    end = datetime.fromisoformat(taken["until"])
    early = await run_job(hub, _job("take_over_ends"), end - timedelta(seconds=1))
    assert early.ran and early.counts["ended"] == 0
    done = await run_job(hub, _job("take_over_ends"), end + timedelta(seconds=1))
    assert done.counts["ended"] == 1
    assert (await run_job(hub, _job("take_over_ends"), end + timedelta(seconds=2))).counts["ended"] == 0  # once
    async with db.connect() as conn:
        p = (await conn.execute(select(t.patients).where(t.patients.c.id == "p-0001"))).one()
        history = (await conn.execute(select(t.take_overs).where(t.take_overs.c.patient_id == "p-0001"))).all()
    assert (p.responsible_worker, p.responsible_until) == (None, None)
    assert [(h.coordinator, h.end_reason, h.ended_by, h.note) for h in history] == [("c-helena", "expired", None, "Kartoitan tilanteen")]


async def test_release_by_the_coordinator_or_a_supervisor(client):  # type: ignore[no-untyped-def]
    helena, aino, paula = [await login(client, u) for u in ("helena", "aino", "paula")]
    assert (await client.post("/api/patients/p-0002/take-over", json={"until": _until()}, headers=helena)).status_code == 200
    r = await client.delete("/api/patients/p-0002/take-over", headers=aino)
    assert (r.status_code, r.json()["extra"]["code"]) == (403, "take_over_release")
    r = await client.delete("/api/patients/p-0002/take-over", headers=await login(client, "jouni"))  # another unit's supervisor
    assert (r.status_code, r.json()["extra"]["code"]) == (404, "patient_not_found")
    r = await client.delete("/api/patients/p-0002/take-over", headers=paula)
    assert r.status_code == 200, r.text
    assert (r.json()["end_reason"], r.json()["coordinator"]) == ("released", "c-helena")
    assert (await client.get("/api/patients/p-0002", headers=helena)).json()["responsible_worker"] is None
    r = await client.delete("/api/patients/p-0002/take-over", headers=helena)
    assert (r.status_code, r.json()["extra"]["code"]) == (409, "not_taken_over")
    # taken again and released by the coordinator herself; the next call goes to the named nurse
    assert (await client.post("/api/patients/p-0002/take-over", json={"until": _until()}, headers=helena)).status_code == 200
    assert (await client.delete("/api/patients/p-0002/take-over", headers=helena)).status_code == 200
    r = await callback(client, "sc-after-release", caller=MAIJA)
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("personal:n-aino", "named_nurse")


async def test_a_take_over_moves_the_unclaimed_open_cases_and_the_next_call_joins_them(served):  # type: ignore[no-untyped-def]
    client, hub = served
    spy = Spy()
    hub.publishers.add(spy)
    open_case = (await callback(client, "sc-open", caller=ERIK)).json()
    assert open_case["queue"] == "personal:n-eero"
    helena = await login(client, "helena")
    r = await client.post("/api/patients/p-0003/take-over", json={"until": _until(3), "note": "Soitan itse"}, headers=helena)
    assert r.status_code == 200, r.text
    assert r.json()["moved_cases"] == [open_case["case_id"]]
    detail = (await client.get(f"/api/cases/{open_case['case_id']}", headers=helena)).json()
    assert (detail["queue"], detail["routing_reason"], detail["status"]) == ("personal:c-helena", "responsible_worker", "new")
    assert any("Soitan itse" in n["text"] for n in detail["notes"])
    events = [e for batch in spy.published for e in batch]
    taken = [e for e in events if e["type"] == "patient.taken_over"]
    assert len(taken) == 1 and taken[0]["queue"] == "shared:kajaani" and taken[0]["professional"] == "c-helena"
    moved = [e for e in events if e["type"] == "case.handed_over"]
    assert [(e["case_id"], e["from_queue"], e["take_over"], e["case"]["patient"]["shared_client"]) for e in moved] == [
        (open_case["case_id"], "personal:n-eero", True, True)
    ]
    again = (await callback(client, "sc-open-2", caller=ERIK)).json()
    assert (again["case_id"], again["queue"], again["merged"]) == (open_case["case_id"], "personal:c-helena", True)
    async with hub.engine.connect() as conn:
        actions = set((await conn.execute(select(t.access_log.c.action).where(t.access_log.c.patient_id == "p-0003"))).scalars())
    assert "take_over" in actions


async def test_take_over_refusals(client):  # type: ignore[no-untyped-def]
    helena, aino, paula = [await login(client, u) for u in ("helena", "aino", "paula")]
    for who in (aino, paula):
        r = await client.post("/api/patients/p-0001/take-over", json={"until": _until()}, headers=who)
        assert (r.status_code, r.json()["extra"]["code"]) == (403, "not_coordinator")
    r = await client.post("/api/patients/p-0007/take-over", json={"until": _until()}, headers=helena)  # Sotkamo's patient
    assert (r.status_code, r.json()["extra"]["code"]) == (404, "patient_not_found")
    r = await client.post("/api/patients/nobody/take-over", json={"until": _until()}, headers=helena)
    assert r.status_code == 404
    yesterday = (utcnow() - timedelta(days=1)).date().isoformat()
    for until, code in ((yesterday, "take_over_past"), ("soon", "bad_date"), ("2026-02-30", "bad_date"), (_until(800), "take_over_too_far")):
        r = await client.post("/api/patients/p-0001/take-over", json={"until": until}, headers=helena)
        assert (r.status_code, r.json()["extra"].get("code")) == (422, code), (until, r.text)
    r = await client.post("/api/patients/p-0001/take-over", json={"note": "no until"}, headers=helena)
    assert r.status_code == 422  # the body does not fit (a schema error: 422 everywhere)
    assert (await client.get("/api/patients/p-0001", headers=helena)).json()["responsible_worker"] is None


async def test_the_shared_clients_list_is_for_coordinators_and_supervisors(client):  # type: ignore[no-untyped-def]
    for user in ("aino", "sari", "mikko"):
        r = await client.get("/api/shared-clients", headers=await login(client, user))
        assert (r.status_code, r.json()["extra"]["code"]) == (403, "shared_clients_role")
    r = await client.get("/api/shared-clients?unit=kajaani", headers=await login(client, "jouni"))
    assert (r.status_code, r.json()["extra"]["code"]) == (403, "shared_clients_role")
    assert (await client.get("/api/shared-clients?unit=nowhere", headers=await login(client, "helena"))).status_code == 404
    assert (await client.get("/api/shared-clients?unit=kajaani", headers=await login(client, "admin"))).json() == []


async def test_a_concern_is_stored_audited_and_suggests(client, db):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    r = await client.post("/api/patients/p-0004/concern", json={"note": "Huoli jaksamisesta"}, headers=aino)
    assert r.status_code == 201, r.text
    assert r.json()["shared_client"] == {"suggested": True, "triggers": ["concern"]}
    helena = await login(client, "helena")
    assert (await client.get("/api/patients/p-0004", headers=helena)).json()["shared_client"]["triggers"] == ["concern"]
    listed = (await client.get("/api/shared-clients", headers=helena)).json()
    assert [(i["patient"]["id"], i["triggers"]) for i in listed] == [("p-0004", ["concern"])]
    r = await client.post("/api/patients/p-0004/concern", json={"note": "   "}, headers=aino)
    assert (r.status_code, r.json()["extra"]["code"]) == (422, "concern_note")
    r = await client.post("/api/patients/p-0004/concern", json={"note": "x"}, headers=await login(client, "veera"))  # Sotkamo
    assert (r.status_code, r.json()["extra"]["code"]) == (404, "patient_not_found")
    async with db.connect() as conn:
        notes = (await conn.execute(select(t.concerns.c.professional, t.concerns.c.note))).all()
        actions = list((await conn.execute(select(t.access_log.c.action).where(t.access_log.c.patient_id == "p-0004"))).scalars())
        events = list((await conn.execute(select(t.events.c.type, t.events.c.data).where(t.events.c.type == "patient.concern"))).all())
    assert [tuple(n) for n in notes] == [("n-aino", "Huoli jaksamisesta")]
    assert "concern" in actions
    assert len(events) == 1 and "Huoli" not in events[0].data  # the note stays out of the event log
    # a take-over and its end spend the concern: counting starts afresh
    assert (await client.post("/api/patients/p-0004/take-over", json={"until": _until()}, headers=helena)).status_code == 200
    assert (await client.delete("/api/patients/p-0004/take-over", headers=helena)).status_code == 200
    assert (await client.get("/api/patients/p-0004", headers=helena)).json()["shared_client"] == {"suggested": False, "triggers": []}


async def test_no_shows_count_once_per_event_and_are_signed(client, db):  # type: ignore[no-untyped-def]
    r = await _no_show(client, "appt-1")
    assert (r.status_code, r.json()) == (202, {"event_id": "appt-1", "counted": True})
    r = await _no_show(client, "appt-1")  # a replay
    assert (r.status_code, r.json()["counted"]) == (200, False)
    helena = await login(client, "helena")
    assert (await client.get("/api/patients/p-0001", headers=helena)).json()["shared_client"]["triggers"] == []
    assert (await _no_show(client, "appt-2")).status_code == 202
    assert (await client.get("/api/patients/p-0001", headers=helena)).json()["shared_client"] == {"suggested": True, "triggers": ["no_shows"]}
    async with db.connect() as conn:
        assert len((await conn.execute(select(t.no_shows))).all()) == 2

    r = await _no_show(client, "appt-3", patient_id="p-9999")
    assert (r.status_code, r.json()["extra"]["code"]) == (422, "unknown_patient")
    r = await _no_show(client, "appt-4", unit="nowhere")
    assert (r.status_code, r.json()["extra"]["code"]) == (422, "unknown_unit")
    body = {"event_id": "appt-5", "patient_id": "p-0001", "unit": "kajaani", "at": "2026-11-20T10:00:00"}
    r = await signed_post(client, "/channels/appointments/no-show", body)
    assert (r.status_code, r.json()["extra"]["code"]) == (422, "bad_date")
    r = await signed_post(client, "/channels/appointments/no-show", {**body, "at": "2026-11-20T10:00:00+02:00"}, secret="wrong")
    assert r.status_code == 401
    r = await client.post("/channels/appointments/no-show", json={**body, "at": "2026-11-20T10:00:00+02:00"})
    assert r.status_code == 401
    r = await signed_post(client, "/channels/appointments/no-show", {"event_id": "appt-6"})
    assert r.status_code == 422


async def test_a_handover_to_the_coordinator_queue_lands_there_with_its_note(client):  # type: ignore[no-untyped-def]
    case = (await callback(client, "sc-handover", caller=MAIJA)).json()
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{case['case_id']}/claim", headers=aino)).status_code == 200
    r = await client.post(f"/api/cases/{case['case_id']}/handover", json={"to": "coordinator:kajaani", "note": "Monimuotoinen asia"}, headers=aino)
    assert r.status_code == 200, r.text
    helena = await login(client, "helena")
    items = (await client.get("/api/inbox?queue=coordinator", headers=helena)).json()["items"]
    assert [c["id"] for c in items] == [case["case_id"]]
    detail = (await client.get(f"/api/cases/{case['case_id']}", headers=helena)).json()
    assert detail["queue"] == "coordinator:kajaani" and any("Monimuotoinen asia" in n["text"] for n in detail["notes"])
    r = await client.get("/api/inbox?queue=coordinator", headers=aino)
    assert r.status_code == 403  # a nurse has no coordinator queue


async def test_the_clock_keeps_the_summary_hint_in_step_with_new_contacts(client, db, settings, region):  # type: ignore[no-untyped-def]
    hub = clock_hub(settings, region, db)
    flags = _job("shared_client_flags")
    await run_job(hub, flags)  # the first round sets its mark
    for i in range(3):
        await _call_and_resolve(client, f"sc-flag-{i}", caller=MAIJA)
    open_case = (await callback(client, "sc-flag-open", caller=MAIJA)).json()
    assert open_case["routing_reason"] == "named_nurse"
    aino = await login(client, "aino")
    row = next(c for c in (await client.get("/api/inbox?queue=mine", headers=aino)).json()["items"] if c["id"] == open_case["case_id"])
    assert row["patient"]["shared_client"] is False  # not yet refreshed
    report = await run_job(hub, flags)
    assert report.counts["flipped"] == 1
    row = next(c for c in (await client.get("/api/inbox?queue=mine", headers=aino)).json()["items"] if c["id"] == open_case["case_id"])
    assert row["patient"]["shared_client"] is True
    assert (await run_job(hub, flags)).counts["flipped"] == 0
    # the window passes: the hourly look at every flagged patient takes the hint off again
    later = await run_job(hub, flags, utcnow() + timedelta(days=40, hours=1))
    assert later.counts["flipped"] == 1


async def test_an_urgent_matter_stays_with_the_urgent_duty(client):  # type: ignore[no-untyped-def]
    urgent = (await callback(client, "sc-urgent", caller="+358407654321", line=2)).json()  # Ahmed, line 2
    assert urgent["queue"] == "urgent:kajaani"
    helena = await login(client, "helena")
    r = await client.post("/api/patients/p-0005/take-over", json={"until": _until()}, headers=helena)
    assert (r.status_code, r.json()["moved_cases"]) == (200, [])
    assert (await client.get(f"/api/cases/{urgent['case_id']}", headers=helena)).json()["queue"] == "urgent:kajaani"


async def test_two_instances_end_a_take_over_once(client, db, settings, region):  # type: ignore[no-untyped-def]
    """Past the advisory lock (each instance calls the job's service directly, at once): the
    conditional update lets exactly one of them end it, and one `patient.released` is written."""
    import asyncio
    from datetime import datetime

    from app.services.shared_clients import end_expired

    helena = await login(client, "helena")
    r = await client.post("/api/patients/p-0002/take-over", json={"until": _until(2)}, headers=helena)
    end = datetime.fromisoformat(r.json()["until"]) + timedelta(seconds=1)
    a, b = clock_hub(settings, region, db), clock_hub(settings, region, db)
    reports = await asyncio.gather(end_expired(a, end), end_expired(b, end))
    assert sum(rep["ended"] for rep in reports) == 1
    async with db.connect() as conn:
        released = (await conn.execute(select(t.events.c.seq).where(t.events.c.type == "patient.released"))).all()
        rows = (await conn.execute(select(t.take_overs.c.end_reason))).scalars().all()
    assert len(released) == 1 and rows == ["expired"]
