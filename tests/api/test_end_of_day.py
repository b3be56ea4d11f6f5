"""The end of the working day through the job and the report, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select

from app.db import schema as t
from app.db.intake_sqlalchemy import SqlAlchemyIntakeStore
from app.domain.common import URGENCY_RANK
from app.hub import Hub
from app.services.end_of_day import close_days
from tests.helpers import login

TZ = ZoneInfo("Europe/Helsinki")
THURSDAY = datetime(2026, 11, 19, 0, 0, tzinfo=TZ)
CLOSING = datetime(2026, 11, 19, 16, 0, tzinfo=TZ)
AFTER = CLOSING + timedelta(minutes=1)


def hel(h: int, mi: int = 0, day: int = 19) -> datetime:
    return datetime(2026, 11, day, h, mi, tzinfo=TZ)


async def _seed(db) -> dict[str, str]:  # type: ignore[no-untyped-def]
    """Thursday's callbacks in Kajaani, one of each kind."""
    kinds: dict[str, dict[str, Any]] = {
        "unreached": {"due_counted": False},  # due at closing, the sweep not there yet
        "tried": {"status": "claimed", "assignee": "n-aino"},
        "reached": {"status": "claimed", "assignee": "n-aino"},
        "chat": {"channel": "chat", "queue": "chat:kajaani"},
        "resolved": {"status": "resolved"},
        "emergency": {"urgency": "emergency", "queue": "urgent:kajaani"},
        "tomorrow": {"due_at": hel(9, day=20)},
        "other_unit": {"unit": "sotkamo", "queue": "team:sotkamo-a"},
        "merged": {"status": "resolved", "merged_into": "x"},
    }
    ids = {}
    rows = []
    for n, (name, over) in enumerate(kinds.items()):
        ids[name] = cid = t.new_id()
        urgency = over.get("urgency", "unassessed")
        row = {
            "id": cid, "status": "new", "queue": "personal:n-aino", "unit": "kajaani", "urgency": urgency,
            "urgency_rank": URGENCY_RANK[urgency], "urgency_source": "rules", "due_at": hel(11, n), "at_risk_at": hel(10, n),
            "channel": "phone", "routing_reason": "named_nurse", "patient_id": "p-0001" if name == "unreached" else None,
            "created_at": hel(10), "updated_at": hel(10), "due_counted": True,
        }
        rows.append(row | over)
    async with db.begin() as conn:
        await conn.execute(insert(t.cases), rows)
        await conn.execute(
            insert(t.callback_attempts),
            [
                {"id": t.new_id(), "case_id": ids["tried"], "professional": "n-aino", "result": "no_answer", "at": hel(12)},
                {"id": t.new_id(), "case_id": ids["tried"], "professional": "n-aino", "result": "busy", "at": hel(13)},
                {"id": t.new_id(), "case_id": ids["reached"], "professional": "n-aino", "result": "no_answer", "at": hel(12)},
                {"id": t.new_id(), "case_id": ids["reached"], "professional": "n-aino", "result": "reached", "at": hel(14)},
            ],
        )
    return ids


def clock_hub(settings, region, db) -> Hub:  # type: ignore[no-untyped-def]
    return Hub(settings, region, db, SqlAlchemyIntakeStore(db))


async def test_unreached_callbacks_are_listed_once_and_carried_to_the_next_morning(client, db, settings, region):  # type: ignore[no-untyped-def]
    ids = await _seed(db)
    hub = clock_hub(settings, region, db)
    assert (await close_days(hub, CLOSING - timedelta(minutes=1)))["unreached"] == 0  # Wednesday was empty
    counts = await close_days(hub, AFTER)
    assert counts == {"days": 2, "unreached": 4, "carried": 3, "skipped": 0}  # Kajaani 3 (2 carried), Sotkamo 1
    assert hub.metrics.callbacks_unreached.labels("kajaani")._value.get() == 3
    assert hub.metrics.callbacks_due.labels("kajaani")._value.get() == 1  # counted before its due time moved
    assert hub.metrics.callbacks_within_due.labels("kajaani")._value.get() == 0
    assert (await close_days(hub, AFTER + timedelta(minutes=1)))["days"] == 0  # once per unit and day

    c = t.cases.c
    async with db.connect() as conn:
        got = {r.id: r for r in (await conn.execute(select(c.id, c.due_at, c.promised_at, c.at_risk, c.overdue).where(c.id.in_(ids.values())))).all()}
        marks = (await conn.execute(select(t.job_marks.c.job, t.job_marks.c.key))).all()
        day_events = (await conn.execute(select(t.events.c.queue, t.events.c.case_id).where(t.events.c.type == "day.unreached"))).all()
        carried = (await conn.execute(select(t.events.c.case_id).where(t.events.c.type == "case.carried_over"))).scalars().all()
    assert got[ids["unreached"]].promised_at == hel(11, 0) and got[ids["unreached"]].due_at == hel(9, day=20)
    assert got[ids["tried"]].promised_at == hel(11, 1) and not got[ids["tried"]].overdue and not got[ids["tried"]].at_risk
    assert got[ids["emergency"]].promised_at is None and got[ids["emergency"]].due_at == hel(11, 5)
    assert got[ids["reached"]].promised_at is None and got[ids["tomorrow"]].promised_at is None
    assert ("end_of_day", "kajaani/2026-11-19") in {tuple(m) for m in marks}
    # Wednesday (closed by the first round, nothing unreached) and Thursday; no case of their own.
    assert [tuple(e) for e in day_events if e.queue == "coordinator:kajaani"] == [("coordinator:kajaani", None)] * 2
    assert sorted(carried) == sorted([ids["unreached"], ids["tried"], ids["other_unit"]])

    # The report reads the day back as it was at closing.
    paula = await login(client, "paula")
    r = await client.get("/api/reports/unreached?unit=kajaani&date=2026-11-19", headers=paula)
    assert r.status_code == 200, r.text
    report = r.json()
    assert report["final"] is True and report["working_day"] is True
    items = {i["case_id"]: i for i in report["items"]}
    assert set(items) == {ids["unreached"], ids["tried"], ids["emergency"]}
    assert items[ids["tried"]]["attempts"] == 2 and items[ids["unreached"]]["attempts"] == 0
    assert items[ids["unreached"]]["patient"]["display_name"] and items[ids["tried"]]["patient"] is None
    assert datetime.fromisoformat(items[ids["unreached"]]["promised_at"]) == hel(11, 0)
    assert items[ids["emergency"]]["carried"] is False and items[ids["unreached"]]["carried"] is True
    async with db.connect() as conn:
        logged = (await conn.execute(select(t.access_log.c.patient_id, t.access_log.c.professional, t.access_log.c.action))).all()
    assert ("p-0001", "s-paula", "unreached_report") in {tuple(x) for x in logged}  # the list names a patient

    # The summary carries the first promise (inbox, case view).
    aino = await login(client, "aino")
    inbox = (await client.get("/api/inbox?queue=mine", headers=aino)).json()["items"]
    carried_row = next(i for i in inbox if i["id"] == ids["unreached"])
    assert datetime.fromisoformat(carried_row["promised_at"]) == hel(11, 0)
    assert all(i["promised_at"] is None for i in inbox if i["id"] == ids["tomorrow"])
    assert datetime.fromisoformat((await client.get(f"/api/cases/{ids['unreached']}", headers=aino)).json()["promised_at"]) == hel(11, 0)


async def test_carried_again_the_first_promise_stays(client, db, settings, region):  # type: ignore[no-untyped-def]
    ids = await _seed(db)
    hub = clock_hub(settings, region, db)
    await close_days(hub, AFTER)
    friday_close = datetime(2026, 11, 20, 15, 0, tzinfo=TZ)
    assert (await close_days(hub, friday_close + timedelta(seconds=1)))["carried"] >= 2
    async with db.connect() as conn:
        row = (await conn.execute(select(t.cases.c.promised_at, t.cases.c.due_at).where(t.cases.c.id == ids["unreached"]))).one()
    assert row.promised_at == hel(11, 0) and row.due_at == datetime(2026, 11, 23, 9, 0, tzinfo=TZ)


async def test_two_instances_close_a_day_once(client, db, settings, region):  # type: ignore[no-untyped-def]
    await _seed(db)
    a, b = clock_hub(settings, region, db), clock_hub(settings, region, db)
    rounds = await asyncio.gather(close_days(a, AFTER), close_days(b, AFTER))
    assert sum(r["days"] for r in rounds) == 2 and sum(r["carried"] for r in rounds) == 3  # Kajaani and Sotkamo, once each
    async with db.connect() as conn:
        n = (await conn.execute(select(t.events.c.seq).where(t.events.c.type == "case.carried_over"))).all()
    assert len(n) == 3


async def test_the_unreached_report_is_for_supervisors_of_the_unit(client, db):  # type: ignore[no-untyped-def]
    await _seed(db)
    paula, eero, admin = await login(client, "paula"), await login(client, "eero"), await login(client, "admin")
    path = "/api/reports/unreached?unit={}&date={}"
    assert (await client.get(path.format("kajaani", "2026-11-19"), headers=eero)).status_code == 403
    assert (await client.get(path.format("sotkamo", "2026-11-19"), headers=paula)).status_code == 403
    assert (await client.get(path.format("nowhere", "2026-11-19"), headers=paula)).status_code == 404
    assert (await client.get(path.format("kajaani", "19.11.2026"), headers=paula)).status_code == 422
    assert (await client.get("/api/reports/unreached?unit=kajaani", headers=paula)).status_code == 422
    far = await client.get(path.format("kajaani", "9999-12-31"), headers=paula)
    assert far.status_code == 422 and far.json()["detail"].startswith("date:")
    # Not closed by the job (it did not run): what is still unreached of that day, not final.
    live = (await client.get(path.format("kajaani", "2026-11-19"), headers=paula)).json()
    assert live["final"] is False and len(live["items"]) == 3
    other = (await client.get(path.format("sotkamo", "2026-11-19"), headers=admin)).json()
    assert len(other["items"]) == 1
    weekend = (await client.get(path.format("kajaani", "2026-11-21"), headers=paula)).json()
    assert weekend["working_day"] is False and weekend["items"] == []


async def test_a_carried_callback_counts_on_the_day_it_was_promised(client, db, settings, region):  # type: ignore[no-untyped-def]
    from app.services.reports import dashboard

    ids = await _seed(db)
    hub = clock_hub(settings, region, db)
    paula = region.professional_by_id["s-paula"]
    before = (await dashboard(hub, paula, "kajaani", AFTER)).today.callbacks
    await close_days(hub, AFTER)
    after = (await dashboard(hub, paula, "kajaani", AFTER + timedelta(minutes=1))).today.callbacks
    assert after == before and after.missed >= 2
    friday = (await dashboard(hub, paula, "kajaani", datetime(2026, 11, 20, 8, 30, tzinfo=TZ))).today.callbacks
    assert friday.due == 1  # only the one due on Friday from the start, not the two carried there
    assert ids
