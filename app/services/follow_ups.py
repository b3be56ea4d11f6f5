"""Follow-ups (SPEC §8): set one on a case, cancel it, and the job that brings due ones back.

The rules are app.domain.follow_ups. Setting and cancelling lock the case row like every case
change (app.services.cases) and write the case, the follow-up row and the event in one
transaction. The job (`return_due`, app/jobs/follow_ups.py) reads the follow-ups to return, then
writes each with a conditional update (`WHERE id = … AND version = …` on the case, `state =
'scheduled'` on the follow-up), so of two instances (or a nurse cancelling at that moment) one
acts; a row changed under it is looked at again next round.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import exists, or_, select, update

from app.clock import utcnow
from app.db import events as event_log
from app.db import schema as t
from app.db.summaries import load_summary
from app.domain import follow_ups as rules
from app.domain.common import new_id
from app.domain.errors import Conflict
from app.domain.region import Professional
from app.domain.summary import CaseSummary
from app.hub import Hub
from app.services.cases import FollowUpView, _columns, _commit_change, _state, _visible_case

BATCH = 200  # follow-ups returned per round; more wait for the next one


def _event_record(follow_up_id: str, at: datetime, holder: str | None) -> dict[str, Any]:
    """The follow-up as its events carry it: no note (free text stays out of the event log)."""
    return {"id": follow_up_id, "at": at, "holder": holder}


async def schedule(hub: Hub, who: Professional, case_id: str, at: datetime, note: str) -> FollowUpView:
    """Set the case aside until `at`: status `waiting`, out of the active inbox (`case.waiting`)."""
    now = utcnow()
    async with hub.engine.begin() as conn:
        row = await _visible_case(hub, conn, who, case_id)
        plan = rules.schedule(_state(row), who, hub.region, at, note, now)
        view = FollowUpView(
            id=new_id(), case_id=case_id, at=plan.at, note=plan.note, holder=plan.holder, queue=row.queue,
            state="scheduled", created_by=who.id, created_at=now, done_at=None,
        )
        await conn.execute(t.follow_ups.insert().values(**{f: getattr(view, f) for f in view.__struct_fields__}))
        _, event = await _commit_change(
            conn, case_id, plan.change, "case.waiting", who.id, now, follow_up=_event_record(view.id, plan.at, plan.holder)
        )
    await hub.publish([event])
    return view


async def cancel(hub: Hub, who: Professional, case_id: str) -> CaseSummary:
    """Cancel the case's scheduled follow-up: the case comes back at once (the rules say where)."""
    now = utcnow()
    absent = await hub.absences.active(now)  # outside the transaction: SQLite has one writer
    f = t.follow_ups.c
    async with hub.engine.begin() as conn:
        row = await _visible_case(hub, conn, who, case_id)
        fu = (
            await conn.execute(
                select(t.follow_ups).where(f.case_id == case_id, f.state == "scheduled").order_by(f.created_at.desc()).limit(1)
            )
        ).first()
        if fu is None:
            raise Conflict("the case has no follow-up waiting", code="no_follow_up")
        queue = rules.return_queue(hub.region, fu.holder, fu.queue, absent)
        change = rules.cancel(_state(row), who, hub.region, fu.holder, queue, now, hub.tz)
        await conn.execute(update(t.follow_ups).where(f.id == fu.id, f.state == "scheduled").values(state="cancelled", done_at=now))
        summary, event = await _commit_change(
            conn, case_id, change, "case.follow_up_cancelled", who.id, now,
            follow_up=_event_record(fu.id, fu.at, fu.holder), from_queue=row.queue,
        )
    await hub.publish([event])
    return summary


def _candidates(now: datetime) -> Any:
    """Scheduled follow-ups that are due, or whose patient got in touch since they were set."""
    f, c = t.follow_ups.c, t.cases.c
    k, m = t.contacts.c, t.messages.c
    contacted = exists().where(k.case_id == f.case_id, k.created_at > f.created_at)
    wrote = exists().where(m.case_id == f.case_id, m.sender == "patient", m.at > f.created_at)
    return (
        select(
            t.cases,
            f.id.label("fu_id"), f.at.label("fu_at"), f.holder.label("fu_holder"), f.queue.label("fu_queue"),
        )
        .select_from(t.follow_ups.join(t.cases, c.id == f.case_id))
        .where(f.state == "scheduled", or_(f.at <= now, contacted, wrote))
        .order_by(f.at)
        .limit(BATCH)
    )


async def return_due(hub: Hub, now: datetime) -> dict[str, int]:
    """One round of the follow-up job; returns counts for its log."""
    async with hub.engine.connect() as conn:
        rows = (await conn.execute(_candidates(now))).all()
    counts = {"due": 0, "patient_contact": 0, "stale": 0, "skipped": 0}
    if not rows:
        return counts
    absent = await hub.absences.active(now)
    region, c, f = hub.region, t.cases.c, t.follow_ups.c
    published: list[dict[str, Any]] = []
    returned: list[str] = []
    async with hub.engine.begin() as conn:
        for row in rows:
            async with conn.begin_nested() as step:
                if row.status != "waiting":
                    # Cannot happen through the API (a waiting case is worked only after a cancel);
                    # a leftover is closed so it never fires on a case that moved on.
                    done = await conn.execute(
                        update(t.follow_ups).where(f.id == row.fu_id, f.state == "scheduled").values(state="cancelled", done_at=now)
                    )
                    counts["stale" if done.rowcount == 1 else "skipped"] += 1
                    continue
                reason = "due" if row.fu_at <= now else "patient_contact"
                queue = rules.return_queue(region, row.fu_holder, row.fu_queue, absent)
                change = rules.back_in_inbox(_state(row), queue, row.fu_at if reason == "due" else now, region, hub.tz)
                values = {**_columns(change), "updated_at": now, "version": c.version + 1}
                moved = await conn.execute(update(t.cases).where(c.id == row.id, c.version == row.version).values(**values))
                if moved.rowcount != 1:
                    counts["skipped"] += 1  # changed under us: next round looks again
                    await step.rollback()
                    continue
                done = await conn.execute(
                    update(t.follow_ups).where(f.id == row.fu_id, f.state == "scheduled").values(state="returned", done_at=now)
                )
                if done.rowcount != 1:
                    counts["skipped"] += 1
                    await step.rollback()
                    continue
                summary = await load_summary(conn, row.id)
                assert summary is not None
                published.append(
                    await event_log.append(
                        conn, "case.follow_up_due", summary, now,
                        extra={"reason": reason, "follow_up": _event_record(row.fu_id, row.fu_at, row.fu_holder), "from_queue": row.queue},
                    )
                )
                returned.append(summary.unit)
                counts[reason] += 1
    for unit in returned:
        hub.metrics.routing.labels(unit, rules.ROUTING_REASON).inc()
    await hub.publish(published)
    return counts
