"""The KPI report end to end on SQLite and PostgreSQL, against a scenario written straight into
the tables (a past week needs past timestamps) whose every figure is worked out by hand below.

The week is 2025-W52, Mon 22 – Sun 28 December 2025, Europe/Helsinki (UTC+2): Christmas Eve,
Christmas Day and St Stephen's Day (24–26 Dec) are closed, so a call on Tuesday evening is due
on Monday 29 December — and a first call-back then is still "the same working day".

Kajaani cases (L = local time, all 2025-12):
  C1  phone l1 p1   22 09:00, due 22 10:00, called 22 09:30, claimed 09:25, resolved 09:40 aino ADVICE,
                    informed, asthma pathway — FCR at resolve, withdrawn by C4 (p1 again on 27th)
  C2  phone l1 p2   23 16:30 (after closing), due 29 09:00, called 29 08:30, resolved 29 08:35 aino
  C3  phone l2 —    22 14:00 unidentified (overflow), due 22 15:00, called 23 08:10, claimed 08:05,
                    resolved 08:20 eero PROGRESS_QUERY, not informed — FCR (nobody to follow)
  C4  phone l1 p1   27 10:00 (Saturday), due 29 09:00, not called yet
  C5  phone l3 p3   22 15:50, promised 22 16:00, carried over to due 23 09:00, called 23 08:30;
                    handed over once (first aino), claimed 23 08:40, resolved 08:45 mikko APPOINTMENT
  C6  chat    p4    22 12:00, first claimed 12:03, resolved 12:20 liisa PRESCRIPTION — FCR
  C7  chat    —     24 10:00, visitor left 10:05, claimed 10:07 (not a live answer)
  C8  secure  p5    22 08:00 + merged contact 09:00, claimed 12:00, resolved 13:00 aino OTHER_UNIT
  C9  phone   p6    21 23:00 (before the week), claimed 22 08:05, resolved 08:15 eero ADVICE — FCR:
                    p6's next contact, 29 09:00, is 45 min past the 7 days
  C9b phone   p6    29 09:00 (after the week)
  A,B,C,D secure p8 22/23/24/26 10:00: A, B by aino, C by eero (each withdrawn by the next),
                    D claimed by mikko, open
  E   secure  p9    22 14:00 + merged 15:00, claimed 15:30, resolved 16:00 mikko
  F   secure  p9    23 14:00, claimed 14:10, resolved 14:30 mikko — FCR
Sotkamo: C10 phone l1 p7 22 10:00, called 10:15, resolved 10:30 veera — FCR (region only).
"""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import insert

from app.db import schema as t
from app.domain.region import Region
from app.services import kpis as svc
from tests.helpers import login

HKI = ZoneInfo("Europe/Helsinki")


def L(day: int, hh: int, mm: int = 0, month: int = 12, year: int = 2025) -> datetime:
    return datetime(year, month, day, hh, mm, tzinfo=HKI)


def _case(cid: str, channel: str, created: datetime, *, unit: str = "kajaani", patient: str | None = None, line: int | None = None,
          due: datetime | None = None, promised: datetime | None = None, called: datetime | None = None,
          claimed: datetime | None = None, resolved: datetime | None = None, by: str | None = None, first: str | None = None,
          outcome: str | None = None, contacts: int = 1, handovers: int = 0, informed: bool | None = None,
          pathway: str | None = None, routing: str = "named_nurse") -> dict[str, Any]:
    due = due or created
    return {
        "id": cid, "status": "resolved" if resolved else ("claimed" if claimed else "new"),
        "queue": f"overflow:{unit}" if routing == "unidentified" else f"team:{unit}-a", "unit": unit,
        "assignee": first if claimed and not resolved else None, "urgency": "non_urgent", "urgency_rank": 3,
        "urgency_source": "default", "due_at": due, "at_risk_at": due, "channel": channel, "line": line,
        "patient_id": patient, "routing_reason": routing, "contacts_count": contacts, "handovers": handovers,
        "first_handler": first, "first_callback_at": called, "outcome": outcome, "patient_informed": informed,
        "care_pathway": pathway, "resolved_by": by, "created_at": created, "updated_at": created, "claimed_at": claimed,
        "resolved_at": resolved, "promised_at": promised,
    }


def _contact(cid: str, case: dict[str, Any], at: datetime, merged: bool = False) -> dict[str, Any]:
    return {
        "id": cid, "channel": case["channel"], "external_id": cid, "case_id": case["id"], "patient_id": case["patient_id"],
        "unit": case["unit"], "line": case["line"], "received_at": at, "created_at": at, "merged": merged, "response": "",
    }


async def seed(engine) -> None:  # type: ignore[no-untyped-def]
    cases = [
        c1 := _case("c1", "phone", L(22, 9), patient="p1", line=1, due=L(22, 10), called=L(22, 9, 30), claimed=L(22, 9, 25),
                    resolved=L(22, 9, 40), by="n-aino", first="n-aino", outcome="ADVICE", informed=True, pathway="asthma"),
        c2 := _case("c2", "phone", L(23, 16, 30), patient="p2", line=1, due=L(29, 9), called=L(29, 8, 30), claimed=L(29, 8, 20),
                    resolved=L(29, 8, 35), by="n-aino", first="n-aino", outcome="ADVICE"),
        c3 := _case("c3", "phone", L(22, 14), line=2, due=L(22, 15), called=L(23, 8, 10), claimed=L(23, 8, 5), resolved=L(23, 8, 20),
                    by="n-eero", first="n-eero", outcome="PROGRESS_QUERY", informed=False, routing="unidentified"),
        c4 := _case("c4", "phone", L(27, 10), patient="p1", line=1, due=L(29, 9)),
        c5 := _case("c5", "phone", L(22, 15, 50), patient="p3", line=3, due=L(23, 9), promised=L(22, 16), called=L(23, 8, 30),
                    claimed=L(23, 8, 40), resolved=L(23, 8, 45), by="d-mikko", first="n-aino", outcome="APPOINTMENT",
                    handovers=1, informed=True),
        c6 := _case("c6", "chat", L(22, 12), patient="p4", claimed=L(22, 12, 3), resolved=L(22, 12, 20), by="n-liisa",
                    first="n-liisa", outcome="PRESCRIPTION"),
        c7 := _case("c7", "chat", L(24, 10), claimed=L(24, 10, 7), first="n-eero", routing="chat"),
        c8 := _case("c8", "secure_message", L(22, 8), patient="p5", claimed=L(22, 12), resolved=L(22, 13), by="n-aino",
                    first="n-aino", outcome="OTHER_UNIT", contacts=2, informed=True),
        c9 := _case("c9", "phone", L(21, 23), patient="p6", line=1, due=L(22, 9), called=L(22, 8, 5), claimed=L(22, 8, 5),
                    resolved=L(22, 8, 15), by="n-eero", first="n-eero", outcome="ADVICE"),
        c9b := _case("c9b", "phone", L(29, 9), patient="p6", line=1, due=L(29, 10)),
        a := _case("a", "secure_message", L(22, 10), patient="p8", claimed=L(22, 10, 30), resolved=L(22, 11), by="n-aino",
                   first="n-aino", outcome="ADVICE"),
        b := _case("b", "secure_message", L(23, 10), patient="p8", claimed=L(23, 10, 30), resolved=L(23, 11), by="n-aino",
                   first="n-aino", outcome="ADVICE"),
        c := _case("c", "secure_message", L(24, 10), patient="p8", claimed=L(24, 10, 10), resolved=L(24, 10, 30), by="n-eero",
                   first="n-eero", outcome="ADVICE"),
        d := _case("d", "secure_message", L(26, 10), patient="p8", claimed=L(26, 10, 5), first="d-mikko"),
        e := _case("e", "secure_message", L(22, 14), patient="p9", claimed=L(22, 15, 30), resolved=L(22, 16), by="d-mikko",
                   first="d-mikko", outcome="ADVICE", contacts=2),
        f := _case("f", "secure_message", L(23, 14), patient="p9", claimed=L(23, 14, 10), resolved=L(23, 14, 30), by="d-mikko",
                   first="d-mikko", outcome="ADVICE"),
        c10 := _case("c10", "phone", L(22, 10), unit="sotkamo", patient="p7", line=1, due=L(22, 11), called=L(22, 10, 15),
                     claimed=L(22, 10, 20), resolved=L(22, 10, 30), by="n-veera", first="n-veera", outcome="ADVICE"),
    ]
    contacts = [_contact(x["id"], x, x["created_at"]) for x in cases]
    contacts += [_contact("c8-2", c8, L(22, 9), merged=True), _contact("e-2", e, L(22, 15), merged=True)]
    del c1, c2, c3, c4, c5, c7, c9, c9b, a, b, c, d, f, c10  # named for the docstring's sake
    surveys = [
        {"case_id": "c1", "unit": "kajaani", "nps": 10, "solved": True, "knows_how_continues": True, "at": L(22, 10)},
        {"case_id": "c3", "unit": "kajaani", "nps": 8, "solved": None, "knows_how_continues": None, "at": L(23, 9)},
        {"case_id": "c6", "unit": "kajaani", "nps": 3, "solved": False, "knows_how_continues": False, "at": L(22, 13)},
        {"case_id": "c8", "unit": "kajaani", "nps": 9, "solved": True, "knows_how_continues": True, "at": L(22, 14)},
        {"case_id": "c9", "unit": "kajaani", "nps": 0, "solved": False, "knows_how_continues": None, "at": L(29, 9)},  # next week
    ]
    events = [
        {"type": "case.claimed", "case_id": "c6", "queue": "chat:kajaani", "unit": "kajaani", "actor": "n-liisa", "at": L(22, 12, 3), "data": "{}"},
        {"type": "case.claimed", "case_id": "c7", "queue": "chat:kajaani", "unit": "kajaani", "actor": "n-eero", "at": L(24, 10, 7), "data": "{}"},
    ]
    # care pathways given: two in Kajaani this week; one next week; one in Sotkamo
    pathways = [
        {"patient_id": "p-0001", "pathway": "asthma", "attached_at": L(22, 9, 40), "attached_by": "n-aino", "case_id": "c1", "unit": "kajaani"},
        {"patient_id": "p-0002", "pathway": "asthma", "attached_at": L(23, 11), "attached_by": "n-aino", "case_id": None, "unit": "kajaani"},
        {"patient_id": "p-0002", "pathway": "diabetes", "attached_at": L(29, 9), "attached_by": "n-aino", "case_id": None, "unit": "kajaani"},
        {"patient_id": "p-0007", "pathway": "diabetes", "attached_at": L(23, 10), "attached_by": "n-veera", "case_id": None, "unit": "sotkamo"},
    ]
    messages = [{"id": "m7", "case_id": "c7", "sender": "system", "author": None, "text": "The visitor left the chat.", "at": L(24, 10, 5)}]
    async with engine.begin() as conn:
        await conn.execute(insert(t.cases), cases)
        await conn.execute(insert(t.contacts), contacts)
        await conn.execute(insert(t.survey_responses), surveys)
        await conn.execute(insert(t.events), events)
        await conn.execute(insert(t.messages), messages)
        await conn.execute(insert(t.care_pathway_attachments), pathways)


# Kajaani, 2025-12-22 … 2025-12-28, every figure by hand (see the module docstring).
KAJAANI_W52 = {
    "unit": "kajaani",
    "from": "2025-12-22",
    "to": "2025-12-28",
    # C1..C5 phone; C6, C7 chat; C8 ×2, A, B, C, D, E ×2, F secure (C9 before, C9b after the week)
    "contacts": {"total": 16, "by_channel": {"phone": 5, "chat": 2, "secure_message": 9, "sms": 0}, "by_line": {"1": 3, "2": 1, "3": 1}},
    # same day: C1 (22nd), C2 (due day 29th, called then); not C3 (next day), C4 (not yet), C5 (promise was the 22nd)
    # delays: C1 1800, C5 16h40 = 60000, C3 18h10 = 65400, C2 5 d 16 h = 489600 → p50 rank 2, p90 rank 4
    "callbacks": {"total": 5, "same_day_ratio": 0.4, "within_due_ratio": 0.4, "delay_p50_s": 60000, "delay_p90_s": 489600, "attempted": 4},
    # opened: C1–C8, A–F (14); resolved with an outcome: C1, C3, C5, C6, C8, C9, A, B, C, E, F (11)
    "cases": {"opened": 14, "resolved": 11, "merged_contacts": 2},
    "fcr_ratio": round(4 / 11, 4),  # C3, C6, C9, F
    "failure_demand_ratio": round(2 / 11, 4),  # C3 PROGRESS_QUERY, C8 OTHER_UNIT
    "overflow_ratio": round(1 / 16, 4),  # C3
    "informed_ratio": 0.75,  # recorded on C1 yes, C3 no, C5 yes, C8 yes
    "outcomes": {"ADVICE": 7, "APPOINTMENT": 1, "PRESCRIPTION": 1, "REFERRED_EMERGENCY": 0, "OTHER_UNIT": 1, "PROGRESS_QUERY": 1, "NOT_REACHED": 0},
    "nps": {"responses": 4, "score": 25.0, "promoters": 2, "detractors": 1},  # 10, 8, 3, 9 → (2 − 1) / 4
    # nurses: p8 has A, B by aino and C by eero: N = 3, Σn² = 5 → COC (5 − 3) / 6, UPC 2/3
    # doctors: p9 has E (two contacts) and F, all mikko: COC 1, UPC 1; p3 and p8 have one doctor contact each
    "continuity": {"nurse": {"coc": 0.3333, "upc": 0.6667, "patients": 1}, "doctor": {"coc": 1.0, "upc": 1.0, "patients": 1}},
    "timezone": "Europe/Helsinki",
    "fcr_reported_ratio": 0.6667,  # solved: yes, no, yes (one unanswered)
    "fcr_pending": 0,
    "failure_demand_by_code": {"OTHER_UNIT": 1, "PROGRESS_QUERY": 1},
    # claim → resolve: 300, 600, 900, 900, 1020, 1200, 1200, 1800, 1800, 1800, 3600 → rank 6
    "handling_time_p50_s": 1200,
    "live_answer": {"chats": 2, "answered_live": 1, "ratio": 0.5},  # C6 yes; C7 claimed after the visitor left
    "care_pathways": {"asthma": 1, "diabetes": 0},
    "care_pathway_attachments": {"asthma": 2, "diabetes": 0},  # p-0001 on Monday, p-0002 on Tuesday
}


async def test_kpi_report_of_a_christmas_week_by_hand(client, db):  # type: ignore[no-untyped-def]
    await seed(db)
    paula = await login(client, "paula")
    r = await client.get("/api/reports/kpis?unit=kajaani&from=2025-12-22&to=2025-12-28", headers=paula)
    assert r.status_code == 200, r.text
    assert r.json() == KAJAANI_W52
    assert list(r.json())[:13] == ["unit", "from", "to", "contacts", "callbacks", "cases", "fcr_ratio", "failure_demand_ratio",
                                   "overflow_ratio", "informed_ratio", "outcomes", "nps", "continuity"]  # API.md's order

    # The supervisor's own unit is the default.
    r = await client.get("/api/reports/kpis?from=2025-12-22&to=2025-12-28", headers=paula)
    assert r.json() == KAJAANI_W52

    # CSV: the same figures as metric,value rows, nested keys dotted, no data an empty cell.
    r = await client.get("/api/reports/kpis?unit=kajaani&from=2025-12-22&to=2025-12-28&format=csv", headers=paula)
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0] == ["metric", "value"]
    values = dict(rows[1:])
    assert values["contacts.by_channel.secure_message"] == "9" and values["callbacks.delay_p90_s"] == "489600"
    assert values["continuity.nurse.upc"] == "0.6667" and values["fcr_ratio"] == str(round(4 / 11, 4))
    assert (values["care_pathway_attachments.asthma"], values["care_pathway_attachments.diabetes"]) == ("2", "0")
    assert len(rows) - 1 == len(values)


async def test_fcr_is_withdrawn_by_a_later_contact_and_a_day_without_data_is_null(client, db):  # type: ignore[no-untyped-def]
    await seed(db)
    paula = await login(client, "paula")
    # Monday alone: C1 resolved with FCR at the time, withdrawn by p1's call on Saturday; C6, C9 stand.
    r = await client.get("/api/reports/kpis?unit=kajaani&from=2025-12-22&to=2025-12-22", headers=paula)
    body = r.json()
    # Monday resolutions: C1 (withdrawn), C6, C8 (two contacts), C9, A (withdrawn by B), E (two contacts)
    assert body["cases"]["resolved"] == 6 and body["fcr_ratio"] == round(2 / 6, 4)
    # Christmas Day: nothing happened; every ratio is null, not 0.
    r = await client.get("/api/reports/kpis?unit=kajaani&from=2025-12-25&to=2025-12-25", headers=paula)
    body = r.json()
    assert body["contacts"]["total"] == 0 and body["callbacks"]["total"] == 0
    for key in ("fcr_ratio", "failure_demand_ratio", "overflow_ratio", "informed_ratio", "fcr_reported_ratio", "handling_time_p50_s"):
        assert body[key] is None, key
    assert body["callbacks"]["same_day_ratio"] is None and body["callbacks"]["delay_p50_s"] is None
    assert body["nps"] == {"responses": 0, "score": None, "promoters": 0, "detractors": 0}
    assert body["continuity"]["nurse"] == {"coc": None, "upc": None, "patients": 0}
    assert body["live_answer"]["ratio"] is None


async def test_region_report_is_for_admins(client, db):  # type: ignore[no-untyped-def]
    await seed(db)
    admin = await login(client, "admin")
    for query in ("unit=all&", ""):
        r = await client.get(f"/api/reports/kpis?{query}from=2025-12-22&to=2025-12-28", headers=admin)
        assert r.status_code == 200, r.text
        body = r.json()
        assert body["unit"] == "all"
        assert body["contacts"]["total"] == 17 and body["contacts"]["by_line"] == {"1": 4, "2": 1, "3": 1}
        assert body["cases"]["resolved"] == 12 and body["fcr_ratio"] == round(5 / 12, 4)  # + C10
        assert body["callbacks"]["total"] == 6 and body["callbacks"]["same_day_ratio"] == 0.5
    r = await client.get("/api/reports/kpis?unit=sotkamo&from=2025-12-22&to=2025-12-28", headers=admin)
    assert r.json()["contacts"]["total"] == 1 and r.json()["fcr_ratio"] == 1.0

    paula = await login(client, "paula")
    for query in ("unit=all", "unit=sotkamo"):
        r = await client.get(f"/api/reports/kpis?{query}", headers=paula)
        assert r.status_code == 403, r.text
    r = await client.get("/api/reports/kpis", headers=await login(client, "aino"))
    assert r.status_code == 403 and "nurse" in r.json()["detail"]
    r = await client.get("/api/reports/kpis/weekly", headers=await login(client, "aino"))
    assert r.status_code == 403


@pytest.mark.parametrize(
    ("query", "status", "names"),
    [
        ("from=2025-13-01&to=2025-12-28", 422, "from"),
        ("from=2025-12-01&to=yesterday", 422, "to"),
        ("from=2025-12-28&to=2025-12-01", 422, "after"),
        ("from=2024-01-01&to=2025-12-31", 422, "366"),
        ("unit=narnia", 404, "narnia"),
        ("format=xml", 422, "format"),
    ],
)
async def test_bad_report_input_is_a_4xx_naming_it(client, query: str, status: int, names: str):  # type: ignore[no-untyped-def]
    r = await client.get(f"/api/reports/kpis?{query}", headers=await login(client, "paula"))
    assert r.status_code == status, r.text
    assert names in r.json()["detail"]


@pytest.mark.parametrize("weeks", [0, 105])
async def test_weekly_weeks_out_of_range(client, weeks: int):  # type: ignore[no-untyped-def]
    r = await client.get(f"/api/reports/kpis/weekly?weeks={weeks}", headers=await login(client, "paula"))
    assert r.status_code in (400, 422) and "weeks" in r.text


async def test_weekly_trend_splits_the_same_figures_by_iso_week(hub, db, region: Region):  # type: ignore[no-untyped-def]
    await seed(db)
    paula = region.professional_by_id["s-paula"]
    now = L(30, 12)  # Tuesday of 2026-W01
    report = await svc.weekly(hub, paula, "kajaani", 2, now=now)
    body = __import__("msgspec").to_builtins(report)
    w52, w01 = body["weeks"]
    assert (w52["week"], w52["from"], w52["to"]) == ("2025-W52", "2025-12-22", "2025-12-28")
    assert (w01["week"], w01["from"], w01["to"]) == ("2026-W01", "2025-12-29", "2026-01-04")
    # W52 is the hand-computed week, except that on the 30th F's 7 days (to 30 Dec 14:30) are
    # still running: its FCR is pending.
    assert {k: v for k, v in w52.items() if k != "week"} == {**KAJAANI_W52, "fcr_pending": 1}
    # W01 so far: C9b's contact; C2 resolved on the 29th with nothing after it (yet): FCR, pending.
    assert w01["contacts"]["total"] == 1 and w01["cases"]["resolved"] == 1
    assert (w01["fcr_ratio"], w01["fcr_pending"]) == (1.0, 1)
    assert w01["nps"]["responses"] == 1 and w01["nps"]["score"] == -100.0
    assert w01["care_pathway_attachments"] == {"asthma": 0, "diabetes": 1}

    single = await svc.kpis(hub, paula, None, "2025-12-22", "2025-12-28", now=now)
    assert __import__("msgspec").to_builtins(single) == {**KAJAANI_W52, "fcr_pending": 1}


async def test_weekly_api_json_and_csv(client, db):  # type: ignore[no-untyped-def]
    paula = await login(client, "paula")
    r = await client.get("/api/reports/kpis/weekly", headers=paula)
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["unit"] == "kajaani" and len(body["weeks"]) == 8
    assert all(w["week"].count("-W") == 1 for w in body["weeks"])
    r = await client.get("/api/reports/kpis/weekly?weeks=3&format=csv", headers=paula)
    rows = list(csv.reader(io.StringIO(r.text)))
    assert rows[0][:4] == ["week", "unit", "from", "to"] and "continuity.doctor.coc" in rows[0]
    assert len(rows) == 4


async def test_a_later_contact_in_another_unit_withdraws_fcr(client, db):  # type: ignore[no-untyped-def]
    """Sotkamo's C10 (p7, resolved 22 Dec 10:30) was FCR; p7 calls Kajaani on 29 Dec at 10:00,
    within the 7 days: the Sotkamo report withdraws it. The Kajaani week is untouched (the call
    is in the next week)."""
    await seed(db)
    admin = await login(client, "admin")
    query = "/api/reports/kpis?unit=sotkamo&from=2025-12-22&to=2025-12-28"
    assert (await client.get(query, headers=admin)).json()["fcr_ratio"] == 1.0
    assert (await client.get(query, headers=admin)).json()["care_pathway_attachments"] == {"asthma": 0, "diabetes": 1}
    late = _case("c11", "phone", L(29, 10), patient="p7", line=1)
    async with db.begin() as conn:
        await conn.execute(insert(t.cases), [late])
        await conn.execute(insert(t.contacts), [_contact("c11", late, L(29, 10))])
    assert (await client.get(query, headers=admin)).json()["fcr_ratio"] == 0.0
    r = await client.get("/api/reports/kpis?unit=kajaani&from=2025-12-22&to=2025-12-28", headers=admin)
    assert r.json() == KAJAANI_W52
