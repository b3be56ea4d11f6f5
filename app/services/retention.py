"""The retention purge (rules: app.domain.retention): closed cases' free text, in batches.

`purge` works through the due cases a batch at a time, oldest first, each batch one short
transaction: it marks the batch's cases purged with a conditional update (`purged_at IS NULL`,
RETURNING the ids it got) and blanks the text of exactly those — so two instances running it at
once never both work on a case, and nothing is loaded but a batch of ids and their few events.
`count_due` answers the dry run with counts alone (COUNT queries), changing nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, bindparam, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import events as event_log
from app.db import schema as t
from app.domain.retention import PURGED_TEXT, REDACTED_EVENT_TYPES, purge_cutoff, purged_findings, redact_event
from app.hub import Hub

BATCH = 200

COUNTS = ("cases", "contacts", "messages", "notes", "callback_attempts", "follow_ups", "events", "concerns", "take_overs")


def _patient_notes_due(cutoff: datetime) -> dict[str, tuple[Any, ColumnElement[bool]]]:
    """A professional's concern and a coordinator's take-over note are about the patient, not a
    case: they go when the period has passed since the concern, or since the take-over ended."""
    return {
        "concerns": (t.concerns, and_(t.concerns.c.at < cutoff, t.concerns.c.note != PURGED_TEXT)),
        "take_overs": (t.take_overs, and_(t.take_overs.c.ended_at.is_not(None), t.take_overs.c.ended_at < cutoff,
                                          t.take_overs.c.note.is_not(None))),
    }


def _due(cutoff: datetime) -> ColumnElement[bool]:
    c = t.cases.c
    return and_(c.status == "resolved", c.resolved_at.is_not(None), c.resolved_at < cutoff, c.purged_at.is_(None))


def _due_ids(cutoff: datetime) -> Select[Any]:
    return select(t.cases.c.id).where(_due(cutoff))


async def count_due(hub: Hub, now: datetime) -> dict[str, int]:
    """What a purge now would touch, in rows per table; changes nothing (`firstline purge --dry-run`)."""
    cutoff = purge_cutoff(now, hub.region.retention.days)
    ids = _due_ids(cutoff).scalar_subquery()
    queries = {
        "cases": select(func.count()).select_from(t.cases).where(_due(cutoff)),
        "contacts": select(func.count()).select_from(t.contacts).where(t.contacts.c.case_id.in_(ids)),
        "messages": select(func.count()).select_from(t.messages).where(t.messages.c.case_id.in_(ids)),
        "notes": select(func.count()).select_from(t.notes).where(t.notes.c.case_id.in_(ids)),
        "callback_attempts": select(func.count()).select_from(t.callback_attempts).where(
            t.callback_attempts.c.case_id.in_(ids), t.callback_attempts.c.note.is_not(None)
        ),
        "follow_ups": select(func.count()).select_from(t.follow_ups).where(t.follow_ups.c.case_id.in_(ids)),
    }
    async with hub.engine.connect() as conn:
        counts = {name: int((await conn.execute(q)).scalar_one()) for name, q in queries.items()}
        counts["events"] = await event_log.count_case_events(conn, ids, REDACTED_EVENT_TYPES)
        for name, (table, due) in _patient_notes_due(cutoff).items():
            counts[name] = int((await conn.execute(select(func.count()).select_from(table).where(due))).scalar_one())
    return counts


async def purge(hub: Hub, now: datetime, max_batches: int | None = None) -> dict[str, int]:
    """Purge every due case (up to `max_batches` batches); returns rows changed per table."""
    cutoff = purge_cutoff(now, hub.region.retention.days)
    counts = dict.fromkeys(COUNTS, 0)
    batches = 0
    while max_batches is None or batches < max_batches:
        async with hub.engine.connect() as conn:
            ids = list((await conn.execute(_due_ids(cutoff).order_by(t.cases.c.resolved_at, t.cases.c.id).limit(BATCH))).scalars())
        if not ids:
            break
        batches += 1
        async with hub.engine.begin() as conn:
            await _purge_batch(conn, ids, cutoff, now, counts)
    async with hub.engine.begin() as conn:  # conditional on the note still being there: once, whoever runs it
        for name, (table, due) in _patient_notes_due(cutoff).items():
            blanked = {"note": PURGED_TEXT} if table is t.concerns else {"note": None}
            counts[name] += (await conn.execute(update(table).where(due).values(**blanked))).rowcount or 0
    return counts


async def _purge_batch(conn: AsyncConnection, ids: list[str], cutoff: datetime, now: datetime, counts: dict[str, int]) -> None:
    c = t.cases.c
    mine = list(
        (
            await conn.execute(
                update(t.cases)
                .where(c.id.in_(ids), _due(cutoff))  # still due: not purged by another instance meanwhile
                .values(purged_at=now, follow_up=None, subject=None, version=c.version + 1)
                .returning(c.id)
            )
        ).scalars()
    )
    if not mine:
        return
    counts["cases"] += len(mine)

    async def blank(table: Any, **values: Any) -> None:
        where = [table.c.case_id.in_(mine)]
        if table is t.callback_attempts:
            where.append(table.c.note.is_not(None))
        counts[table.name] += (await conn.execute(update(table).where(*where).values(**values))).rowcount or 0

    # the urgency findings keep their codes; the words they quote are the patient's text
    quoted = (await conn.execute(select(c.id, c.urgency_findings).where(c.id.in_(mine), c.urgency_findings != "[]"))).all()
    rewritten = [{"cid": r.id, "findings": new} for r in quoted if (new := purged_findings(r.urgency_findings)) != r.urgency_findings]
    if rewritten:
        stmt = update(t.cases).where(c.id == bindparam("cid")).values(urgency_findings=bindparam("findings"))
        await conn.execute(stmt, rewritten)
    await blank(t.contacts, text=None, display_name=None)
    await blank(t.messages, text=PURGED_TEXT)
    await blank(t.notes, text=PURGED_TEXT)
    await blank(t.callback_attempts, note=None)
    await blank(t.follow_ups, note=PURGED_TEXT)
    counts["events"] += await event_log.rewrite_case_events(conn, mine, REDACTED_EVENT_TYPES, redact_event)


async def purge_job(hub: Hub, now: datetime) -> dict[str, int]:
    """The clock's round: at most 50 batches (10,000 cases) an hour, so a first run over years of
    history does not hold its lock for long; the rest follows in the next rounds."""
    return await purge(hub, now, max_batches=50)
