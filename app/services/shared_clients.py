"""Shared clients and the coordinator's take-over (SPEC §10).

- `record_no_show` (the appointment system's signed webhook; a replayed event id counts once) and
  `raise_concern` (a professional's concern, with its note) add to what the triggers count.
- `take_over`: a coordinator of the patient's unit becomes their responsible worker until a date.
  New contacts then route to them (routing rule 7, read by intake from the patient row), and the
  patient's unclaimed open cases move to `personal:<coordinator>` (an event per case).
- `release` (the coordinator, or a supervisor) and `end_expired` (the clock, at `until`) end it.
- `list_unit`: a unit's suggested patients, with their triggers (coordinators, supervisors).

Each change runs in one transaction that locks the patient row, writes the change, its history
(`take_overs`), the audit entry and the events; the case summaries' `shared_client` hint is
refreshed in the same transaction (`app.db.shared_clients.store_flags`), and the clock refreshes
it for patients whose contacts changed (`refresh_flags`). Patient-level events go to the unit's
`shared:<unit>` live queue (coordinators, supervisors); moved cases send `case.handed_over`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Row, and_, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import utcnow
from app.db import events as event_log
from app.db import schema as t
from app.db import shared_clients as q
from app.db.engine import upsert_insert
from app.db.summaries import load_summary
from app.domain import shared_clients as rules
from app.domain.access import may_see, oversees_unit, sees_shared_clients
from app.domain.cases import CaseChange
from app.domain.common import OPEN_STATUSES
from app.domain.errors import Forbidden, Invalid, NotFound
from app.domain.region import Professional
from app.domain.shared_clients import SharedClient
from app.hub import Hub
from app.services.cases import _commit_change, log_access

LIST_LIMIT = 200  # patients on a unit's list
JOB_BATCH = 200  # take-overs ended per round


class ResponsibleWorker(msgspec.Struct):
    professional: str
    until: datetime | None
    name: str | None = None  # the professional's name, for lists without the region's names at hand


class TakeOverView(msgspec.Struct):
    patient_id: str
    coordinator: str
    starts_at: datetime
    until: datetime
    note: str | None
    ended_at: datetime | None = None
    end_reason: str | None = None  # released | expired
    moved_cases: list[str] = msgspec.field(default_factory=list)  # open cases brought to the coordinator


class ConcernView(msgspec.Struct):
    id: str
    patient_id: str
    professional: str
    note: str
    at: datetime
    shared_client: SharedClient


class PatientName(msgspec.Struct):
    id: str
    display_name: str


class SharedClientItem(msgspec.Struct):
    patient: PatientName
    unit: str
    suggested: bool
    triggers: list[str]
    responsible_worker: ResponsibleWorker | None


def responsible(hub: Hub, row: Row[Any], now: datetime) -> ResponsibleWorker | None:
    if not q.held(row, now):
        return None
    p = hub.region.professional_by_id.get(row.responsible_worker)
    return ResponsibleWorker(row.responsible_worker, row.responsible_until, p.name if p else None)


async def suggestion(conn: AsyncConnection, hub: Hub, row: Row[Any], now: datetime) -> SharedClient:
    """One patient's suggestion (GET /api/patients/{id})."""
    return (await q.assess(conn, {row.id: row}, now, hub.region.shared_clients))[row.id]


# ------------------------------------------------------------------------------- the hint


async def _refresh(conn: AsyncConnection, hub: Hub, ids: list[str], now: datetime, skip: Collection[str] = frozenset()) -> list[dict[str, Any]]:
    """Refresh the stored hint of these patients; where it flipped, a `case.updated` for each of
    their open cases (not in `skip`: those send their own event) so inbox rows follow."""
    rows = await q.patient_rows(conn, ids)
    flipped = await q.store_flags(conn, rows, await q.assess(conn, rows, now, hub.region.shared_clients), now)
    events: list[dict[str, Any]] = []
    c = t.cases.c
    for part in q.chunks(flipped):
        open_ids = (await conn.execute(select(c.id).where(c.patient_id.in_(part), c.status.in_(OPEN_STATUSES)).order_by(c.id))).scalars()
        for case_id in open_ids:
            if case_id in skip:
                continue
            summary = await load_summary(conn, case_id)
            assert summary is not None and summary.patient is not None
            events.append(await event_log.append(conn, "case.updated", summary, now, extra={"shared_client": summary.patient.shared_client}))
    return events


async def _append(conn: AsyncConnection, body: dict[str, Any], unit: str) -> dict[str, Any]:
    return await event_log.append_event(conn, body, unit)


async def _patient(conn: AsyncConnection, hub: Hub, who: Professional, patient_id: str, *, via_cases: bool = False) -> Row[Any]:
    """The patient row, locked, when `who` may act on it: a patient of their own unit (any unit
    for an admin) — or, with `via_cases`, one with a case they may see. Otherwise 404."""
    p = (await conn.execute(select(t.patients).where(t.patients.c.id == patient_id).with_for_update())).first()
    if p is not None and (p.unit == who.unit or oversees_unit(who, p.unit)):
        return p
    if p is not None and via_cases:
        c = t.cases.c
        cases = (await conn.execute(select(c.queue, c.assignee).where(c.patient_id == patient_id).order_by(c.created_at.desc()).limit(50))).all()
        if any(may_see(hub.region, who, r.queue, r.assignee) for r in cases):
            return p
    raise NotFound(f"no patient {patient_id!r}", code="patient_not_found")


# --------------------------------------------------------------------------- feeding triggers


async def record_no_show(hub: Hub, event_id: str, patient_id: str, unit: str, at: datetime) -> bool:
    """A missed appointment from the appointment system; False when the event id was seen before."""
    if unit not in hub.region.unit_by_id:
        raise Invalid(f"no unit {unit!r}", code="unknown_unit", unit=unit)
    if at.tzinfo is None:
        raise Invalid("at: a datetime needs a UTC offset, e.g. 2026-11-23T08:00:00+02:00", code="bad_date", field="at")
    now = utcnow()
    events: list[dict[str, Any]] = []
    async with hub.engine.begin() as conn:
        p = (await conn.execute(select(t.patients.c.id, t.patients.c.unit).where(t.patients.c.id == patient_id))).first()
        if p is None:
            raise Invalid(f"no patient {patient_id!r}", code="unknown_patient")
        stmt = (
            upsert_insert(conn, t.no_shows)
            .values(event_id=event_id, patient_id=patient_id, unit=unit, at=at, received_at=now)
            .on_conflict_do_nothing(index_elements=["event_id"])
            .returning(t.no_shows.c.event_id)
        )
        if (await conn.execute(stmt)).first() is None:
            return False
        events.append(await _append(conn, rules.patient_event("patient.no_show", p.unit, patient_id, now, None, appointment_unit=unit), p.unit))
        events += await _refresh(conn, hub, [patient_id], now)
    await hub.publish(events)
    return True


async def raise_concern(hub: Hub, who: Professional, patient_id: str, note: str) -> ConcernView:
    """A professional's concern about the patient: stored with its note, audited, evented."""
    text = rules.ensure_concern_note(note)
    now = utcnow()
    async with hub.engine.begin() as conn:
        p = await _patient(conn, hub, who, patient_id, via_cases=True)
        concern_id = t.new_id()
        await conn.execute(insert(t.concerns).values(id=concern_id, patient_id=p.id, professional=who.id, note=text, at=now))
        await conn.execute(update(t.patients).where(t.patients.c.id == p.id).values(concern=True))
        await log_access(conn, p.id, who.id, None, "concern")
        events = [await _append(conn, rules.patient_event("patient.concern", p.unit, p.id, now, who.id), p.unit)]
        events += await _refresh(conn, hub, [p.id], now)
        p = (await q.patient_rows(conn, [p.id]))[p.id]
        shown = await suggestion(conn, hub, p, now)
    await hub.publish(events)
    return ConcernView(concern_id, p.id, who.id, text, now, shown)


# ------------------------------------------------------------------------------------ take-over


async def take_over(hub: Hub, who: Professional, patient_id: str, until_text: str, note: str | None) -> TakeOverView:
    rules.ensure_coordinator(who)
    now = utcnow()
    note = (note or "").strip() or None
    async with hub.engine.begin() as conn:
        p = await _patient(conn, hub, who, patient_id)
        if p.unit != who.unit:  # an admin sees every unit, but takes over nobody
            raise NotFound(f"no patient {patient_id!r}", code="patient_not_found")
        rules.ensure_may_take_over(who, p.unit)
        until = rules.take_over_until(until_text, now, hub.tz, hub.region.shared_clients)
        holder = p.responsible_worker if q.held(p, now) else None
        holder_p = hub.region.professional_by_id.get(holder) if holder else None
        rules.ensure_free(holder, who, holder_p.name if holder_p else None)
        o = t.take_overs.c
        if holder == who.id:  # extended: the same take-over, a new end
            await conn.execute(update(t.take_overs).where(o.patient_id == p.id, o.ended_at.is_(None)).values(until=until, note=note))
            starts = (await conn.execute(select(o.starts_at).where(o.patient_id == p.id, o.ended_at.is_(None)))).scalar_one_or_none() or now
        else:
            starts = now
            if p.responsible_worker:  # one that ran out before the clock ended it
                await _close_row(conn, p, p.responsible_until or now, None, "expired")
            await conn.execute(
                insert(t.take_overs).values(id=t.new_id(), patient_id=p.id, coordinator=who.id, starts_at=now, until=until, note=note)
            )
        values: dict[str, Any] = {"responsible_worker": who.id, "responsible_until": until}
        if p.responsible_worker and holder is None:
            values["shared_reset_at"] = p.responsible_until
        await conn.execute(update(t.patients).where(t.patients.c.id == p.id).values(**values))
        await log_access(conn, p.id, who.id, None, "take_over")
        events = [
            await _append(
                conn, rules.patient_event("patient.taken_over", p.unit, p.id, now, who.id, professional=who.id, until=until), p.unit
            )
        ]
        to_move = await _cases_to_move(conn, who, p.id)
        events += await _refresh(conn, hub, [p.id], now, skip={r.id for r in to_move})  # the moved send their own
        moved = [r.id for r in to_move]
        for row in to_move:
            events.append(await _move(conn, hub, who, row, until, note, now))
    for _ in moved:
        hub.metrics.routing.labels(who.unit, "responsible_worker").inc()
    await hub.publish(sorted(events, key=lambda e: e["seq"]))
    return TakeOverView(p.id, who.id, starts, until, note, moved_cases=moved)


async def _cases_to_move(conn: AsyncConnection, who: Professional, patient_id: str) -> list[Row[Any]]:
    """The patient's open cases the take-over brings to the coordinator (locked)."""
    c = t.cases.c
    rows = (
        await conn.execute(
            select(t.cases).where(c.patient_id == patient_id, c.status.in_(OPEN_STATUSES)).order_by(c.created_at).with_for_update()
        )
    ).all()
    target = f"personal:{who.id}"
    return [r for r in rows if r.queue != target and rules.moves_to_coordinator(r.status, r.queue, r.assignee, who.id)]


async def _move(
    conn: AsyncConnection, hub: Hub, who: Professional, row: Row[Any], until: datetime, note: str | None, now: datetime
) -> dict[str, Any]:
    """One case to `personal:<coordinator>`, with a note saying why, and its event."""
    change = CaseChange(queue=f"personal:{who.id}", unit=who.unit, routing_reason="responsible_worker", handovers=row.handovers + 1)
    await conn.execute(insert(t.notes).values(id=t.new_id(), case_id=row.id, author=who.id, text=rules.note_text(until, hub.tz, note), at=now))
    _, event = await _commit_change(conn, row.id, change, "case.handed_over", who.id, now, from_queue=row.queue, take_over=True)
    return event


async def release(hub: Hub, who: Professional, patient_id: str) -> TakeOverView:
    rules.ensure_may_release_some(who)
    now = utcnow()
    async with hub.engine.begin() as conn:
        p = await _patient(conn, hub, who, patient_id)
        holder = p.responsible_worker if q.held(p, now) else None
        rules.ensure_may_release(who, p.unit, holder)
        view, events = await _end(conn, hub, p, now, now, who.id, "released")
        await log_access(conn, p.id, who.id, None, "take_over_release")
    await hub.publish(events)
    assert view is not None
    return view


async def _close_row(conn: AsyncConnection, p: Row[Any], ended_at: datetime, by: str | None, reason: str) -> Row[Any] | None:
    o = t.take_overs.c
    row = (await conn.execute(select(t.take_overs).where(o.patient_id == p.id, o.ended_at.is_(None)).order_by(o.starts_at.desc()))).first()
    await conn.execute(
        update(t.take_overs).where(o.patient_id == p.id, o.ended_at.is_(None)).values(ended_at=ended_at, ended_by=by, end_reason=reason)
    )
    return row


async def _end(
    conn: AsyncConnection, hub: Hub, p: Row[Any], ended_at: datetime, now: datetime, by: str | None, reason: str
) -> tuple[TakeOverView | None, list[dict[str, Any]]]:
    """End the take-over the row shows, if it still holds as read (a conditional update: of two
    instances, or a release racing the clock, one ends it). Counting starts afresh from its end."""
    pc = t.patients.c
    done = await conn.execute(
        update(t.patients)
        .where(pc.id == p.id, pc.responsible_worker == p.responsible_worker, pc.responsible_until == p.responsible_until)
        .values(responsible_worker=None, responsible_until=None, shared_reset_at=ended_at, concern=False)
    )
    if done.rowcount != 1:
        return None, []
    row = await _close_row(conn, p, ended_at, by, reason)
    body = rules.patient_event("patient.released", p.unit, p.id, now, by, professional=p.responsible_worker, reason=reason)
    events = [await _append(conn, body, p.unit)]
    events += await _refresh(conn, hub, [p.id], now)
    view = TakeOverView(
        p.id, p.responsible_worker, row.starts_at if row else ended_at, p.responsible_until, row.note if row else None,
        ended_at=ended_at, end_reason=reason,
    )  # fmt: skip
    return view, events


async def end_expired(hub: Hub, now: datetime) -> dict[str, int]:
    """The clock: take-overs whose `until` has come end by themselves."""
    pc = t.patients.c
    counts = {"ended": 0, "skipped": 0}
    async with hub.engine.connect() as conn:
        ids = list(
            (
                await conn.execute(
                    select(pc.id).where(pc.responsible_worker.is_not(None), pc.responsible_until <= now).order_by(pc.responsible_until).limit(JOB_BATCH)
                )
            ).scalars()
        )
    events: list[dict[str, Any]] = []
    for patient_id in ids:
        async with hub.engine.begin() as conn:
            p = (await conn.execute(select(t.patients).where(pc.id == patient_id).with_for_update())).first()
            if p is None or not p.responsible_worker or p.responsible_until is None or p.responsible_until > now:
                counts["skipped"] += 1  # released or extended meanwhile
                continue
            view, ended = await _end(conn, hub, p, p.responsible_until, now, None, "expired")
        counts["ended" if view else "skipped"] += 1
        events += ended
    await hub.publish(events)
    return counts


# ------------------------------------------------------------------------------- the unit list


async def list_unit(hub: Hub, who: Professional, unit: str | None) -> list[SharedClientItem]:
    unit = unit or who.unit
    if unit not in hub.region.unit_by_id:
        raise NotFound(f"no unit {unit!r}")
    if not sees_shared_clients(who, unit):
        raise Forbidden("only the unit's coordinators and supervisors see its shared clients", code="shared_clients_role")
    now = utcnow()
    async with hub.engine.begin() as conn:
        ids = await q.unit_candidates(conn, unit, now, hub.region.shared_clients, LIST_LIMIT)
        rows = await q.patient_rows(conn, ids)
        found = await q.assess(conn, rows, now, hub.region.shared_clients)
        items = [
            SharedClientItem(PatientName(pid, rows[pid].name), unit, s.suggested, s.triggers, responsible(hub, rows[pid], now))
            for pid, s in found.items()
            if s.triggers or q.held(rows[pid], now)
        ]
        for item in items:
            await log_access(conn, item.patient.id, who.id, None, "shared_clients_list")
    items.sort(key=lambda i: (not i.suggested, -len(i.triggers), i.patient.display_name))
    return items


# ------------------------------------------------------------------------------- the clock


FLAGS_JOB = "shared_client_flags"
_ALL_KEY = "recheck:"  # + the hour: flagged patients whose windows may have passed, once an hour


async def refresh_flags(hub: Hub, now: datetime) -> dict[str, int]:
    """The clock: refresh the hint of the patients whose cases changed since the last round (their
    event seqs: the mark `seq:<n>` in job_marks), and once an hour of every flagged patient."""
    j, e, c, p = t.job_marks.c, t.events.c, t.cases.c, t.patients.c
    async with hub.engine.begin() as conn:
        mark = (await conn.execute(select(j.key).where(j.job == FLAGS_JOB, j.key.like("seq:%")))).scalar_one_or_none()
        latest = await event_log.latest_seq(conn)
        if mark is None:
            since = now - hub.region.shared_clients.repeat_window
            ids = set((await conn.execute(select(t.contacts.c.patient_id).where(t.contacts.c.received_at >= since).distinct())).scalars())
            await conn.execute(insert(t.job_marks).values(job=FLAGS_JOB, key=f"seq:{latest}", at=now))
        else:
            seen = int(mark.removeprefix("seq:"))
            stmt = select(c.patient_id).select_from(t.events.join(t.cases, c.id == e.case_id)).where(and_(e.seq > seen, e.seq <= latest)).distinct()
            ids = set((await conn.execute(stmt)).scalars())
            moved = await conn.execute(update(t.job_marks).where(j.job == FLAGS_JOB, j.key == mark).values(key=f"seq:{latest}", at=now))
            if moved.rowcount != 1:
                return {"patients": 0, "flipped": 0}  # another instance did this round
        hour = f"{_ALL_KEY}{now:%Y-%m-%dT%H}"
        claimed = await conn.execute(
            upsert_insert(conn, t.job_marks).values(job=FLAGS_JOB, key=hour, at=now).on_conflict_do_nothing(index_elements=["job", "key"]).returning(j.key)
        )
        if claimed.first() is not None:
            ids |= set((await conn.execute(select(p.id).where(p.shared_client == True))).scalars())  # noqa: E712
            await conn.execute(t.job_marks.delete().where(j.job == FLAGS_JOB, j.key.like(f"{_ALL_KEY}%"), j.key != hour))
        ids.discard(None)
        events = await _refresh(conn, hub, sorted(ids), now)
    await hub.publish(events)
    return {"patients": len(ids), "flipped": len({ev["case"]["patient"]["id"] for ev in events if ev.get("case")})}
