"""The SLA sweep: turn cases at risk, spill or mark the past-due ones, re-alert a waiting
emergency and count callbacks as they fall due (the rules: app.domain.escalation).

One read of the cases that may need something, then one transaction that writes each decision
with a conditional update (`WHERE id = … AND version = …`): a row a nurse or another instance
changed since the read is skipped and looked at again next round, so nothing is done twice and
nobody's claim is overwritten. Metrics are counted after the commit, only for rows this instance
changed — across instances every breach and every fallen-due callback is counted exactly once.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import and_, false, or_, select, update

from app.db import events as event_log
from app.db import schema as t
from app.db.summaries import load_summary
from app.domain.escalation import SWEPT_STATUSES, SlaAction, SweptCase, escalate
from app.hub import Hub

BATCH = 500  # cases per round; a larger backlog is worked through in the following rounds

_COLUMNS = (
    "id", "version", "status", "queue", "unit", "urgency", "channel", "due_at", "at_risk_at", "at_risk", "overdue",
    "breached_at", "alerted_at", "due_counted", "first_callback_at", "resolved_at", "merged_into",
)


def _candidates(now: datetime) -> Any:
    """Cases that may need the sweep now (the rules decide; this only keeps the read small)."""
    c = t.cases.c
    swept = c.status.in_(SWEPT_STATUSES)
    return (
        select(*(c[name] for name in _COLUMNS))
        .where(
            or_(
                and_(swept, c.at_risk == false(), c.at_risk_at <= now),
                and_(swept, c.due_at <= now, or_(c.overdue == false(), c.breached_at.is_(None), c.urgency == "emergency")),
                and_(c.due_counted == false(), c.due_at <= now, c.channel == "phone"),
            )
        )
        .order_by(c.due_at)
        .limit(BATCH)
    )


class Decided(NamedTuple):
    """A case as the sweep read it, and what the rules want done to it."""

    id: str
    version: int
    queue: str
    unit: str
    urgency: str
    action: SlaAction


async def decide(hub: Hub, now: datetime) -> list[Decided]:
    """The read half of a round: the candidates and the rules' answer for each."""
    async with hub.engine.connect() as conn:
        rows = (await conn.execute(_candidates(now))).all()
    decided: list[Decided] = []
    for row in rows:
        fields = row._mapping
        action = escalate(SweptCase(**{k: fields[k] for k in SweptCase.__struct_fields__}), hub.region, now)
        if action is not None:
            decided.append(Decided(row.id, row.version, row.queue, row.unit, row.urgency, action))
    return decided


async def sweep(hub: Hub, now: datetime) -> dict[str, int]:
    """One round; returns how many cases got each kind of escalation (for the job's log)."""
    return await apply(hub, await decide(hub, now), now)


async def apply(hub: Hub, decided: list[Decided], now: datetime) -> dict[str, int]:
    """The write half: each decision where the row is still as it was read, its event, then the
    counts and the live publish after the commit."""
    counts = {"at_risk": 0, "sla_spill": 0, "overdue": 0, "emergency_waiting": 0, "breaches": 0, "callbacks_due": 0, "skipped": 0}
    if not decided:
        return counts
    done: list[Decided] = []
    published: list[dict[str, Any]] = []
    c = t.cases.c
    async with hub.engine.begin() as conn:
        for row in decided:
            action = row.action
            values = {**action.columns(), "updated_at": now, "version": c.version + 1}
            changed = await conn.execute(update(t.cases).where(c.id == row.id, c.version == row.version).values(**values))
            if changed.rowcount != 1:
                counts["skipped"] += 1  # changed under us: next round looks again
                continue
            done.append(row)
            if action.reason is None:
                continue  # a count only: nothing anyone needs to see
            summary = await load_summary(conn, row.id)
            assert summary is not None
            extra: dict[str, Any] = {"reason": action.reason}
            if action.queue is not None:
                extra["from_queue"] = row.queue
            published.append(await event_log.append(conn, "case.escalated", summary, now, extra=extra))
    m = hub.metrics
    for row in done:
        action = row.action
        if action.reason is not None:
            counts[action.reason] += 1
        if action.breach:
            counts["breaches"] += 1
            m.sla_breaches.labels(row.unit, row.urgency).inc()
        if action.routing_reason is not None:
            m.routing.labels(row.unit, action.routing_reason).inc()
        if action.callback_due:
            counts["callbacks_due"] += 1
            m.callbacks_due.labels(row.unit).inc()
            if action.callback_kept:
                m.callbacks_within_due.labels(row.unit).inc()
    await hub.publish(published)
    return counts

