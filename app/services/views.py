"""What services hand out: case summaries and the event records that carry them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Select, func, insert, literal, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t


class PatientRef(msgspec.Struct):
    id: str
    display_name: str


class CaseSummary(msgspec.Struct):
    id: str
    status: str
    queue: str
    assignee: str | None
    urgency: str
    due_at: datetime
    at_risk: bool
    channel: str
    line: int | None
    unit: str
    patient: PatientRef | None
    routing_reason: str
    created_at: datetime
    updated_at: datetime
    contacts: int


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


def summary_from_row(row: Any, patient_name: str | None = None) -> CaseSummary:
    """From a row of SUMMARY_COLUMNS, or of CASE_COLUMNS (e.g. UPDATE … RETURNING) and the name."""
    m = row._mapping
    name = m.get("patient_name", patient_name)
    patient = PatientRef(m["patient_id"], name or "") if m["patient_id"] else None
    return CaseSummary(
        id=m["id"],
        status=m["status"],
        queue=m["queue"],
        assignee=m["assignee"],
        urgency=m["urgency"],
        due_at=m["due_at"],
        at_risk=bool(m["at_risk"]),
        channel=m["channel"],
        line=m["line"],
        unit=m["unit"],
        patient=patient,
        routing_reason=m["routing_reason"],
        created_at=m["created_at"],
        updated_at=m["updated_at"],
        contacts=m["contacts_count"],
    )


async def load_summary(conn: AsyncConnection, case_id: str) -> CaseSummary | None:
    row = (await conn.execute(summary_select().where(t.cases.c.id == case_id))).first()
    return summary_from_row(row) if row else None


_encode = msgspec.json.Encoder().encode
EVENT_LOCK_KEY = 0x46_4C_45_56  # "FLEV": the event log's append lock


def event_body(type_: str, summary: CaseSummary, at: datetime, actor: str | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """An event as stored (without its seq) and published (with it).

    `extra` carries small facts a listener needs besides the summary (e.g. `from_queue` on a
    handover, so the old queue's viewers see the case leave).
    """
    body: dict[str, Any] = {"type": type_, "case_id": summary.id, "queue": summary.queue, "at": at, "case": summary}
    if actor:
        body["actor"] = actor
    if extra:
        body.update(extra)
    return body


async def write_event(
    conn: AsyncConnection,
    type_: str,
    summary: CaseSummary,
    at: datetime,
    actor: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Append to the event log inside the caller's transaction; returns the event as published."""
    body = event_body(type_, summary, at, actor, extra)
    data = _encode(body).decode()
    values = {"type": type_, "case_id": summary.id, "queue": summary.queue, "unit": summary.unit, "actor": actor, "at": at, "data": data}
    if conn.dialect.name == "postgresql":
        # seq must follow commit order, or a client replaying `seq > since` could skip an event
        # whose transaction committed after a later seq. A transaction-scoped advisory lock taken
        # in the same statement (before nextval runs) serialises only this final insert + commit.
        cols = list(values)
        lock = select(func.pg_advisory_xact_lock(EVENT_LOCK_KEY).label("l")).subquery()
        stmt = insert(t.events).from_select(
            cols, select(*(literal(values[c], t.events.c[c].type).label(c) for c in cols)).select_from(lock)
        )
    else:
        stmt = insert(t.events).values(**values)  # SQLite: BEGIN IMMEDIATE already serialises writers
    seq = (await conn.execute(stmt.returning(t.events.c.seq))).scalar_one()
    return {"seq": seq, **msgspec.to_builtins(body)}


def event_from_row(seq: int, data: str) -> dict[str, Any]:
    return {"seq": seq, **msgspec.json.decode(data)}
