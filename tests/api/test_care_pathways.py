"""Care pathways given to patients (the Kainuu model): a professional attaches one of the
region's pathways — on its own or when resolving — and the patient sees it in the portal; the
attachment is an event and in the access log, and the KPI report counts it."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from app.db import schema as t
from tests.helpers import callback, login

ASTHMA = "https://example.org/pathways/asthma"


def portal(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _audit(db: Any, patient_id: str) -> tuple[list[dict[str, Any]], list[str]]:
    """The patient's `care_pathway.attached` events and access-log actions."""
    import msgspec

    async with db.connect() as conn:
        events = [msgspec.json.decode(d) for d in (await conn.execute(select(t.events.c.data).where(t.events.c.type == "care_pathway.attached"))).scalars()]
        actions = list((await conn.execute(select(t.access_log.c.action).where(t.access_log.c.patient_id == patient_id).order_by(t.access_log.c.id))).scalars())
    return [e for e in events if e["patient_id"] == patient_id], actions


async def test_attach_then_the_patient_view_and_the_portal_list_it(client, db, patient_token):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    r = await client.post("/api/patients/p-0005/care-pathways", json={"pathway": "asthma"}, headers=aino)
    assert r.status_code == 201, r.text
    first = r.json()
    assert (first["id"], first["title"], first["url"]) == ("asthma", "Asthma", ASTHMA)  # Ahmed reads English
    again = await client.post("/api/patients/p-0005/care-pathways", json={"pathway": "asthma"}, headers=aino)
    assert again.status_code == 201 and again.json() == first  # the same attachment, its first time kept

    view = (await client.get("/api/patients/p-0005", headers=aino)).json()
    assert view["care_pathways"] == [first]
    own = await client.get("/channels/omasote/care-pathways", headers=portal(patient_token("p-0005")))
    assert own.status_code == 200 and own.json() == [first]
    assert set(own.json()[0]) == {"id", "title", "url", "attached_at"}
    # another patient sees nothing of it; without a token, nothing at all
    assert (await client.get("/channels/omasote/care-pathways", headers=portal(patient_token("p-0001")))).json() == []
    assert (await client.get("/channels/omasote/care-pathways")).status_code == 401

    events, actions = await _audit(db, "p-0005")
    assert len(events) == 1 and (events[0]["pathway"], events[0]["actor"], events[0]["unit"]) == ("asthma", "n-aino", "kajaani")
    assert actions.count("care_pathway_attach") == 2  # both attempts were a professional at the record
    # the patient sees who gave it in their own access log
    log = (await client.get("/channels/omasote/access-log", headers=portal(patient_token("p-0005")))).json()
    assert {e["action"] for e in log} >= {"care_pathway_attach", "patient_view"}


async def test_unknown_pathway_and_unknown_patient(client):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    r = await client.post("/api/patients/p-0001/care-pathways", json={"pathway": "gout"}, headers=aino)
    assert r.status_code == 422 and r.json()["extra"] == {"code": "unknown_pathway", "care_pathway": "gout"}
    r = await client.post("/api/patients/p-nobody/care-pathways", json={"pathway": "asthma"}, headers=aino)
    assert r.status_code == 404 and r.json()["extra"]["code"] == "patient_not_found"
    r = await client.post("/api/patients/p-0001/care-pathways", json={}, headers=aino)
    assert r.status_code == 422  # a schema error


async def test_resolving_with_a_pathway_gives_it_to_the_patient_and_the_report_counts_it(client, db, patient_token):  # type: ignore[no-untyped-def]
    r = await callback(client, "cp-1")  # Matti, named nurse Aino
    cid = r.json()["case_id"]
    aino, paula = await login(client, "aino"), await login(client, "paula")
    assert (await client.post(f"/api/cases/{cid}/claim", headers=aino)).status_code == 200
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE", "care_pathway": "diabetes"}, headers=aino)
    assert r.status_code == 200, r.text
    own = (await client.get("/channels/omasote/care-pathways", headers=portal(patient_token("p-0001")))).json()
    assert [(p["id"], p["title"]) for p in own] == [("diabetes", "Diabetes")]
    assert [p["id"] for p in (await client.get("/api/patients/p-0001", headers=aino)).json()["care_pathways"]] == ["diabetes"]
    async with db.connect() as conn:
        row = (await conn.execute(select(t.care_pathway_attachments))).one()
    assert (row.patient_id, row.pathway, row.case_id, row.unit, row.attached_by) == ("p-0001", "diabetes", cid, "kajaani", "n-aino")
    events, _ = await _audit(db, "p-0001")
    assert [e["resolved_case"] for e in events] == [cid]

    # and on its own, Aino gives him asthma too; the report counts both, next to the resolve's choice
    assert (await client.post("/api/patients/p-0001/care-pathways", json={"pathway": "asthma"}, headers=aino)).status_code == 201
    report = (await client.get("/api/reports/kpis", headers=paula)).json()
    assert report["care_pathways"] == {"asthma": 0, "diabetes": 1}  # resolved cases with a pathway
    assert report["care_pathway_attachments"] == {"asthma": 1, "diabetes": 1}  # patients given one
    csv = (await client.get("/api/reports/kpis?format=csv", headers=paula)).text
    assert "care_pathway_attachments.diabetes,1" in csv and "care_pathway_attachments.asthma,1" in csv
    sotkamo = (await client.get("/api/reports/kpis?unit=sotkamo", headers=await login(client, "admin"))).json()
    assert sotkamo["care_pathway_attachments"] == {"asthma": 0, "diabetes": 0}


async def test_a_pathway_on_an_unidentified_callers_case_goes_nowhere(client, db):  # type: ignore[no-untyped-def]
    cid = (await callback(client, "cp-2", caller="+358409998877")).json()["case_id"]  # overflow, no patient
    aino = await login(client, "aino")
    assert (await client.post(f"/api/cases/{cid}/claim", headers=aino)).status_code == 200
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE", "care_pathway": "asthma"}, headers=aino)
    assert r.status_code == 200, r.text
    async with db.connect() as conn:
        assert (await conn.execute(select(t.care_pathway_attachments))).all() == []


async def test_a_failed_resolve_attaches_nothing(client, db):  # type: ignore[no-untyped-def]
    """A refused resolve (not claimed) gives the patient no pathway."""
    cid = (await callback(client, "cp-3")).json()["case_id"]
    aino = await login(client, "aino")
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE", "care_pathway": "asthma"}, headers=aino)
    assert r.status_code == 409
    async with db.connect() as conn:
        assert (await conn.execute(select(t.care_pathway_attachments))).all() == []
