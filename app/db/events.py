"""The event log: every committed change, in commit order, for live clients, replay and history.

Appending happens inside the caller's transaction (state and event commit together). `seq` must
follow commit order, or a client replaying `seq > since` could skip an event whose transaction
committed after a later seq: on PostgreSQL each append takes a transaction-scoped advisory lock
(EVENT_LOCK_KEY) in the same statement, before nextval runs, so only the final insert + commit
are serialised; on SQLite the single writer already orders them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import func, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain.summary import CaseSummary, event_body, published

EVENT_LOCK_KEY = 0x46_4C_45_56  # "FLEV": the event log's append lock
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode

# For a statement written in SQL text (the PostgreSQL intake batch): the same lock, then the
# rows. {rows} is a FROM item yielding (case_id, type, data, at, ord), {cases} one yielding the
# written cases' (id, queue, unit); the statement returns (seq, case_id) in `ord` order.
APPEND_SQL = """
l AS (SELECT pg_advisory_xact_lock({lock_key}::bigint) AS locked FROM (SELECT 1 FROM {cases} LIMIT 1) one)
INSERT INTO events (type, case_id, queue, unit, actor, at, data)
SELECT e.type, a.id, a.queue, a.unit, NULL, e.at, e.data
FROM {rows}
JOIN {cases} a ON a.id = e.case_id
CROSS JOIN l
ORDER BY e.ord
RETURNING seq, case_id
"""


async def append(
    conn: AsyncConnection,
    type_: str,
    summary: CaseSummary,
    at: datetime,
    actor: str | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Append to the event log inside the caller's transaction; returns the event as published."""
    body = event_body(type_, summary, at, actor, extra)
    return published(await append_body(conn, body, summary.unit), body)


async def append_body(conn: AsyncConnection, body: dict[str, Any], unit: str) -> int:
    """Append an already built event body (app.domain.summary.event_body); returns its seq."""
    values = {
        "type": body["type"],
        "case_id": body["case_id"],
        "queue": body["queue"],
        "unit": unit,
        "actor": body.get("actor"),
        "at": body["at"],
        "data": _encode(body).decode(),
    }
    if conn.dialect.name == "postgresql":
        cols = list(values)
        lock = select(func.pg_advisory_xact_lock(EVENT_LOCK_KEY).label("l")).subquery()
        stmt = insert(t.events).from_select(
            cols, select(*(literal(values[c], t.events.c[c].type).label(c) for c in cols)).select_from(lock)
        )
    else:
        stmt = insert(t.events).values(**values)
    return (await conn.execute(stmt.returning(t.events.c.seq))).scalar_one()  # type: ignore[no-any-return]


async def append_event(conn: AsyncConnection, body: dict[str, Any], unit: str) -> dict[str, Any]:
    """Append an event that concerns no case (a presence change) inside the caller's transaction:
    `case_id` stays NULL and `body["queue"]` says who may see it. Returns it as published."""
    body = {**body, "case_id": None}
    return published(await append_body(conn, body, unit), body)


def from_row(seq: int, data: str | bytes) -> dict[str, Any]:
    """A stored event as it was published."""
    return {"seq": seq, **_decode(data)}


async def replay(
    conn: AsyncConnection,
    since: int,
    *,
    case_id: str | None = None,
    type_: str | None = None,
    not_before: datetime | None = None,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """Events after `since` in seq order: all of them, one case's, one type's, or a window's."""
    e = t.events.c
    stmt = select(e.seq, e.data).where(e.seq > since).order_by(e.seq)
    if case_id is not None:
        stmt = stmt.where(e.case_id == case_id)
    if type_ is not None:
        stmt = stmt.where(e.type == type_)
    if not_before is not None:
        stmt = stmt.where(e.at >= not_before)
    if limit is not None:
        stmt = stmt.limit(limit)
    return [from_row(seq, data) for seq, data in (await conn.execute(stmt)).all()]


async def unit_events(conn: AsyncConnection, type_: str, unit: str, not_before: datetime, before: datetime) -> list[dict[str, Any]]:
    """A unit's events of one type appended in [not_before, before), in seq order (e.g. the
    `day.unreached` lists the unreached report reads back)."""
    e = t.events.c
    stmt = select(e.seq, e.data).where(e.type == type_, e.unit == unit, e.at >= not_before, e.at < before).order_by(e.seq)
    return [from_row(seq, data) for seq, data in (await conn.execute(stmt)).all()]


async def rewrite_case_events(
    conn: AsyncConnection, case_ids: list[str], types: tuple[str, ...], rewrite: Callable[[dict[str, Any]], dict[str, Any] | None]
) -> int:
    """Rewrite stored bodies of these cases' events of these types in place, inside the caller's
    transaction: `rewrite` gives the new body, or None to leave one as it is. Only the retention
    purge does this (app.domain.retention.redact_event): `seq`, type, time, actor and queue stay,
    so the log's order and what it says happened are untouched. Returns how many were rewritten."""
    e = t.events.c
    rows = (await conn.execute(select(e.seq, e.data).where(e.case_id.in_(case_ids), e.type.in_(types)))).all()
    changed = 0
    for seq, data in rows:
        body = rewrite(_decode(data))
        if body is not None:
            await conn.execute(update(t.events).where(e.seq == seq).values(data=_encode(body).decode()))
            changed += 1
    return changed


async def count_case_events(conn: AsyncConnection, case_ids: Any, types: tuple[str, ...]) -> int:
    """How many events of these types the cases have (`case_ids`: a list or a subquery)."""
    e = t.events.c
    stmt = select(func.count()).select_from(t.events).where(e.case_id.in_(case_ids), e.type.in_(types))
    return int((await conn.execute(stmt)).scalar_one())


async def first_after(conn: AsyncConnection, since: int) -> datetime | None:
    """When the first event after `since` was appended (None: there is none)."""
    e = t.events.c
    return (await conn.execute(select(e.at).where(e.seq > since).order_by(e.seq).limit(1))).scalar_one_or_none()  # type: ignore[no-any-return]


async def latest_seq(conn: AsyncConnection) -> int:
    return (await conn.execute(select(func.coalesce(func.max(t.events.c.seq), 0)))).scalar_one()  # type: ignore[no-any-return]
