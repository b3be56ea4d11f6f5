"""The check before any read of a patient's data by a professional (app.domain.patient_access):
the patient's row when they may read it, else the same 404 as for a patient who does not exist."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Row, and_, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain.errors import NotFound
from app.domain.patient_access import PatientScope, may_read_patient
from app.domain.region import Professional, Region


def not_found(patient_id: str) -> NotFound:
    return NotFound(f"no patient {patient_id!r} that you may see", code="patient_not_found")


async def readable_patient(conn: AsyncConnection, region: Region, who: Professional, patient_id: str) -> Row[Any]:
    """The patient's row, or NotFound when there is none or `who` may not read it."""
    p = (await conn.execute(select(t.patients).where(t.patients.c.id == patient_id))).first()
    if p is None or not await may_read(conn, region, who, p):
        raise not_found(patient_id)
    return p


async def may_read(conn: AsyncConnection, region: Region, who: Professional, patient: Row[Any]) -> bool:
    """Whether `who` may read this `patients` row; its cases are read only when the unit alone
    does not decide."""
    if may_read_patient(region, who, patient.unit, ()):
        return True
    c = t.cases.c
    cases = (await conn.execute(select(c.queue, c.assignee).where(c.patient_id == patient.id))).all()
    return may_read_patient(region, who, patient.unit, [(r.queue, r.assignee) for r in cases])


def in_scope(scope: PatientScope) -> ColumnElement[bool] | None:
    """The `patients` rows a scope covers, as a WHERE clause (None: every patient)."""
    if scope.everyone:
        return None
    c = t.cases.c
    via_case = exists().where(
        and_(c.patient_id == t.patients.c.id, or_(c.queue.in_(scope.queues), c.assignee == scope.professional))
    )
    return or_(t.patients.c.unit == scope.unit, via_case)
