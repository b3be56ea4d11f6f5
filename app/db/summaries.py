"""The case-summary projection: which columns make a `CaseSummary`, and how a row becomes one.

Used by intake (both stores), the inbox, case changes and the patient view — one definition, so
a summary looks the same in an answer, in the inbox and in a live event. The row → summary step
itself is `app.domain.summary.summary_from_row`, which intake's plan also uses for a new case.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, Select, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain import findings
from app.domain.summary import PATIENT_COLUMNS, CaseSummary, summary_from_row

CASE_COLUMNS = (
    t.cases.c.id,
    t.cases.c.status,
    t.cases.c.queue,
    t.cases.c.assignee,
    t.cases.c.urgency,
    t.cases.c.due_at,
    t.cases.c.at_risk,
    t.cases.c.overdue,
    t.cases.c.channel,
    t.cases.c.line,
    t.cases.c.unit,
    t.cases.c.patient_id,
    t.cases.c.routing_reason,
    t.cases.c.created_at,
    t.cases.c.updated_at,
    t.cases.c.contacts_count,
    t.cases.c.promised_at,
)
# Besides its summary, intake reads an open case's findings and red flags (rule 6's merge adds to them).
OPEN_CASE_EXTRA = (t.cases.c.version, t.cases.c.urgency_findings, t.cases.c.red_flags)


def open_findings(stored: str, red_flags: str) -> dict[str, Any]:
    """The open case's stored findings and red flags as `IntakeContext` takes them."""
    return {"open_findings": findings.decode(stored), "open_red_flags": tuple(f for f in red_flags.split(",") if f)}


# The patient's facts a summary shows, labelled as `summary_from_row` reads them.
PATIENT_SUMMARY_COLUMNS = (
    t.patients.c.name.label("patient_name"),
    t.patients.c.language.label("patient_language"),
    t.patients.c.interpreter_language.label("patient_interpreter_language"),
    t.patients.c.hearing_impaired.label("patient_hearing_impaired"),
    t.patients.c.shared_client.label("patient_shared_client"),
)
assert tuple(c.name for c in PATIENT_SUMMARY_COLUMNS) == PATIENT_COLUMNS
SUMMARY_COLUMNS = (*CASE_COLUMNS, *PATIENT_SUMMARY_COLUMNS)


def summary_select() -> Select[Any]:
    return select(*SUMMARY_COLUMNS).select_from(t.cases.outerjoin(t.patients, t.patients.c.id == t.cases.c.patient_id))


def summary_page_select(where: ColumnElement[bool], limit: int) -> Select[Any]:
    """The first `limit` cases matching `where` in inbox order (urgency, due, id), each with its
    patient's facts (PATIENT_SUMMARY_COLUMNS). The cases are limited first and only then joined to `patients`: joined
    before the limit, PostgreSQL's planner may hash the whole patients table (40 k rows, ≈20 ms)
    to name a few hundred open cases; after it, it looks up at most `limit` names by key."""
    c = t.cases.c
    page = select(*CASE_COLUMNS, c.urgency_rank).where(where).order_by(c.urgency_rank, c.due_at, c.id).limit(limit).subquery("page")
    p = page.c
    return (
        select(*(p[col.name] for col in CASE_COLUMNS), *PATIENT_SUMMARY_COLUMNS)
        .select_from(page.outerjoin(t.patients, t.patients.c.id == p.patient_id))
        .order_by(p.urgency_rank, p.due_at, p.id)
    )


async def load_summary(conn: AsyncConnection, case_id: str) -> CaseSummary | None:
    row = (await conn.execute(summary_select().where(t.cases.c.id == case_id))).first()
    return summary_from_row(row._mapping) if row else None
