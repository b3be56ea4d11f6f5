"""The KPI gauges' reads at scrape time (app/api/health.py): one grouped statement each, per unit.

The rules are app.domain.kpi_window's; these statements say the same in SQL that runs alike on
SQLite and PostgreSQL (no time-zone or interval arithmetic in the database):

- FCR's "no later contact within 7 days of resolving": the window is the trailing 7 days, so
  every contact received after a case in it was resolved is within those 7 days — a later contact
  of the same patient on another case is enough to withdraw it.
- Same day: the local days a due time can fall on are computed in Python as UTC spans
  (kpi_window.local_days); a case counts when its first promise lies in a span and its first
  callback came before that span ends.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import schema as t
from app.db.engine import read_statement
from app.domain.kpi_window import CALLBACK_CHANNELS, FCR_FOLLOW_UP, UnitCounts

c = t.cases.c
k = t.contacts.c


def _counts(unit: str, hits: int | None, total: int) -> UnitCounts:
    return UnitCounts(unit, int(hits or 0), int(total))


async def at_risk_counts(engine: AsyncEngine, now: datetime) -> list[tuple[str, str, int]]:
    """(unit, queue, n) of unclaimed open cases past their at-risk time (the region's
    at_risk_fraction of the time to due) — overdue ones included. Read from the times, not from the
    sweep's `at_risk` mark, so the gauge holds even when the clock has stopped."""
    stmt = select(c.unit, c.queue, func.count()).where(c.status == "new", c.at_risk_at <= now).group_by(c.unit, c.queue)
    rows = await read_statement(engine, stmt)
    return [(str(unit), str(queue), int(n)) for unit, queue, n in (tuple(r) for r in rows)]


async def fcr_counts(engine: AsyncEngine, start: datetime, end: datetime) -> list[UnitCounts]:
    """Per unit: cases resolved in [start, end) with an outcome (a merge is not a resolution), and
    how many of them were first-contact resolutions. `end` must be now and the window no longer
    than FCR_FOLLOW_UP (see the module's note)."""
    if end - start > FCR_FOLLOW_UP:
        raise ValueError("the FCR window may not be longer than its follow-up period")
    later_contact = exists(
        select(k.id).where(k.patient_id == c.patient_id, k.received_at > c.resolved_at, k.case_id != c.id)
    )
    fcr = and_(
        c.handovers == 0,
        c.contacts_count == 1,
        c.resolved_by.is_not(None),
        or_(c.first_handler.is_(None), c.first_handler == c.resolved_by),
        or_(c.patient_id.is_(None), ~later_contact),
    )
    stmt = (
        select(c.unit, func.sum(case((fcr, 1), else_=0)), func.count())
        .where(
            c.status == "resolved",
            c.merged_into.is_(None),
            c.outcome.is_not(None),
            c.resolved_at >= start,
            c.resolved_at < end,
        )
        .group_by(c.unit)
    )
    rows = await read_statement(engine, stmt)
    return [_counts(*tuple(r)) for r in rows]


async def same_day_counts(
    engine: AsyncEngine, start: datetime, end: datetime, days: list[tuple[datetime, datetime]]
) -> list[UnitCounts]:
    """Per unit: phone callback cases created in [start, end) (merged ones called back on the matter
    they joined, so left out), and how many were first called back by the end of the local day
    their first promise fell on (`days`: every local day from `start` to DUE_AHEAD after `end`)."""
    promise = func.coalesce(c.promised_at, c.due_at)
    same_day = or_(*(and_(promise >= lo, promise < hi, c.first_callback_at < hi) for lo, hi in days))
    stmt = (
        select(c.unit, func.sum(case((same_day, 1), else_=0)), func.count())
        .where(
            c.channel.in_(CALLBACK_CHANNELS),
            c.merged_into.is_(None),
            c.created_at >= start,
            c.created_at < end,
        )
        .group_by(c.unit)
    )
    rows = await read_statement(engine, stmt)
    return [_counts(*tuple(r)) for r in rows]
