"""The chat's reads of `cases`: a session's case, and how many waiting chats are ahead of it."""

from __future__ import annotations

import msgspec
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t


class ChatCase(msgspec.Struct, frozen=True):
    """What a (re)connecting visitor's stream needs to know about their case."""

    case_id: str
    queue: str
    status: str
    assignee: str | None


async def chat_case(conn: AsyncConnection, case_id: str) -> ChatCase | None:
    c = t.cases.c
    row = (await conn.execute(select(c.queue, c.status, c.assignee).where(c.id == case_id))).first()
    return None if row is None else ChatCase(case_id, row.queue, row.status, row.assignee)


async def unclaimed_ahead(conn: AsyncConnection, case_id: str) -> int | None:
    """Unclaimed cases of the same queue created before this one; None if this one is not waiting."""
    c = t.cases.c
    mine = (await conn.execute(select(c.created_at, c.queue, c.status).where(c.id == case_id))).first()
    if mine is None or mine.status != "new":
        return None
    return (  # type: ignore[no-any-return]
        await conn.execute(
            select(func.count())
            .select_from(t.cases)
            .where(c.queue == mine.queue, c.status == "new", c.created_at < mine.created_at)
        )
    ).scalar_one()
