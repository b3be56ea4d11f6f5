"""Working cases through the API: auth, guards, claim races, resolve, handover, link, absences."""

from __future__ import annotations

import asyncio
import itertools
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import insert, select

from app.db import schema as t
from app.clock import utcnow
from tests.helpers import SCRAPER, callback, login


async def new_case(client, call_id="c-1", **kw) -> dict:  # type: ignore[no-untyped-def]
    r = await callback(client, call_id, **kw)
    assert r.status_code == 202, r.text
    return r.json()


async def test_login_logout_and_wrong_passwords(client):  # type: ignore[no-untyped-def]
    r = await client.post("/api/auth/login", json={"username": "aino", "password": "aino-demo"})
    assert r.status_code == 200
    assert r.json()["professional"] == {"id": "n-aino", "name": "Aino Nurminen", "role": "nurse", "unit": "kajaani", "team": "kajaani-a"}
    headers = {"Authorization": f"Bearer {r.json()['token']}"}
    assert (await client.get("/api/inbox", headers=headers)).status_code == 200
    assert (await client.post("/api/auth/logout", headers=headers)).status_code == 204
    r = await client.get("/api/inbox", headers=headers)
    assert r.status_code == 401 and "logged out" in r.json()["detail"]
    wrong = await client.post("/api/auth/login", json={"username": "aino", "password": "nope"})
    unknown = await client.post("/api/auth/login", json={"username": "nobody", "password": "nope"})
    assert wrong.status_code == unknown.status_code == 401
    assert wrong.json() == unknown.json()


async def test_failed_logins_are_throttled(client):  # type: ignore[no-untyped-def]
    for _ in range(5):
        assert (await client.post("/api/auth/login", json={"username": "eero", "password": "x"})).status_code == 401
    r = await client.post("/api/auth/login", json={"username": "eero", "password": "eero-demo"})
    assert r.status_code == 429 and int(r.headers["retry-after"]) > 0


async def test_api_needs_a_valid_token(client):  # type: ignore[no-untyped-def]
    assert (await client.get("/api/inbox")).status_code == 401
    assert (await client.get("/api/inbox", headers={"Authorization": "Bearer abc"})).status_code == 401


async def test_inbox_is_ordered_by_urgency_then_due(client):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    routine = await new_case(client, "o-1")
    urgent = await new_case(client, "o-2", caller="+358449876543", line=2)
    r = await client.get("/api/inbox?queue=all", headers=aino)
    ids = [c["id"] for c in r.json()["items"]]
    assert ids.index(urgent["case_id"]) < ids.index(routine["case_id"])
    mine = (await client.get("/api/inbox?queue=mine", headers=aino)).json()["items"]
    assert [c["id"] for c in mine] == [routine["case_id"]]
    assert mine[0]["patient"] == {"id": "p-0001", "display_name": "Matti Meikäläinen", "language": "fi",
                                  "interpreter_language": None, "hearing_impaired": False}
    assert set(mine[0]) >= {"id", "status", "queue", "assignee", "urgency", "due_at", "at_risk", "channel", "line", "unit",
                            "patient", "routing_reason", "created_at", "updated_at", "contacts"}


async def test_roles_see_only_their_queues(client):  # type: ignore[no-untyped-def]
    case = await new_case(client)
    sari = await login(client, "sari")  # assistant
    assert (await client.get("/api/inbox?queue=team", headers=sari)).status_code == 403
    assert (await client.get(f"/api/cases/{case['case_id']}", headers=sari)).status_code == 404
    assert (await client.get("/api/inbox?queue=assistants", headers=sari)).status_code == 200
    veera = await login(client, "veera")  # another unit
    assert (await client.get("/api/inbox?queue=all&unit=kajaani", headers=veera)).status_code == 403
    assert (await client.post(f"/api/cases/{case['case_id']}/claim", headers=veera)).status_code == 404
    liisa = await login(client, "liisa")  # same unit, other team: not her personal case
    assert (await client.get(f"/api/cases/{case['case_id']}", headers=liisa)).status_code == 404
    paula = await login(client, "paula")  # supervisor
    assert (await client.get(f"/api/cases/{case['case_id']}", headers=paula)).status_code == 200
    assert (await client.get("/api/inbox?queue=nonsense", headers=paula)).status_code == 400


async def test_claim_has_exactly_one_winner(client):  # type: ignore[no-untyped-def]
    case = await new_case(client, caller="0401111111")  # overflow: every kajaani nurse may claim
    heads = [await login(client, u) for u in ("aino", "eero", "liisa", "helena")]
    results = await asyncio.gather(*(client.post(f"/api/cases/{case['case_id']}/claim", headers=h) for h in heads))
    codes = sorted(r.status_code for r in results)
    assert codes == [200, 409, 409, 409], [r.text for r in results]
    loser = next(r for r in results if r.status_code == 409)
    assert loser.json()["detail"].startswith("claimed by ")


async def test_resolve_rules(client, db):  # type: ignore[no-untyped-def]
    case = await new_case(client)
    cid = case["case_id"]
    aino, eero = await login(client, "aino"), await login(client, "eero")
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE"}, headers=aino)
    assert r.status_code == 409 and "not claimed" in r.json()["detail"]
    assert (await client.post(f"/api/cases/{cid}/claim", headers=aino)).status_code == 200
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "NOPE"}, headers=aino)
    assert r.status_code == 422 and "ADVICE" in r.json()["detail"]
    # Eero (same team) sees it via team? No: it is Aino's personal case; he cannot resolve it.
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE"}, headers=eero)
    assert r.status_code in (404, 409)
    r = await client.post(
        f"/api/cases/{cid}/resolve",
        json={"outcome": "ADVICE", "follow_up": "Soitan torstaina", "patient_informed": True, "care_pathway": "asthma"},
        headers=aino,
    )
    assert r.status_code == 200 and r.json()["status"] == "resolved"
    detail = (await client.get(f"/api/cases/{cid}", headers=aino)).json()
    assert detail["outcome"] == "ADVICE" and detail["follow_up"] == "Soitan torstaina" and detail["care_pathway"] == "asthma"
    assert [e["type"] for e in detail["events"]] == ["case.created", "case.claimed", "case.resolved"]
    metrics = (await client.get("/metrics", headers=SCRAPER)).text
    assert 'firstline_cases_resolved_total{first_contact="true",outcome="ADVICE",unit="kajaani"}' in metrics
    # A new call after resolution opens a new case.
    again = await new_case(client, "c-2")
    assert again["case_id"] != cid and again["merged"] is False


async def test_release_notes_attempts_and_failed_callbacks(client, db, monkeypatch):  # type: ignore[no-untyped-def]
    moments = iter(datetime.now(timezone.utc) + timedelta(minutes=20 * i) for i in itertools.count())
    monkeypatch.setattr("app.services.cases.utcnow", lambda: next(moments))  # the demo region's 15-minute gap
    cid = (await new_case(client))["case_id"]
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{cid}/claim", headers=aino)).status_code == 200
    assert (await client.post(f"/api/cases/{cid}/release", headers=aino)).json()["status"] == "new"
    assert (await client.post(f"/api/cases/{cid}/release", headers=aino)).status_code == 409
    r = await client.post(f"/api/cases/{cid}/notes", json={"text": "Potilas soittaa myöhemmin"}, headers=aino)
    assert r.status_code == 201
    for _ in range(3):
        r = await client.post(f"/api/cases/{cid}/callback-attempts", json={"result": "no_answer"}, headers=aino)
        assert r.status_code == 201, r.text
    r = await client.post(f"/api/cases/{cid}/callback-attempts", json={"result": "maybe"}, headers=aino)
    assert r.status_code == 400
    detail = (await client.get(f"/api/cases/{cid}", headers=aino)).json()
    assert detail["status"] == "claimed" and detail["assignee"] == "n-aino"  # acting on it claimed it
    assert [a["result"] for a in detail["callback_attempts"]] == ["no_answer"] * 3
    assert detail["notes"][0]["text"] == "Potilas soittaa myöhemmin"
    async with db.connect() as conn:
        sms = (await conn.execute(select(t.outbox))).all()
    assert [(s.channel, s.template, s.recipient) for s in sms] == [("sms", "callback_failed", "+358401234567")]
    assert "firstline_callback_delay_seconds_count" in (await client.get("/metrics", headers=SCRAPER)).text


async def test_handover_and_urgency_change(client):  # type: ignore[no-untyped-def]
    cid = (await new_case(client))["case_id"]
    aino = await login(client, "aino")
    r = await client.post(f"/api/cases/{cid}/handover", json={"to": "coordinator:kajaani", "note": "Monta yhteydenottoa"}, headers=aino)
    assert r.status_code == 200 and r.json()["queue"] == "coordinator:kajaani" and r.json()["status"] == "new"
    r = await client.post(f"/api/cases/{cid}/handover", json={"to": "team:kajaani-a"}, headers=aino)
    assert r.status_code == 404  # no longer hers to see
    helena = await login(client, "helena")
    r = await client.post(f"/api/cases/{cid}/handover", json={"to": "team:nowhere"}, headers=helena)
    assert r.status_code == 422 and "no queue" in r.json()["detail"]
    r = await client.post(f"/api/cases/{cid}/urgency", json={"level": "urgent", "reason": "kuume 40"}, headers=helena)
    assert r.status_code == 200 and r.json()["urgency"] == "urgent"
    r = await client.post(f"/api/cases/{cid}/urgency", json={"level": "urgent"}, headers=helena)
    assert r.status_code == 400
    detail = (await client.get(f"/api/cases/{cid}", headers=helena)).json()
    kinds = [e["type"] for e in detail["events"]]
    assert kinds == ["case.created", "case.handed_over", "case.urgency"]
    assert detail["events"][2]["urgency"] == {"from": "unassessed", "to": "urgent", "reason": "kuume 40"}


async def test_link_patient_from_overflow(client, db):  # type: ignore[no-untyped-def]
    cid = (await new_case(client, caller="0409998877"))["case_id"]
    eero = await login(client, "eero")
    r = await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": "p-9999"}, headers=eero)
    assert r.status_code == 404
    r = await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": "p-0003"}, headers=eero)
    assert r.status_code == 200, r.text
    assert r.json()["queue"] == "personal:n-eero" and r.json()["routing_reason"] == "named_nurse"
    assert r.json()["patient"]["id"] == "p-0003"
    # The number is now in the directory: the next call is identified at once.
    nxt = await callback(client, "c-next", caller="+358409998877")
    assert nxt.json()["merged"] is True and nxt.json()["case_id"] == cid
    r = await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": "p-0003"}, headers=eero)
    assert r.status_code == 409


async def test_link_patient_respects_a_claim(client):  # type: ignore[no-untyped-def]
    cid = (await new_case(client, caller="0409998866"))["case_id"]
    eero, aino, paula = await login(client, "eero"), await login(client, "aino"), await login(client, "paula")
    assert (await client.post(f"/api/cases/{cid}/claim", headers=eero)).status_code == 200
    r = await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": "p-0003"}, headers=aino)
    assert r.status_code == 409 and r.json()["extra"]["code"] == "claimed_by", r.text
    detail = (await client.get(f"/api/cases/{cid}", headers=eero)).json()
    assert (detail["status"], detail["assignee"], detail["patient"]) == ("claimed", "n-eero", None)
    r = await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": "p-0003"}, headers=paula)
    assert r.status_code == 200 and r.json()["patient"]["id"] == "p-0003", r.text


async def test_link_patient_merges_into_an_open_case(client):  # type: ignore[no-untyped-def]
    open_case = (await new_case(client, "c-open"))["case_id"]  # Matti, n-aino
    stray = (await new_case(client, "c-stray", caller="0409998877"))["case_id"]
    aino = await login(client, "aino")
    r = await client.post(f"/api/cases/{stray}/link-patient", json={"patient_id": "p-0001"}, headers=aino)
    assert r.status_code == 200 and r.json()["id"] == open_case and r.json()["contacts"] == 2


async def test_absence_routes_to_substitute_or_team(client):  # type: ignore[no-untyped-def]
    paula, aino = await login(client, "paula"), await login(client, "aino")
    today = date.today()
    r = await client.post("/api/absences", json={"professional": "n-aino", "from": str(today - timedelta(days=1)),
                                                  "to": str(today + timedelta(days=1)), "substitute": "n-eero"}, headers=aino)
    assert r.status_code == 403
    r = await client.post("/api/absences", json={"professional": "n-aino", "from": str(today - timedelta(days=1)),
                                                  "to": str(today + timedelta(days=1)), "substitute": "n-eero"}, headers=paula)
    assert r.status_code == 201, r.text
    listed = (await client.get("/api/absences", headers=paula)).json()
    assert [a["professional"] for a in listed] == ["n-aino"]
    r = await callback(client, "abs-1")
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("personal:n-eero", "substitute")
    r = await client.post("/api/absences", json={"professional": "n-liisa", "from": str(today), "to": str(today)}, headers=paula)
    assert r.status_code == 201
    r = await callback(client, "abs-2", caller="0452223344")  # Anna, named nurse Liisa
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("team:kajaani-b", "team_absence")
    bad = await client.post("/api/absences", json={"professional": "n-aino", "from": "2026-12-05", "to": "2026-12-01"}, headers=paula)
    assert bad.status_code == 422
    bad = await client.post("/api/absences", json={"professional": "n-nobody", "from": "2026-12-01", "to": "2026-12-05"}, headers=paula)
    assert bad.status_code == 422 and "n-nobody" in bad.json()["detail"]
    bad = await client.post("/api/absences", json={"professional": "n-aino", "from": "2026-13-45", "to": "2026-12-05"}, headers=paula)
    assert bad.status_code == 422 and "from" in bad.json()["detail"]
    bad = await client.post("/api/absences", json={"professional": "n-aino", "from": "soon", "to": "2026-12-05"}, headers=paula)
    assert bad.status_code == 400


async def test_ending_an_absence_routes_to_the_nurse_again(client):  # type: ignore[no-untyped-def]
    """Aino is back early: the supervisor ends her absence and her patients reach her again; an
    absence not yet begun is cancelled; ending one twice, or another unit's, is refused."""
    paula, aino = await login(client, "paula"), await login(client, "aino")
    today = date.today()
    running = await client.post("/api/absences", json={"professional": "n-aino", "from": str(today - timedelta(days=1)),
                                                        "to": str(today + timedelta(days=3)), "substitute": "n-eero"}, headers=paula)
    later = await client.post("/api/absences", json={"professional": "n-eero", "from": str(today + timedelta(days=10)),
                                                      "to": str(today + timedelta(days=12))}, headers=paula)
    assert running.status_code == 201 and later.status_code == 201
    r = await callback(client, "end-abs-1")
    assert r.json()["queue"] == "personal:n-eero"
    assert (await client.post(f"/api/absences/{running.json()['id']}/end", headers=aino)).status_code == 403
    ended = await client.post(f"/api/absences/{running.json()['id']}/end", headers=paula)
    assert ended.status_code == 200, ended.text
    assert ended.json()["ends_at"] < running.json()["ends_at"]
    r = await callback(client, "end-abs-2", caller="+358501112233")  # Maija, named nurse Aino
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("personal:n-aino", "named_nurse"), r.json()
    cancelled = await client.post(f"/api/absences/{later.json()['id']}/end", headers=paula)
    assert cancelled.status_code == 200 and cancelled.json()["ends_at"] == cancelled.json()["starts_at"]
    assert [a["id"] for a in (await client.get("/api/absences", headers=paula)).json()] == []
    again = await client.post(f"/api/absences/{running.json()['id']}/end", headers=paula)
    assert again.status_code == 409 and "already over" in again.json()["detail"]
    assert (await client.post("/api/absences/nope/end", headers=paula)).status_code == 404


async def test_capacity_spills_to_team(client, db):  # type: ignore[no-untyped-def]
    now = utcnow()
    rows = [
        {"id": t.new_id(), "status": "new", "queue": "personal:n-aino", "unit": "kajaani", "urgency": "unassessed", "urgency_rank": 2,
         "urgency_source": "none", "due_at": now, "at_risk_at": now, "channel": "phone", "routing_reason": "named_nurse",
         "created_at": now, "updated_at": now}
        for _ in range(25)
    ]
    async with db.begin() as conn:
        await conn.execute(insert(t.cases), rows)
    r = await callback(client, "cap-1", caller="+358501112233")  # Maija, named nurse Aino
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("team:kajaani-a", "capacity_spill")


async def test_no_named_nurse_goes_to_default_team(client):  # type: ignore[no-untyped-def]
    r = await callback(client, "nn-1", caller="0503334444")  # Kaisa has no named nurse
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("team:kajaani-a", "no_named_nurse")


async def test_reading_patient_data_is_access_logged(client):  # type: ignore[no-untyped-def]
    cid = (await new_case(client))["case_id"]
    aino, paula = await login(client, "aino"), await login(client, "paula")
    assert (await client.get(f"/api/cases/{cid}", headers=aino)).status_code == 200
    r = await client.get("/api/patients/p-0001", headers=aino)
    assert r.status_code == 200 and r.json()["named_nurse"] == "n-aino"
    hits = (await client.get("/api/patients?q=meik", headers=aino)).json()
    assert [h["id"] for h in hits] == ["p-0001"]
    assert [h["id"] for h in (await client.get("/api/patients?q=040 123 4567", headers=aino)).json()] == ["p-0001"]
    assert (await client.get("/api/patients/p-0001/access-log", headers=aino)).status_code == 403
    log = (await client.get("/api/patients/p-0001/access-log", headers=paula)).json()
    actions = sorted(e["action"] for e in log)
    assert actions == ["case_view", "patient_search", "patient_search", "patient_view"]
    assert {e["professional_name"] for e in log} == {"Aino Nurminen"}
    assert (await client.get("/api/patients/p-nobody", headers=aino)).status_code == 404


async def test_health_ready_and_schema(client):  # type: ignore[no-untyped-def]
    assert (await client.get("/healthz")).json() == {"status": "ok"}
    assert (await client.get("/readyz")).status_code == 200
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/channels/phone/callback-requests" in schema["paths"]
    assert "/api/cases/{case_id}/claim" in schema["paths"]


async def test_no_reply_to_a_caller_who_could_not_read_it(client, db):  # type: ignore[no-untyped-def]
    """An unidentified caller has no portal thread: a reply would be unread and its SMS would
    point to nothing. Refused with a code until the patient is linked; then it goes, with its SMS."""
    cid = (await new_case(client, caller="0409998855"))["case_id"]
    eero = await login(client, "eero")
    r = await client.post(f"/api/cases/{cid}/messages", json={"text": "Soitamme huomenna"}, headers=eero)
    assert r.status_code == 409 and r.json()["extra"]["code"] == "reply_unreadable", r.text
    async with db.connect() as conn:
        assert (await conn.execute(select(t.outbox))).all() == []
        assert (await conn.execute(select(t.messages).where(t.messages.c.case_id == cid))).all() == []
    assert (await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": "p-0003"}, headers=eero)).status_code == 200
    r = await client.post(f"/api/cases/{cid}/messages", json={"text": "Soitamme huomenna"}, headers=eero)
    assert r.status_code == 201, r.text
    async with db.connect() as conn:
        sms = (await conn.execute(select(t.outbox))).all()
    assert [(s.template, s.recipient) for s in sms] == [("new_message", "+358409998855")]
