"""The KPI report's reads: a period's plain rows for app.domain.kpis, which does the counting.

Each read takes a half-open UTC interval [start, end) and a unit (None = the whole region), and
uses the time index of its table (migration 0004). The only figure that looks outside the
period is FCR's 7-day rule: for each resolved case the patient's first contact after the
resolution, found per row through ix_contacts_patient_received (one index probe each).
"""

from __future__ import annotations

from datetime import datetime
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, select, true
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain.kpis import CONTINUITY_MIN_CONTACTS, ContactGroup, HandledGroup, KpiCallback, KpiChat, KpiResolved, KpiRows, KpiSurvey
from app.domain.reports import CALLBACK_CHANNELS

c = t.cases.c
k = t.contacts.c


def _unit(column: Any, unit: str | None) -> ColumnElement[bool]:
    return true() if unit is None else column == unit


async def _rows(conn: AsyncConnection, stmt: Any) -> Sequence[Sequence[Any]]:
    """The statement's rows as plain sequences. On PostgreSQL straight from asyncpg, on the same
    connection and so in the same transaction: a month of a region is ~85 k resolved cases and
    SQLAlchemy's per-row result processing costs several times asyncpg's decoding. The values
    are the same either way — asyncpg gives timestamptz as aware UTC datetimes, as the UTC
    column type does."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "asyncpg":
        compiled = stmt.compile(dialect=conn.dialect, compile_kwargs={"render_postcompile": True})
        params = [compiled.params[name] for name in compiled.positiontup or ()]
        raw = await conn.get_raw_connection()
        driver: Any = raw.driver_connection
        return await driver.fetch(compiled.string, *params)  # type: ignore[no-any-return]
    return [tuple(r) for r in (await conn.execute(stmt)).all()]


def _period_contacts(unit: str | None, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(k.received_at >= start, k.received_at < end, _unit(k.unit, unit))


async def contacts(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime) -> list[ContactGroup]:
    """The period's contacts counted by channel, line, their case's routing reason and merged."""
    keys = (k.channel, k.line, c.routing_reason, k.merged)
    stmt = (
        select(*keys, func.count())
        .select_from(t.contacts.outerjoin(t.cases, k.case_id == c.id))
        .where(_period_contacts(unit, start, end))
        .group_by(*keys)
    )
    return [ContactGroup(r[0], r[1], r[2], bool(r[3]), r[4]) for r in await _rows(conn, stmt)]


async def handled(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime) -> list[HandledGroup]:
    """The period's contacts of identified patients per (patient, handler) — the handler as
    app.domain.kpis.handler chooses it — for patients with at least CONTINUITY_MIN_CONTACTS of
    them (the domain counts per professional type, which can only be fewer)."""
    who = case((c.outcome.is_not(None), c.resolved_by), else_=c.first_handler)
    per = (
        select(k.patient_id.label("patient_id"), who.label("handler"), func.count().label("n"))
        .select_from(t.contacts.join(t.cases, k.case_id == c.id))
        .where(_period_contacts(unit, start, end), k.patient_id.is_not(None), who.is_not(None))
        .group_by(k.patient_id, who)
        .cte("per")
    )
    enough = select(per.c.patient_id).group_by(per.c.patient_id).having(func.sum(per.c.n) >= CONTINUITY_MIN_CONTACTS)
    stmt = select(per.c.patient_id, per.c.handler, per.c.n).where(per.c.patient_id.in_(enough))
    return [HandledGroup(*r) for r in await _rows(conn, stmt)]


async def callbacks(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime) -> list[KpiCallback]:
    stmt = select(c.created_at, c.due_at, c.promised_at, c.first_callback_at).where(
        c.created_at >= start, c.created_at < end, c.channel.in_(CALLBACK_CHANNELS), c.merged_into.is_(None), _unit(c.unit, unit)
    )
    return [KpiCallback(*r) for r in await _rows(conn, stmt)]


async def opened(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime) -> int:
    stmt = select(func.count()).select_from(t.cases).where(c.created_at >= start, c.created_at < end, _unit(c.unit, unit))
    return int((await conn.execute(stmt)).scalar_one())


async def pathway_attachments(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime) -> dict[str, int]:
    """Care pathways attached to patients in the period, per pathway (each patient counts once
    per pathway: attaching again writes nothing)."""
    a = t.care_pathway_attachments.c
    stmt = (
        select(a.pathway, func.count())
        .where(a.attached_at >= start, a.attached_at < end, _unit(a.unit, unit))
        .group_by(a.pathway)
    )
    return {str(pathway): int(n) for pathway, n in (await conn.execute(stmt)).all()}


async def resolved(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime, horizon: datetime) -> list[KpiResolved]:
    """Cases resolved with an outcome (a merge carries none), each with the patient's first
    contact after the resolution — looked for up to `horizon` only (the service passes the
    period's end plus the FCR window, beyond which no contact changes the figure). One join of
    the period's cases with the contacts of [start, horizon] rather than a probe per case: half
    the time at a month of a region's history."""
    later = t.contacts.alias("later")
    cols = (
        c.resolved_at,
        c.outcome,
        c.handovers,
        c.contacts_count,
        c.first_handler,
        c.resolved_by,
        c.patient_id,
        c.claimed_at,
        c.patient_informed,
        c.care_pathway,
    )
    stmt = (
        select(*cols, func.min(later.c.received_at))
        .select_from(
            t.cases.outerjoin(
                later,
                and_(
                    later.c.patient_id == c.patient_id,
                    later.c.received_at > c.resolved_at,
                    later.c.received_at >= start,
                    later.c.received_at <= horizon,
                ),
            )
        )
        .where(c.resolved_at >= start, c.resolved_at < end, c.outcome.is_not(None), _unit(c.unit, unit))
        .group_by(c.id, *cols)
    )
    return [
        KpiResolved(r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[10], r[7], None if r[8] is None else bool(r[8]), r[9])
        for r in await _rows(conn, stmt)
    ]


async def surveys(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime) -> list[KpiSurvey]:
    s = t.survey_responses.c
    stmt = select(s.at, s.nps, s.solved, s.knows_how_continues).where(s.at >= start, s.at < end, _unit(s.unit, unit))
    return [
        KpiSurvey(r[0], r[1], None if r[2] is None else bool(r[2]), None if r[3] is None else bool(r[3])) for r in await _rows(conn, stmt)
    ]


async def chats(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime) -> list[KpiChat]:
    """Chat sessions begun in the period: the first claim (event log) and the visitor's leave
    message (the only system message a chat writes)."""
    e = t.events.c
    m = t.messages.c
    first_claim = select(func.min(e.at)).where(e.case_id == c.id, e.type == "case.claimed").scalar_subquery()
    left = select(func.min(m.at)).where(and_(m.case_id == c.id, m.sender == "system")).scalar_subquery()
    stmt = select(c.created_at, first_claim, left).where(
        c.created_at >= start, c.created_at < end, c.channel == "chat", c.merged_into.is_(None), _unit(c.unit, unit)
    )
    return [KpiChat(*r) for r in await _rows(conn, stmt)]


async def _hash_joins(conn: AsyncConnection, on: bool) -> None:
    """PostgreSQL hashes the whole cases table (≈1 M rows) to join a month's contacts to their
    cases, where looking each up by key takes a third of the time; the report's transaction
    steers it for those two reads only (SET LOCAL ends with the transaction)."""
    if conn.dialect.name == "postgresql":
        await conn.exec_driver_sql(f"SET LOCAL enable_hashjoin = {'on' if on else 'off'}")


async def kpi_rows(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime, horizon: datetime) -> KpiRows:
    await _hash_joins(conn, on=False)
    grouped = await contacts(conn, unit, start, end)
    per_handler = await handled(conn, unit, start, end)
    await _hash_joins(conn, on=True)
    return KpiRows(
        contacts=grouped,
        handled=per_handler,
        callbacks=await callbacks(conn, unit, start, end),
        opened=await opened(conn, unit, start, end),
        resolved=await resolved(conn, unit, start, end, horizon),
        surveys=await surveys(conn, unit, start, end),
        chats=await chats(conn, unit, start, end),
        pathway_attachments=await pathway_attachments(conn, unit, start, end),
    )
