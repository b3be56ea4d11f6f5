"""The case summary shows the patient's language, interpreter need and hearing (or speech)
impairment wherever a summary goes — the inbox, a case change's answer, the case's history, the
patient view and every event (new case, merge, claim, handover) — on SQLite and PostgreSQL
(the `client` fixture runs each test on both; on PostgreSQL intake is app/db/intake_pg.py)."""

from __future__ import annotations

import json

from sqlalchemy import select

from app.db import schema as t
from tests.helpers import callback, login

AHMED = "+358407654321"  # p-0005: English, needs an Arabic interpreter; Eero's patient
ANNA = "+358452223344"  # p-0004: hearing impaired, Finnish sign language interpreter; Liisa's patient

AHMED_REF = {
    "id": "p-0005",
    "display_name": "Ahmed Hassan",
    "language": "en",
    "interpreter_language": "ar",
    "hearing_impaired": False,
    "shared_client": False,
}
ANNA_REF = {
    "id": "p-0004",
    "display_name": "Anna Korhonen",
    "language": "fi",
    "interpreter_language": "fse",
    "hearing_impaired": True,
    "shared_client": False,
}
MATTI_REF = {
    "id": "p-0001",
    "display_name": "Matti Meikäläinen",
    "language": "fi",
    "interpreter_language": None,
    "hearing_impaired": False,
    "shared_client": False,
}


async def _event_patients(db, case_id: str) -> list[tuple[str, object]]:  # type: ignore[no-untyped-def]
    async with db.connect() as conn:
        rows = (await conn.execute(select(t.events.c.type, t.events.c.data).where(t.events.c.case_id == case_id).order_by(t.events.c.seq))).all()
    return [(r.type, json.loads(r.data)["case"]["patient"]) for r in rows]


async def test_inbox_rows_carry_the_patients_language_interpreter_and_hearing(client, db):  # type: ignore[no-untyped-def]
    eero = await login(client, "eero")
    r = await callback(client, "needs-1", caller=AHMED)
    assert r.status_code == 202, r.text
    case_id = r.json()["case_id"]
    mine = (await client.get("/api/inbox?queue=mine", headers=eero)).json()["items"]
    assert [c["patient"] for c in mine if c["id"] == case_id] == [AHMED_REF]

    liisa = await login(client, "liisa")
    r = await callback(client, "needs-2", caller=ANNA, line=2)
    assert r.status_code == 202, r.text
    anna_case = r.json()["case_id"]
    items = (await client.get("/api/inbox?queue=all", headers=liisa)).json()["items"]
    assert [c["patient"] for c in items if c["id"] == anna_case] == [ANNA_REF]

    # a patient without needs says so explicitly: the fields are there, not left out
    aino = await login(client, "aino")
    r = await callback(client, "needs-3")
    matti = (await client.get("/api/inbox?queue=mine", headers=aino)).json()["items"]
    assert [c["patient"] for c in matti if c["id"] == r.json()["case_id"]] == [MATTI_REF]


async def test_every_summary_of_a_case_carries_the_patients_needs(client, db):  # type: ignore[no-untyped-def]
    eero = await login(client, "eero")
    first = await callback(client, "needs-4", caller=AHMED)
    case_id = first.json()["case_id"]
    again = await callback(client, "needs-5", caller=AHMED)  # merged into the open case: intake's read of it
    assert again.json()["case_id"] == case_id and again.json()["merged"] is True

    claimed = await client.post(f"/api/cases/{case_id}/claim", headers=eero)
    assert claimed.status_code == 200, claimed.text
    assert claimed.json()["patient"] == AHMED_REF
    handed = await client.post(f"/api/cases/{case_id}/handover", json={"to": "team:kajaani-a"}, headers=eero)
    assert handed.status_code == 200, handed.text
    assert handed.json()["patient"] == AHMED_REF

    detail = (await client.get(f"/api/cases/{case_id}", headers=eero)).json()
    assert all(h["patient"] == AHMED_REF for h in detail["history"])
    view = (await client.get("/api/patients/p-0005", headers=eero)).json()
    assert view["recent_cases"] and all(c["patient"] == AHMED_REF for c in view["recent_cases"])

    events = await _event_patients(db, case_id)
    assert [e[0] for e in events] == ["case.created", "case.updated", "case.claimed", "case.handed_over"]
    assert all(patient == AHMED_REF for _, patient in events), events


async def test_openapi_documents_the_patients_needs(client):  # type: ignore[no-untyped-def]
    schema = (await client.get("/schema/openapi.json")).json()
    ref = schema["components"]["schemas"]["PatientRef"]["properties"]
    assert {"language", "interpreter_language", "hearing_impaired"} <= set(ref)
    assert all(ref[f].get("description") for f in ("language", "interpreter_language", "hearing_impaired"))


async def test_the_inbox_page_tells_its_script_the_apis_list_rule_and_order(client):  # type: ignore[no-untyped-def]
    """The page places live events' cases itself (app/web/static/inbox.js): the rule and the
    order it is given must be the API's, or rows would sit where a fetch would not put them."""
    import html
    import re

    from app.domain.access import lists_my_claimed_cases
    from app.domain.common import OPEN_STATUSES, URGENCY_RANK
    from tests.api.test_session import log_in

    # the API's rule: an unidentified caller's case Eero claims is on his Mine tab
    eero = await login(client, "eero")
    unknown = (await callback(client, "rule-1", caller="+358409990077")).json()
    assert unknown["queue"] == "overflow:kajaani"
    assert (await client.post(f"/api/cases/{unknown['case_id']}/claim", headers=eero)).status_code == 200
    listed = (await client.get("/api/inbox?queue=mine", headers=eero)).json()["items"]
    assert unknown["case_id"] in [c["id"] for c in listed]

    assert (await log_in(client, "eero")).status_code == 303  # the page's session (cookie) from here on
    page = (await client.get("/inbox")).text

    def attr(name: str):  # type: ignore[no-untyped-def]
        found = re.search(rf'\bdata-{name}="([^"]*)"', page)
        assert found, name
        return json.loads(html.unescape(found.group(1)))

    order = attr("order")
    assert order == {"urgency": sorted(URGENCY_RANK, key=URGENCY_RANK.__getitem__), "open_statuses": list(OPEN_STATUSES)}
    tabs = attr("tabs")
    assert tabs and all(tab["my_claimed"] == lists_my_claimed_cases(tab["filter"]) for tab in tabs)
    mine = next(tab for tab in tabs if tab["filter"] == "mine")
    assert unknown["queue"] not in mine["queues"] and mine["my_claimed"], "on Mine by the claim, as the API lists it"
