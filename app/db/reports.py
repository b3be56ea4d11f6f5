"""The dashboard's reads: plain rows for app.domain.reports, which does the counting.

Grouping happens here only where SQL says it the same way on SQLite and PostgreSQL (COUNT, MIN,
SUM of a CASE); anything that needs the local time zone (hour of day) is left to the domain.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain.common import OPEN_STATUSES
from app.domain.reports import (
    CALLBACK_CHANNELS,
    AlertRow,
    CallbackRow,
    ContactRow,
    OpenQueueRow,
    OutcomeRow,
)

c = t.cases.c


async def open_queues(conn: AsyncConnection, unit: str, now: datetime) -> list[OpenQueueRow]:
    """One grouped scan of the unit's open cases per queue and status."""
    overdue = func.sum(case((and_(c.due_at < now, c.status != "waiting"), 1), else_=0))  # a follow-up waits on its own clock
    stmt = (
        select(c.queue, c.status, func.count(), func.min(c.created_at), overdue)
        .where(c.unit == unit, c.status.in_(OPEN_STATUSES))
        .group_by(c.queue, c.status)
    )
    return [OpenQueueRow(r[0], r[1], r[2], r[3], int(r[4] or 0)) for r in (await conn.execute(stmt)).all()]


async def alert_cases(conn: AsyncConnection, unit: str, now: datetime, limit: int) -> list[AlertRow]:
    """Open emergencies and overdue open cases, emergencies first (at most `limit`: the domain
    shows a page of each, and the overdue total comes from open_queues)."""
    stmt = (
        select(c.id, c.queue, c.urgency, c.due_at)
        .where(c.unit == unit, c.status.in_(OPEN_STATUSES), or_(c.urgency == "emergency", and_(c.due_at < now, c.status != "waiting")))
        .order_by(c.urgency_rank, c.due_at, c.id)
        .limit(limit)
    )
    return [AlertRow(*tuple(r)) for r in (await conn.execute(stmt)).all()]


async def contacts_between(conn: AsyncConnection, unit: str, start: datetime, end: datetime) -> list[ContactRow]:
    """The unit's contacts received in [start, end) with their case's routing reason."""
    k = t.contacts.c
    stmt = (
        select(k.channel, k.received_at, c.routing_reason)
        .select_from(t.contacts.outerjoin(t.cases, k.case_id == c.id))
        .where(k.unit == unit, k.received_at >= start, k.received_at < end)
    )
    return [ContactRow(*tuple(r)) for r in (await conn.execute(stmt)).all()]


async def callbacks_due_between(conn: AsyncConnection, unit: str, start: datetime, end: datetime) -> list[CallbackRow]:
    """Phone cases of the unit due in [start, end). A case merged into another matter is left
    out: its contact is called back on the matter it joined. A callback carried over at the end
    of a day (app.domain.end_of_day) counts on the day first promised (`promised_at`), not again
    on the day it was carried to."""
    due = func.coalesce(c.promised_at, c.due_at)
    stmt = select(due, c.first_callback_at).where(
        and_(c.unit == unit, c.channel.in_(CALLBACK_CHANNELS), c.merged_into.is_(None), due >= start, due < end)
    )
    return [CallbackRow(*tuple(r)) for r in (await conn.execute(stmt)).all()]


async def outcomes_between(conn: AsyncConnection, unit: str, start: datetime, end: datetime) -> list[OutcomeRow]:
    """Outcome codes of the unit's cases resolved in [start, end) (merges carry no code)."""
    stmt = (
        select(c.outcome, func.count())
        .where(c.unit == unit, c.resolved_at >= start, c.resolved_at < end, c.outcome.is_not(None))
        .group_by(c.outcome)
    )
    return [OutcomeRow(r[0], r[1]) for r in (await conn.execute(stmt)).all()]
