"""The case-summary projection: which columns make a `CaseSummary`, and how a row becomes one.

Used by intake (both stores), the inbox, case changes and the patient view — one definition, so
a summary looks the same in an answer, in the inbox and in a live event.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain.summary import CaseSummary, PatientRef

CASE_COLUMNS = (
    t.cases.c.id,
    t.cases.c.status,
    t.cases.c.queue,
    t.cases.c.assignee,
    t.cases.c.urgency,
    t.cases.c.due_at,
    t.cases.c.at_risk,
    t.cases.c.channel,
    t.cases.c.line,
    t.cases.c.unit,
    t.cases.c.patient_id,
    t.cases.c.routing_reason,
    t.cases.c.created_at,
    t.cases.c.updated_at,
    t.cases.c.contacts_count,
)
SUMMARY_COLUMNS = (*CASE_COLUMNS, t.patients.c.name.label("patient_name"))


def summary_select() -> Select[Any]:
    return select(*SUMMARY_COLUMNS).select_from(t.cases.outerjoin(t.patients, t.patients.c.id == t.cases.c.patient_id))


def summary_from_row(m: Mapping[str, Any], patient_name: str | None = None, prefix: str = "") -> CaseSummary:
    """From a mapping with the CASE_COLUMNS (an SQLAlchemy row's `_mapping`, an asyncpg record),
    each name after `prefix`; the patient's name from `patient_name` column or argument."""
    name = m.get("patient_name", patient_name) if not prefix else patient_name
    patient_id = m[prefix + "patient_id"]
    return CaseSummary(
        id=m[prefix + "id"],
        status=m[prefix + "status"],
        queue=m[prefix + "queue"],
        assignee=m[prefix + "assignee"],
        urgency=m[prefix + "urgency"],
        due_at=m[prefix + "due_at"],
        at_risk=bool(m[prefix + "at_risk"]),
        channel=m[prefix + "channel"],
        line=m[prefix + "line"],
        unit=m[prefix + "unit"],
        patient=PatientRef(patient_id, name or "") if patient_id else None,
        routing_reason=m[prefix + "routing_reason"],
        created_at=m[prefix + "created_at"],
        updated_at=m[prefix + "updated_at"],
        contacts=m[prefix + "contacts_count"],
    )


async def load_summary(conn: AsyncConnection, case_id: str) -> CaseSummary | None:
    row = (await conn.execute(summary_select().where(t.cases.c.id == case_id))).first()
    return summary_from_row(row._mapping) if row else None


async def load_summaries(conn: AsyncConnection, where: Any, order_by: Any, limit: int) -> list[CaseSummary]:
    rows = (await conn.execute(summary_select().where(where).order_by(*order_by).limit(limit))).all()
    return [summary_from_row(r._mapping) for r in rows]
