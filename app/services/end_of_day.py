"""The end of a unit's working day: list the unreached callbacks and carry them to the next
morning (rules: app.domain.end_of_day), and the report of one day's unreached callbacks.

`close_days` (the job, app/jobs/end_of_day.py) claims each (unit, day) once in `job_marks` —
the insert is the claim, so of two instances exactly one closes the day — and in that same
transaction carries each unreached callback with a conditional update (`WHERE id = … AND
version = …`; a case a nurse changed at that moment is left to the sweep), appends a
`case.carried_over` event per case and one `day.unreached` event for the unit. The report reads
that event back, so a past day's list stays what it was at closing.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import msgspec
from sqlalchemy import exists, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import utcnow
from app.db import events as event_log
from app.db import schema as t
from app.db.engine import upsert_insert
from app.db.summaries import load_summary
from app.domain import end_of_day as rules
from app.domain.region import Professional, Unit
from app.hub import Hub
from app.services.cases import log_access
from app.services.reports import ensure_may_read_reports

def _unreached(unit: str, closing: datetime, as_of: datetime) -> Any:
    """The unit's callbacks due by `closing`, still new or claimed, never reached; with the
    attempts made by `as_of`."""
    c, a = t.cases.c, t.callback_attempts.c
    reached = exists().where(a.case_id == c.id, a.result == "reached")
    attempts = select(func.count()).where(a.case_id == c.id, a.at <= as_of).scalar_subquery()
    return (
        select(
            c.id, c.version, c.status, c.channel, c.urgency, c.due_at, c.promised_at, c.merged_into, c.queue,
            c.due_counted, c.first_callback_at,
            c.patient_id, t.patients.c.name.label("patient_name"), attempts.label("attempts"),
        )
        .select_from(t.cases.outerjoin(t.patients, t.patients.c.id == c.patient_id))
        .where(
            c.unit == unit, c.channel == "phone", c.merged_into.is_(None), c.status.in_(rules.CARRIED_STATUSES),
            c.due_at <= closing, ~reached,
        )
        .order_by(c.due_at, c.id)
    )


def _callback(row: Any) -> rules.CallbackCase:
    return rules.CallbackCase(
        id=row.id, status=row.status, channel=row.channel, urgency=row.urgency, due_at=row.due_at,
        promised_at=row.promised_at, merged_into=row.merged_into, due_counted=bool(row.due_counted),
        first_callback_at=row.first_callback_at,
    )


async def close_days(hub: Hub, now: datetime) -> dict[str, int]:
    """One round of the end-of-day job: close each unit's latest finished working day once."""
    counts = {"days": 0, "unreached": 0, "carried": 0, "skipped": 0}
    for unit in hub.region.units:
        if not unit.opening_hours:
            continue
        day = rules.day_to_close(now, unit, hub.tz)
        if day is None:
            continue
        key = rules.mark_key(unit.id, day.day)
        m = t.job_marks.c
        async with hub.engine.connect() as conn:  # the usual answer, without a write transaction
            if (await conn.execute(select(m.key).where(m.job == rules.JOB, m.key == key))).first() is not None:
                continue
        before = counts["unreached"]
        published, fell_due = await _close_day(hub, unit, day, key, now, counts)
        # after the commit: counted once, by the instance that closed the day
        if counts["unreached"] > before:
            hub.metrics.callbacks_unreached.labels(unit.id).inc(counts["unreached"] - before)
        for kept in fell_due:
            hub.metrics.callbacks_due.labels(unit.id).inc()
            if kept:
                hub.metrics.callbacks_within_due.labels(unit.id).inc()
        await hub.publish(published)
    return counts


async def _close_day(
    hub: Hub, unit: Unit, day: rules.WorkingDay, key: str, now: datetime, counts: dict[str, int]
) -> tuple[list[dict[str, Any]], list[bool]]:
    """Close one unit's day in one transaction: (events to publish, callbacks counted as fallen
    due here, each whether it was kept)."""
    c = t.cases.c
    published: list[dict[str, Any]] = []
    fell_due: list[bool] = []
    async with hub.engine.begin() as conn:
        claim = (
            upsert_insert(conn, t.job_marks)
            .values(job=rules.JOB, key=key, at=now)
            .on_conflict_do_nothing(index_elements=["job", "key"])
            .returning(t.job_marks.c.key)
        )
        if (await conn.execute(claim)).first() is None:
            return [], []  # another instance closed this day
        counts["days"] += 1
        items: list[dict[str, object]] = []
        for row in (await conn.execute(_unreached(unit.id, day.closing, now))).all():
            case = _callback(row)
            if not rules.unreached(case, day.closing):
                continue
            carry = rules.carry(case, day.closing, unit, hub.region, hub.tz)
            if carry is not None:
                values = {**carry.columns(), "updated_at": now, "version": c.version + 1}
                moved = await conn.execute(update(t.cases).where(c.id == row.id, c.version == row.version).values(**values))
                if moved.rowcount != 1:
                    counts["skipped"] += 1  # a nurse is on it this moment: the sweep keeps watching it
                    continue
                summary = await load_summary(conn, row.id)
                assert summary is not None
                extra = {"promised_at": carry.promised_at, "from_due": row.due_at, "day": day.day.isoformat()}
                published.append(await event_log.append(conn, "case.carried_over", summary, now, extra=extra))
                counts["carried"] += 1
                if carry.callback_due:
                    fell_due.append(carry.callback_kept)
            counts["unreached"] += 1
            items.append({
                "case_id": row.id,
                "queue": row.queue,
                "promised_at": rules.original_promise(row.due_at, row.promised_at),
                "attempts": int(row.attempts or 0),
                "carried": carry is not None,
            })
        published.append(await event_log.append_event(conn, rules.day_event(unit.id, day, items, now), unit.id))
    return published, fell_due


# -------------------------------------------------------------------------------------- report


async def unreached_report(hub: Hub, who: Professional, unit_id: str, day: date, now: datetime | None = None) -> rules.UnreachedReport:
    """The callbacks of `unit_id` not reached by the end of `day` (see UnreachedReport)."""
    ensure_may_read_reports(hub, who, unit_id)
    rules.check_report_day(day)
    now = now or utcnow()
    unit = hub.region.unit_by_id[unit_id]
    closing = rules.closing_of(day, unit, hub.tz)
    if closing is None:
        return rules.UnreachedReport(unit_id, day, False, None, False, None, [])
    async with hub.engine.begin() as conn:  # the access log is written with the read
        listed = await _listed(conn, unit_id, day, closing)
        if listed is not None:
            at, entries = listed
            now_rows = await _cases_now(conn, [e["case_id"] for e in entries])
            items = [
                rules.UnreachedItem(
                    case_id=r.id, queue=e["queue"], promised_at=msgspec.convert(e["promised_at"], datetime),
                    attempts=e["attempts"], carried=e["carried"], status=r.status, due_at=r.due_at, patient=_patient(r),
                )
                for e in entries
                if (r := now_rows.get(e["case_id"])) is not None
            ]
            report = rules.UnreachedReport(unit_id, day, True, closing, True, msgspec.convert(at, datetime), items)
        else:
            rows = (await conn.execute(_unreached(unit_id, closing, min(now, closing)))).all()
            items = [
                rules.UnreachedItem(
                    case_id=r.id, queue=r.queue, promised_at=rules.original_promise(r.due_at, r.promised_at),
                    attempts=int(r.attempts or 0), carried=False, status=r.status, due_at=r.due_at, patient=_patient(r),
                )
                for r in rows
                if rules.unreached(_callback(r), closing)
            ]
            report = rules.UnreachedReport(unit_id, day, True, closing, False, None, items)
        for item in report.items:  # the list names patients: who read it is logged (SPEC §11)
            if item.patient is not None:
                await log_access(conn, item.patient.id, who.id, item.case_id, "unreached_report")
    return report


async def _cases_now(conn: AsyncConnection, ids: list[str]) -> dict[str, Any]:
    if not ids:
        return {}
    c = t.cases.c
    rows = (
        await conn.execute(
            select(c.id, c.status, c.due_at, c.patient_id, t.patients.c.name.label("patient_name"))
            .select_from(t.cases.outerjoin(t.patients, t.patients.c.id == c.patient_id))
            .where(c.id.in_(ids))
        )
    ).all()
    return {r.id: r for r in rows}


def _patient(row: Any) -> rules.PatientName | None:
    return rules.PatientName(row.patient_id, row.patient_name or "") if row.patient_id else None


async def _listed(conn: AsyncConnection, unit: str, day: date, closing: datetime) -> tuple[str, list[dict[str, Any]]] | None:
    """The `day.unreached` event of that unit and day, if the job closed it: (when, items)."""
    until = closing + timedelta(days=rules.LOOK_BACK_DAYS + 1)  # the job closes a day at most a week late
    for body in await event_log.unit_events(conn, "day.unreached", unit, closing, until):
        if body.get("date") == day.isoformat():
            return body["at"], body["items"]
    return None
