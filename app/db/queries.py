"""Queries more than one service asks: one place so that intake and re-routing agree."""

from __future__ import annotations

from sqlalchemy import ColumnElement, and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain.common import OPEN_STATUSES
from app.domain.routing import MERGE_EXCLUDED_QUEUE_KINDS


def mergeable_case() -> ColumnElement[bool]:
    """Rule 6's candidates as SQL: app.domain.routing.is_same_matter_candidate (open statuses,
    not in an excluded queue kind), built from the same constants. The PostgreSQL intake
    statement (app/db/pg_intake.py) states the same condition in SQL text."""
    q = t.cases.c.queue
    return and_(t.cases.c.status.in_(OPEN_STATUSES), *(~q.like(f"{kind}:%") for kind in MERGE_EXCLUDED_QUEUE_KINDS))


async def personal_load(conn: AsyncConnection, professional: str) -> int:
    """Open cases in a professional's personal queue (rule 10's capacity)."""
    return (
        await conn.execute(
            select(func.count())
            .select_from(t.cases)
            .where(t.cases.c.queue == f"personal:{professional}", t.cases.c.status.in_(OPEN_STATUSES))
        )
    ).scalar_one()
