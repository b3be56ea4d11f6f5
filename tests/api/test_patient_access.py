"""Patient data only where needed (SPEC §11): a professional reads a patient of their own unit,
or one with a case in a queue they may see; anyone else's answers 404 (as for a patient who does
not exist, so ids are not confirmed). Every read and every search is access-logged, a search by
who and how many hits, never the query text, which travels in a POST body, not in the URL."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from sqlalchemy import insert, select

from app.clock import utcnow
from app.db import schema as t
from tests.helpers import SCRAPER, callback, login

PEKKA = "p-0007"  # Sotkamo's patient, named nurse n-veera


async def search(client: Any, who: dict[str, str], q: str) -> list[str]:
    r = await client.post("/api/patients/search", json={"q": q}, headers=who)
    assert r.status_code == 200, r.text
    return [h["id"] for h in r.json()]


def _not_found(r: Any, patient_id: str) -> None:
    assert r.status_code == 404, r.text
    assert r.json()["extra"]["code"] == "patient_not_found"
    assert r.json()["detail"] == f"no patient {patient_id!r} that you may see"


async def _case_for(db: Any, patient_id: str, queue: str, unit: str, assignee: str | None = None) -> str:
    now = utcnow()
    cid = t.new_id()
    async with db.begin() as conn:
        await conn.execute(insert(t.cases).values(
            id=cid, status="claimed" if assignee else "new", queue=queue, assignee=assignee, unit=unit, urgency="unassessed",
            urgency_rank=2, urgency_source="none", due_at=now, at_risk_at=now, channel="phone", routing_reason="handover",
            created_at=now, updated_at=now, patient_id=patient_id,
        ))
    return cid


async def test_another_units_patient_is_not_found_anywhere(client):  # type: ignore[no-untyped-def]
    aino, paula, veera, jouni, admin = [await login(client, u) for u in ("aino", "paula", "veera", "jouni", "admin")]
    # a Kajaani nurse and supervisor: Pekka's details, access log and a pathway for him are 404 — like a patient who does not exist
    _not_found(await client.get(f"/api/patients/{PEKKA}", headers=aino), PEKKA)
    _not_found(await client.get("/api/patients/p-nobody", headers=aino), "p-nobody")
    _not_found(await client.get(f"/api/patients/{PEKKA}", headers=paula), PEKKA)
    _not_found(await client.get(f"/api/patients/{PEKKA}/access-log", headers=paula), PEKKA)
    _not_found(await client.post(f"/api/patients/{PEKKA}/care-pathways", json={"pathway": "asthma"}, headers=aino), PEKKA)
    _not_found(await client.get("/api/patients/p-0001", headers=veera), "p-0001")
    # the search leaves him out by name, number and id
    for q in ("Heikkinen", "040 555 6677", PEKKA):
        assert await search(client, aino, q) == [], q
        assert await search(client, paula, q) == [], q
        assert await search(client, veera, q) == [PEKKA], q
    assert await search(client, veera, "Meikäläinen") == []
    # his own unit and an admin read him
    assert (await client.get(f"/api/patients/{PEKKA}", headers=veera)).json()["unit"] == "sotkamo"
    assert (await client.get(f"/api/patients/{PEKKA}/access-log", headers=jouni)).status_code == 200
    assert (await client.get(f"/api/patients/{PEKKA}", headers=admin)).status_code == 200
    assert await search(client, admin, "Heikkinen") == [PEKKA]
    # a nurse still may not read the access log at all (a role rule: 403 for any patient)
    assert (await client.get("/api/patients/p-0001/access-log", headers=aino)).status_code == 403


async def test_a_case_in_a_queue_one_may_see_opens_the_patient(client, db):  # type: ignore[no-untyped-def]
    aino, liisa, paula, sari = [await login(client, u) for u in ("aino", "liisa", "paula", "sari")]
    await _case_for(db, PEKKA, "team:kajaani-a", "kajaani")  # handed over to Aino's team
    assert (await client.get(f"/api/patients/{PEKKA}", headers=aino)).status_code == 200
    assert await search(client, aino, "Heikkinen") == [PEKKA]
    assert (await client.get(f"/api/patients/{PEKKA}", headers=paula)).status_code == 200  # her unit's queue
    assert (await client.get(f"/api/patients/{PEKKA}/access-log", headers=paula)).status_code == 200
    r = await client.post(f"/api/patients/{PEKKA}/care-pathways", json={"pathway": "asthma"}, headers=aino)
    assert r.status_code == 201, r.text
    # not Liisa's team, and never an assistant's queue
    _not_found(await client.get(f"/api/patients/{PEKKA}", headers=liisa), PEKKA)
    assert await search(client, liisa, "Heikkinen") == []
    _not_found(await client.get(f"/api/patients/{PEKKA}", headers=sari), PEKKA)
    # a case one holds, wherever it waits
    await _case_for(db, "p-0001", "team:sotkamo-a", "sotkamo", assignee="n-veera")
    assert (await client.get("/api/patients/p-0001", headers=await login(client, "veera"))).status_code == 200


async def test_every_read_and_search_is_logged_and_the_query_is_nowhere(client, db, caplog):  # type: ignore[no-untyped-def]
    caplog.set_level(logging.INFO)
    aino, paula = await login(client, "aino"), await login(client, "paula")
    assert await search(client, aino, "Meikäl") == ["p-0001"]
    assert await search(client, aino, "Zyxwv") == []
    assert await search(client, aino, "0401234567") == ["p-0001"]
    assert (await client.get("/api/patients/p-0001", headers=aino)).status_code == 200
    assert (await client.get("/api/patients/p-0001/access-log", headers=paula)).status_code == 200
    async with db.connect() as conn:
        rows = (await conn.execute(select(t.access_log).order_by(t.access_log.c.id))).all()
    searches = [(r.professional, r.action, r.hits) for r in rows if r.patient_id is None]
    assert searches == [("n-aino", "patient_search", 1), ("n-aino", "patient_search", 0), ("n-aino", "patient_search", 1)]
    on_matti = [(r.professional, r.action) for r in rows if r.patient_id == "p-0001"]
    assert on_matti == [("n-aino", "patient_search"), ("n-aino", "patient_search"), ("n-aino", "patient_view"), ("s-paula", "access_log_view")]
    # the query text is in no stored row, no metric and no log line of ours
    stored = " ".join(str(v) for r in rows for v in r)
    metrics = (await client.get("/metrics", headers=SCRAPER)).text
    ours = " ".join(r.getMessage() for r in caplog.records if r.name.startswith(("firstline", "litestar", "uvicorn", "app")))
    for q in ("Meikäl", "Zyxwv", "0401234567", "+358401234567"):
        assert q not in stored and q not in metrics and q not in ours, q
    assert 'path="/api/patients/search"' in metrics


async def test_the_old_get_search_is_gone_and_points_to_the_post(client):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    r = await client.get("/api/patients?q=meik", headers=aino)
    assert r.status_code == 410, r.text
    assert r.json()["extra"]["code"] == "search_moved" and "POST /api/patients/search" in r.json()["detail"]
    assert (await client.get("/api/patients?q=meik")).status_code == 401  # still only for professionals


@pytest.mark.parametrize("q", ["", "x", "y" * 101])
async def test_a_search_needs_two_to_a_hundred_characters(client, q):  # type: ignore[no-untyped-def]
    r = await client.post("/api/patients/search", json={"q": q}, headers=await login(client, "aino"))
    assert r.status_code == 422, r.text  # a schema error (422 everywhere since issue 14)


async def test_an_unknown_caller_is_linked_only_to_a_patient_one_may_read(client):  # type: ignore[no-untyped-def]
    """Linking would show the patient through the case: another unit's answers as an unknown id."""
    cid = (await callback(client, "pa-link", caller="+358409998877")).json()["case_id"]  # Kajaani overflow
    aino = await login(client, "aino")
    for unknown in (PEKKA, "p-nobody"):
        r = await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": unknown}, headers=aino)
        assert r.status_code == 404 and r.json()["extra"]["code"] == "patient_not_found", r.text
        assert r.json()["detail"] == f"no patient {unknown!r}"
    r = await client.post(f"/api/cases/{cid}/link-patient", json={"patient_id": "p-0006"}, headers=aino)
    assert r.status_code == 200, r.text
