"""Care pathways given to patients: attach one (on its own, or when resolving a case, in that
transaction), and list them for the patient view and for the patient in the portal.

An attachment is written once per patient and pathway (attaching again changes nothing); a new
one is a `care_pathway.attached` event in the event log, and every attachment leaves an
access-log entry (the audit trail).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import utcnow
from app.db import events as event_log
from app.db import schema as t
from app.db.engine import upsert_insert
from app.domain import care_pathways as rules
from app.domain.care_pathways import AttachedPathway, Attachment
from app.domain.region import Professional, Region
from app.hub import Hub
from app.services.case_views import log_access
from app.services.patient_access import readable_patient

ACCESS_ACTION = "care_pathway_attach"


async def attach(hub: Hub, who: Professional, patient_id: str, pathway_id: str) -> AttachedPathway:
    """Give a patient a pathway (404 for a patient `who` may not read; 422 for an unknown one)."""
    rules.pathway(hub.region, pathway_id)
    now = utcnow()
    async with hub.engine.begin() as conn:
        p = await readable_patient(conn, hub.region, who, patient_id)
        await attach_in(conn, hub.region, p.id, pathway_id, who, who.unit, None, now)
        attached = await attached_of(conn, hub.region, p.id, p.language)
    return next(a for a in attached if a.id == pathway_id)


async def attach_in(
    conn: AsyncConnection,
    region: Region,
    patient_id: str,
    pathway_id: str,
    who: Professional,
    unit: str,
    case_id: str | None,
    now: datetime,
) -> bool:
    """Inside the caller's transaction; True when the patient did not have the pathway before.
    `unit` is whose work it counts as (the resolved case's unit, else the professional's)."""
    rules.pathway(region, pathway_id)
    a = t.care_pathway_attachments
    stmt = (
        upsert_insert(conn, a)
        .values(patient_id=patient_id, pathway=pathway_id, attached_at=now, attached_by=who.id, case_id=case_id, unit=unit)
        .on_conflict_do_nothing(index_elements=["patient_id", "pathway"])
    )
    new = (await conn.execute(stmt)).rowcount == 1
    if new:
        await event_log.append_event(conn, rules.attached_event(patient_id, pathway_id, who.id, unit, case_id, now), unit)
    await log_access(conn, patient_id, who.id, case_id, ACCESS_ACTION)
    return new


async def attachments(conn: AsyncConnection, patient_id: str) -> list[Attachment]:
    a = t.care_pathway_attachments.c
    rows = (await conn.execute(select(a.pathway, a.attached_at, a.attached_by, a.case_id).where(a.patient_id == patient_id))).all()
    return [Attachment(r.pathway, r.attached_at, r.attached_by, r.case_id) for r in rows]


async def attached_of(conn: AsyncConnection, region: Region, patient_id: str, language: str | None) -> list[AttachedPathway]:
    """The patient's pathways, newest first, titled in `language`."""
    return rules.shown(region, await attachments(conn, patient_id), language)


async def own_pathways(hub: Hub, patient_id: str) -> list[AttachedPathway]:
    """The portal's list: only the authenticated patient's own, in their language."""
    async with hub.engine.connect() as conn:
        language = (await conn.execute(select(t.patients.c.language).where(t.patients.c.id == patient_id))).scalar_one_or_none()
        if language is None:
            return []
        return await attached_of(conn, hub.region, patient_id, language)
