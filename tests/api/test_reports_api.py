"""The supervisor dashboard end to end, on SQLite and PostgreSQL: cases arrive through the
signed phone webhook, are worked through the API, and the figures are checked exactly.

Intake sets due times from opening hours (a weekend call is due on Monday), so the test moves
each case's due time into today, relative to now, before working it.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import insert, select, update

from app.clock import utcnow
from app.db import schema as t
from app.domain.reports import day_bounds, local_day
from app.services import reports
from tests.helpers import callback, login

HKI = ZoneInfo("Europe/Helsinki")
SOTKAMO = "+35886151000"


async def new_case(client, call_id: str, **kw) -> dict:  # type: ignore[no-untyped-def]
    r = await callback(client, call_id, **kw)
    assert r.status_code == 202, r.text
    return r.json()  # type: ignore[no-any-return]


async def set_due(db, case_id: str, due: datetime) -> None:  # type: ignore[no-untyped-def]
    async with db.begin() as conn:
        await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(due_at=due))


async def test_dashboard_figures_after_a_worked_morning(client, db):  # type: ignore[no-untyped-def]
    now = utcnow()
    start, end = day_bounds(local_day(now, HKI), HKI)

    def today(moment: datetime) -> datetime:  # a moment kept inside today's local day
        return min(max(moment, start + timedelta(seconds=1)), end - timedelta(seconds=1))

    a = await new_case(client, "d-1")  # Matti → Aino's personal queue
    b = await new_case(client, "d-2", caller="0401111111")  # unknown number → overflow
    c = await new_case(client, "d-3", caller="0449876543")  # Erik → Eero's personal queue
    d = await new_case(client, "d-4", caller="0407654321", voicemail_text="isällä puristaa rinnassa ja hikoiluttaa")
    await new_case(client, "d-5", caller="0407654321", dialed=SOTKAMO, line=3)  # another unit: not counted
    assert (b["routing_reason"], d["urgency"], d["queue"]) == ("unidentified", "emergency", "urgent:kajaani")
    await set_due(db, a["case_id"], today(now + timedelta(hours=1)))
    await set_due(db, b["case_id"], today(now - timedelta(minutes=10)))
    await set_due(db, c["case_id"], today(now - timedelta(minutes=5)))
    await set_due(db, d["case_id"], today(now + timedelta(minutes=10)))

    aino = await login(client, "aino")
    for case, result, outcome in ((a, "reached", "ADVICE"), (b, "no_answer", "PROGRESS_QUERY")):
        cid = case["case_id"]
        assert (await client.post(f"/api/cases/{cid}/claim", headers=aino)).status_code == 200
        r = await client.post(f"/api/cases/{cid}/callback-attempts", json={"result": result}, headers=aino)
        assert r.status_code == 201, r.text
        r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": outcome, "patient_informed": True}, headers=aino)
        assert r.status_code == 200, r.text

    r = await client.get("/api/reports/dashboard?unit=kajaani", headers=await login(client, "paula"))
    assert r.status_code == 200, r.text
    body = r.json()
    generated = datetime.fromisoformat(body["generated_at"])
    async with db.connect() as conn:
        received = (await conn.execute(select(t.contacts.c.received_at).where(t.contacts.c.unit == "kajaani"))).scalars().all()
        case_rows = {row.id: row for row in (await conn.execute(select(t.cases))).all()}

    assert body["unit"] == "kajaani"
    today_ = body["today"]
    assert today_["date"] == local_day(generated, HKI).isoformat() and today_["timezone"] == "Europe/Helsinki"
    hours = Counter(moment.astimezone(HKI).hour for moment in received)
    assert today_["contacts"] == {
        "total": 4,
        "by_channel": {"phone": 4, "chat": 0, "secure_message": 0, "sms": 0},
        "by_hour": [hours.get(h, 0) for h in range(24)],
    }
    # a within the promise, b called after its due time, c past due and not called, d not due yet
    assert today_["callbacks"] == {"due": 4, "within_promise": 1, "late": 1, "missed": 1, "pending": 1, "within_promise_ratio": 0.25}
    outcomes = today_["outcomes"]
    assert (outcomes["resolved"], outcomes["failure_demand"], outcomes["failure_demand_ratio"]) == (2, 1, 0.5)
    codes = {o["code"]: (o["count"], o["failure_demand"]) for o in outcomes["codes"]}
    assert codes["ADVICE"] == (1, False) and codes["PROGRESS_QUERY"] == (1, True) and codes["OTHER_UNIT"] == (0, True)
    assert sum(n for n, _ in codes.values()) == 2
    assert today_["overflow"] == {"contacts": 4, "unidentified": 1, "ratio": 0.25}

    now_ = body["now"]
    queues = {q["kind"]: q for q in now_["queues"]}
    assert list(queues) == ["personal", "team", "overflow", "urgent", "assistants", "coordinator", "chat"]
    c_waited = int((generated - case_rows[c["case_id"]].created_at).total_seconds())
    d_waited = int((generated - case_rows[d["case_id"]].created_at).total_seconds())
    assert queues["personal"] == {"kind": "personal", "open": 1, "unclaimed": 1, "overdue": 1, "oldest_unclaimed_s": c_waited}
    assert queues["urgent"] == {"kind": "urgent", "open": 1, "unclaimed": 1, "overdue": 0, "oldest_unclaimed_s": d_waited}
    assert queues["overflow"] == {"kind": "overflow", "open": 0, "unclaimed": 0, "overdue": 0, "oldest_unclaimed_s": None}
    due_c, due_d = case_rows[c["case_id"]].due_at, case_rows[d["case_id"]].due_at
    assert [(e["id"], e["queue"], e["urgency"]) for e in now_["emergencies"]] == [(d["case_id"], "urgent:kajaani", "emergency")]
    assert datetime.fromisoformat(now_["emergencies"][0]["due_at"]) == due_d
    assert [(e["id"], e["queue"]) for e in now_["overdue"]] == [(c["case_id"], "personal:n-eero")]
    assert datetime.fromisoformat(now_["overdue"][0]["due_at"]) == due_c and now_["overdue_total"] == 1
    assert "name" not in r.text.lower()  # no patient names on the dashboard


async def test_an_empty_unit_has_zeros_and_nulls(client):  # type: ignore[no-untyped-def]
    r = await client.get("/api/reports/dashboard", headers=await login(client, "paula"))  # default: own unit
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit"] == "kajaani"
    assert body["today"]["callbacks"]["within_promise_ratio"] is None
    assert body["today"]["outcomes"]["failure_demand_ratio"] is None and body["today"]["overflow"]["ratio"] is None
    assert body["now"]["overdue_total"] == 0 and all(q["oldest_unclaimed_s"] is None for q in body["now"]["queues"])


async def test_who_may_read_the_dashboard(client):  # type: ignore[no-untyped-def]
    nurse = await client.get("/api/reports/dashboard?unit=kajaani", headers=await login(client, "aino"))
    assert nurse.status_code == 403 and "supervisors and admins" in nurse.json()["detail"] and "nurse" in nurse.json()["detail"]
    other = await client.get("/api/reports/dashboard?unit=kajaani", headers=await login(client, "jouni"))  # Sotkamo's supervisor
    assert other.status_code == 403 and "own unit" in other.json()["detail"]
    admin = await login(client, "admin")
    assert (await client.get("/api/reports/dashboard?unit=sotkamo", headers=admin)).status_code == 200
    unknown = await client.get("/api/reports/dashboard?unit=nowhere", headers=admin)
    assert unknown.status_code == 404 and "nowhere" in unknown.json()["detail"]
    assert (await client.get("/api/reports/dashboard?unit=" + "x" * 65, headers=admin)).status_code == 422
    assert (await client.get("/api/reports/dashboard?unit=kajaani")).status_code == 401


def utc(day: int, hh: int, mm: int = 0, ss: int = 0) -> datetime:
    return datetime(2026, 11, day, hh, mm, ss, tzinfo=timezone.utc)


async def test_the_local_day_bounds_every_figure(hub, db):  # type: ignore[no-untyped-def]
    """Tuesday 24 Nov in Helsinki is 23 Nov 22:00 – 24 Nov 22:00 UTC: rows a second either side
    of each edge are in or out, on both databases (SQLite compares stored timestamps as text)."""
    edges = [utc(23, 21, 59, 59), utc(23, 22), utc(24, 21, 59, 59), utc(24, 22)]  # out, in, in, out
    cases, contacts = [], []
    for i, moment in enumerate(edges):
        cid = t.new_id()
        cases.append(
            {"id": cid, "status": "resolved", "queue": "personal:n-aino", "unit": "kajaani", "urgency": "unassessed",
             "urgency_rank": 2, "urgency_source": "none", "due_at": moment, "at_risk_at": moment, "channel": "phone",
             "routing_reason": "unidentified" if i % 2 else "named_nurse", "first_callback_at": moment,
             "outcome": "OTHER_UNIT" if i == 1 else "ADVICE", "resolved_at": moment, "created_at": moment, "updated_at": moment}
        )  # fmt: skip
        contacts.append(
            {"id": t.new_id(), "channel": "phone", "external_id": f"edge-{i}", "case_id": cid, "unit": "kajaani",
             "received_at": moment, "created_at": moment, "response": "{}"}
        )  # fmt: skip
    async with db.begin() as conn:
        await conn.execute(insert(t.cases), cases)
        await conn.execute(insert(t.contacts), contacts)
    paula = hub.region.professional_by_id["s-paula"]
    board = await reports.dashboard(hub, paula, "kajaani", now=utc(24, 10))
    day = board.today
    assert day.date.isoformat() == "2026-11-24"
    assert day.contacts.total == 2 and day.contacts.by_hour[0] == 1 and day.contacts.by_hour[23] == 1
    assert (day.overflow.contacts, day.overflow.unidentified, day.overflow.ratio) == (2, 1, 0.5)
    assert (day.callbacks.due, day.callbacks.within_promise, day.callbacks.within_promise_ratio) == (2, 2, 1.0)
    assert (day.outcomes.resolved, day.outcomes.failure_demand, day.outcomes.failure_demand_ratio) == (2, 1, 0.5)
    assert board.now.overdue_total == 0 and all(q.open == 0 for q in board.now.queues)
