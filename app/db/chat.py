"""The chat's reads of `cases` and `presence`: a session's case, how many waiting chats are ahead
of it, how long the unit's recent chats took, and who is available."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t

RECENT_CHATS = 200  # the newest closed chats the handling-time median looks at


class ChatCase(msgspec.Struct, frozen=True):
    """What a (re)connecting visitor's stream needs to know about their case."""

    case_id: str
    queue: str
    status: str
    assignee: str | None
    resolved_at: datetime | None = None


async def chat_case(conn: AsyncConnection, case_id: str) -> ChatCase | None:
    c = t.cases.c
    row = (await conn.execute(select(c.queue, c.status, c.assignee, c.resolved_at).where(c.id == case_id))).first()
    return None if row is None else ChatCase(case_id, row.queue, row.status, row.assignee, row.resolved_at)


class Waiting(msgspec.Struct, frozen=True):
    ahead: int
    unit: str


async def unclaimed_ahead(conn: AsyncConnection, case_id: str) -> Waiting | None:
    """Unclaimed cases of the same queue created before this one; None if this one is not waiting."""
    c = t.cases.c
    mine = (await conn.execute(select(c.created_at, c.queue, c.status, c.unit).where(c.id == case_id))).first()
    if mine is None or mine.status != "new":
        return None
    ahead = (
        await conn.execute(
            select(func.count())
            .select_from(t.cases)
            .where(c.queue == mine.queue, c.status == "new", c.created_at < mine.created_at)
        )
    ).scalar_one()
    return Waiting(int(ahead), mine.unit)


async def recent_chat_spans(conn: AsyncConnection, unit: str, since: datetime) -> list[tuple[datetime, datetime]]:
    """(claimed_at, resolved_at) of the unit's chats resolved since `since`, newest first."""
    c = t.cases.c
    rows = await conn.execute(
        select(c.claimed_at, c.resolved_at)
        .where(
            c.channel == "chat", c.unit == unit, c.status == "resolved", c.resolved_at >= since,
            c.claimed_at.is_not(None), c.merged_into.is_(None),
        )  # fmt: skip
        .order_by(c.resolved_at.desc())
        .limit(RECENT_CHATS)
    )
    return [(r.claimed_at, r.resolved_at) for r in rows]


async def available_professionals(conn: AsyncConnection, unit: str) -> list[str]:
    """Ids of the unit's professionals whose presence is `available` now."""
    p = t.presence.c
    return list((await conn.execute(select(p.professional).where(p.unit == unit, p.status == "available"))).scalars())
