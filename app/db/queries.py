"""Queries more than one service asks: one place so that intake and re-routing agree."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain.common import OPEN_STATUSES


def mergeable_case() -> Any:
    """Rule 6's candidates: open matters other than chat sessions and line-3 errands. A
    prescription renewal waiting with the assistants is not "the same matter" as a call to the
    nurse, and a live chat cannot be merged into a callback. (app/db/pg_intake.py says the same
    in SQL.)"""
    q = t.cases.c.queue
    return and_(t.cases.c.status.in_(OPEN_STATUSES), ~q.like("assistants:%"), ~q.like("chat:%"))


async def personal_load(conn: AsyncConnection, professional: str) -> int:
    """Open cases in a professional's personal queue (rule 10's capacity)."""
    return (
        await conn.execute(
            select(func.count())
            .select_from(t.cases)
            .where(t.cases.c.queue == f"personal:{professional}", t.cases.c.status.in_(OPEN_STATUSES))
        )
    ).scalar_one()
