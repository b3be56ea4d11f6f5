"""Operational reads: the readiness ping and the open-case counts behind the queue gauges.

Kept here so that the HTTP layer (app/api/health.py) runs no SQL of its own.
"""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import schema as t
from app.db.engine import read_statement
from app.domain.common import OPEN_STATUSES


class OpenQueueCount(msgspec.Struct, frozen=True):
    """Open cases of one (unit, queue, status), and when the oldest of them was created."""

    unit: str
    queue: str
    status: str
    count: int
    oldest_created_at: datetime | None


async def ping(engine: AsyncEngine) -> None:
    """Raises whatever the driver raises when the database does not answer."""
    await read_statement(engine, text("SELECT 1"))


async def open_queue_counts(engine: AsyncEngine) -> list[OpenQueueCount]:
    """One grouped scan of the open cases; read at scrape time so every instance reports the same."""
    c = t.cases.c
    stmt = (
        select(c.unit, c.queue, c.status, func.count(), func.min(c.created_at))
        .where(c.status.in_(OPEN_STATUSES))
        .group_by(c.unit, c.queue, c.status)
    )
    rows = await read_statement(engine, stmt)
    return [OpenQueueCount(*tuple(r)) for r in rows]
