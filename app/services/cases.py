"""Working a case: claim, release, call back, note, message, hand over, resolve, re-route.

Every change runs in one transaction that locks the case row, checks who may do what, writes
the new state and its event. The row lock (FOR UPDATE on PostgreSQL, BEGIN IMMEDIATE on
SQLite) is what makes "two nurses claim at once → exactly one wins" hold.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.db.engine import upsert_insert
from app.db.queries import mergeable_case, personal_load
from app.domain import sla
from app.domain.access import inbox_queues, may_see
from app.domain.common import OPEN_STATUSES, URGENCY_RANK
from app.domain.region import Professional, queue_unit
from app.domain.routing import PatientFacts, route_identified
from app.domain.urgency import assess
from app.clock import utcnow
from app.hub import Hub
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound
from app.db import events as event_log
from app.db.summaries import load_summary, summary_from_row, summary_select
from app.domain.summary import CaseSummary


class ContactView(msgspec.Struct):
    id: str
    channel: str
    received_at: datetime
    line: int | None
    caller: str | None
    text: str | None
    merged: bool
    display_name: str | None = None  # what an anonymous chat visitor called themselves


class MessageView(msgspec.Struct):
    id: str
    sender: str
    author: str | None
    text: str
    at: datetime


class NoteView(msgspec.Struct):
    id: str
    author: str
    text: str
    at: datetime


class AttemptView(msgspec.Struct):
    id: str
    professional: str
    result: str
    note: str | None
    at: datetime


class PatientBrief(msgspec.Struct):
    id: str
    name: str
    language: str
    named_nurse: str | None
    interpreter_language: str | None
    hearing_impaired: bool


class CaseDetail(msgspec.Struct):
    id: str
    status: str
    queue: str
    assignee: str | None
    urgency: str
    urgency_source: str
    red_flags: list[str]
    due_at: datetime
    at_risk: bool
    channel: str
    line: int | None
    unit: str
    routing_reason: str
    created_at: datetime
    updated_at: datetime
    contacts_count: int
    caller_phone: str | None
    outcome: str | None
    follow_up: str | None
    patient_informed: bool | None
    care_pathway: str | None
    patient: PatientBrief | None
    contacts: list[ContactView]
    messages: list[MessageView]
    notes: list[NoteView]
    callback_attempts: list[AttemptView]
    events: list[dict[str, Any]]
    history: list[CaseSummary]


# ---------------------------------------------------------------------------------------- reads


async def inbox(hub: Hub, who: Professional, filter_: str, unit: str | None, limit: int = 50) -> list[CaseSummary]:
    unit = unit or who.unit
    if unit not in hub.region.unit_by_id:
        raise NotFound(f"no unit {unit!r}")
    queues = inbox_queues(hub.region, who, filter_, unit)
    if queues is None:
        raise Forbidden(f"a {who.role} may not open the {filter_!r} inbox of unit {unit!r}")
    c = t.cases.c
    where = c.queue.in_(queues)
    if filter_ in ("mine", "all"):
        where = where | (c.assignee == who.id)
    stmt = summary_select().where(where, c.status.in_(OPEN_STATUSES)).order_by(c.urgency_rank, c.due_at, c.id).limit(limit)
    async with hub.engine.connect() as conn:
        rows = (await conn.execute(stmt)).all()
    return [summary_from_row(r._mapping) for r in rows]


async def get_case(hub: Hub, who: Professional, case_id: str) -> CaseDetail:
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id, lock=False)
        cid = case.id
        contacts = (await conn.execute(select(t.contacts).where(t.contacts.c.case_id == cid).order_by(t.contacts.c.received_at))).all()
        msgs = (await conn.execute(select(t.messages).where(t.messages.c.case_id == cid).order_by(t.messages.c.at))).all()
        notes = (await conn.execute(select(t.notes).where(t.notes.c.case_id == cid).order_by(t.notes.c.at))).all()
        attempts = (
            await conn.execute(select(t.callback_attempts).where(t.callback_attempts.c.case_id == cid).order_by(t.callback_attempts.c.at))
        ).all()
        events = await event_log.replay(conn, 0, case_id=cid)
        patient = None
        history: list[CaseSummary] = []
        if case.patient_id:
            p = (await conn.execute(select(t.patients).where(t.patients.c.id == case.patient_id))).first()
            if p is not None:
                patient = PatientBrief(p.id, p.name, p.language, p.named_nurse, p.interpreter_language, bool(p.hearing_impaired))
            rows = (
                await conn.execute(
                    summary_select()
                    .where(t.cases.c.patient_id == case.patient_id, t.cases.c.id != cid)
                    .order_by(t.cases.c.created_at.desc())
                    .limit(20)
                )
            ).all()
            history = [summary_from_row(r._mapping) for r in rows]
            await log_access(conn, case.patient_id, who.id, cid, "case_view")
    return CaseDetail(
        id=case.id,
        status=case.status,
        queue=case.queue,
        assignee=case.assignee,
        urgency=case.urgency,
        urgency_source=case.urgency_source,
        red_flags=[f for f in case.red_flags.split(",") if f],
        due_at=case.due_at,
        at_risk=bool(case.at_risk),
        channel=case.channel,
        line=case.line,
        unit=case.unit,
        routing_reason=case.routing_reason,
        created_at=case.created_at,
        updated_at=case.updated_at,
        contacts_count=case.contacts_count,
        caller_phone=case.caller_phone,
        outcome=case.outcome,
        follow_up=case.follow_up,
        patient_informed=case.patient_informed,
        care_pathway=case.care_pathway,
        patient=patient,
        contacts=[
            ContactView(r.id, r.channel, r.received_at, r.line, r.caller, r.text, bool(r.merged), r.display_name) for r in contacts
        ],
        messages=[MessageView(r.id, r.sender, r.author, r.text, r.at) for r in msgs],
        notes=[NoteView(r.id, r.author, r.text, r.at) for r in notes],
        callback_attempts=[AttemptView(r.id, r.professional, r.result, r.note, r.at) for r in attempts],
        events=events,
        history=history,
    )


async def log_access(conn: AsyncConnection, patient_id: str, professional: str, case_id: str | None, action: str) -> None:
    await conn.execute(
        insert(t.access_log).values(at=utcnow(), patient_id=patient_id, professional=professional, case_id=case_id, action=action)
    )


# ------------------------------------------------------------------------------------- changes


async def _visible_case(hub: Hub, conn: AsyncConnection, who: Professional, case_id: str, lock: bool = True) -> Any:
    stmt = select(t.cases).where(t.cases.c.id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    if row is None or not may_see(hub.region, who, row.queue, row.assignee):
        raise NotFound(f"no case {case_id!r} that you may see")
    return row


async def _commit_change(
    hub: Hub, conn: AsyncConnection, case_id: str, values: dict[str, Any], event_type: str, who: Professional, now: datetime, **extra: Any
) -> tuple[CaseSummary, dict[str, Any]]:
    values = {**values, "updated_at": now, "version": t.cases.c.version + 1}
    await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(**values))
    summary = await load_summary(conn, case_id)
    assert summary is not None
    event = await event_log.append(conn, event_type, summary, now, actor=who.id, extra=extra or None)
    return summary, event


async def claim(hub: Hub, who: Professional, case_id: str) -> CaseSummary:
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        if case.status == "resolved":
            raise Conflict("case is already resolved")
        if case.status == "claimed":
            if case.assignee == who.id:
                raise Conflict("you have already claimed this case", assignee=who.id)
            raise Conflict(f"claimed by {_name(hub, case.assignee)}", assignee=case.assignee)
        values: dict[str, Any] = {"status": "claimed", "assignee": who.id, "claimed_at": now}
        if case.first_handler is None:
            values["first_handler"] = who.id
        summary, event = await _commit_change(hub, conn, case_id, values, "case.claimed", who, now)
    if case.channel == "chat" and case.first_handler is None:
        hub.metrics.chat_wait.labels(case.unit).observe(max((now - case.created_at).total_seconds(), 0.0))
    await hub.publish([event])
    return summary


async def release(hub: Hub, who: Professional, case_id: str) -> CaseSummary:
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        if case.status != "claimed":
            raise Conflict("case is not claimed")
        if case.assignee != who.id and who.role not in ("supervisor", "admin"):
            raise Conflict(f"claimed by {_name(hub, case.assignee)}; only they or a supervisor may release it")
        summary, event = await _commit_change(
            hub, conn, case_id, {"status": "new", "assignee": None, "claimed_at": None}, "case.released", who, now
        )
    await hub.publish([event])
    return summary


def _claimed_by_me_or_claim(case: Any, who: Professional, hub: Hub, now: datetime) -> dict[str, Any]:
    """Acting on an unclaimed case claims it for you; acting on someone else's is a conflict."""
    if case.status == "resolved":
        raise Conflict("case is already resolved")
    if case.status == "claimed" and case.assignee != who.id:
        raise Conflict(f"claimed by {_name(hub, case.assignee)}", assignee=case.assignee)
    if case.status == "claimed":
        return {}
    values: dict[str, Any] = {"status": "claimed", "assignee": who.id, "claimed_at": now}
    if case.first_handler is None:
        values["first_handler"] = who.id
    return values


async def callback_attempt(hub: Hub, who: Professional, case_id: str, result: str, note: str | None) -> CaseSummary:
    now = utcnow()
    region = hub.region
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        values = _claimed_by_me_or_claim(case, who, hub, now)
        await conn.execute(
            insert(t.callback_attempts).values(id=t.new_id(), case_id=case.id, professional=who.id, result=result, note=note, at=now)
        )
        first = case.first_callback_at is None
        if first:
            values["first_callback_at"] = now
        failed = case.failed_attempts + (0 if result == "reached" else 1)
        values["failed_attempts"] = failed
        notify = result != "reached" and failed == region.sla.callback_max_attempts and case.caller_phone
        if notify:
            # The patient could not be reached: a content-free SMS asks them to read their messages.
            await conn.execute(
                insert(t.outbox).values(
                    id=t.new_id(), channel="sms", recipient=case.caller_phone, template="callback_failed", case_id=case.id, created_at=now
                )
            )
            await conn.execute(
                insert(t.messages).values(
                    id=t.new_id(),
                    case_id=case.id,
                    sender="system",
                    author=None,
                    text=f"{failed} callback attempts failed; the patient was sent a notification.",
                    at=now,
                )
            )
        summary, event = await _commit_change(hub, conn, case_id, values, "case.updated", who, now, callback_attempt=result)
    if first:
        delay = (now - case.created_at).total_seconds()
        hub.metrics.callback_delay.labels(case.unit, case.urgency).observe(max(delay, 0.0))
        hub.metrics.callbacks_due.labels(case.unit).inc()
        if now <= case.due_at:
            hub.metrics.callbacks_within_due.labels(case.unit).inc()
    await hub.publish([event])
    return summary


async def add_note(hub: Hub, who: Professional, case_id: str, text: str) -> NoteView:
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        note = NoteView(t.new_id(), who.id, text, now)
        await conn.execute(insert(t.notes).values(id=note.id, case_id=case.id, author=who.id, text=text, at=now))
        _, event = await _commit_change(hub, conn, case_id, {}, "case.updated", who, now, note=True)
    await hub.publish([event])
    return note


async def add_message(hub: Hub, who: Professional, case_id: str, text: str) -> MessageView:
    """A reply to the patient. Phone and SMS cases get a content-free SMS telling them to read it."""
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        if case.status == "resolved":
            raise Conflict("case is already resolved")
        message = MessageView(t.new_id(), "professional", who.id, text, now)
        await conn.execute(
            insert(t.messages).values(id=message.id, case_id=case.id, sender="professional", author=who.id, text=text, at=now)
        )
        recipient = case.caller_phone
        if recipient is None and case.patient_id and case.channel != "chat":
            recipient = (
                await conn.execute(select(t.patient_phones.c.phone).where(t.patient_phones.c.patient_id == case.patient_id).limit(1))
            ).scalar_one_or_none()
        if case.channel != "chat" and recipient:
            # Content-free: the text itself waits in the portal (SPEC §5, no health content by SMS).
            await conn.execute(
                insert(t.outbox).values(
                    id=t.new_id(), channel="sms", recipient=recipient, template="new_message", case_id=case.id, created_at=now
                )
            )
        await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(updated_at=now))
        summary = await load_summary(conn, case_id)
        assert summary is not None
        event = await event_log.append(conn, "message.created", summary, now, actor=who.id, extra={"message": message_payload(message)})
    await hub.publish([event])
    return message


async def add_patient_message(hub: Hub, case_id: str, text: str, sender: str = "patient") -> MessageView:
    """A line from the patient's side of a thread (chat visitor, portal); the caller has already
    proven the patient's right to this case (session token, patient JWT)."""
    now = utcnow()
    region = hub.region
    assessment = assess(text) if sender == "patient" else None
    red = assessment is not None and assessment.level == "emergency"
    events: list[dict[str, Any]] = []
    async with hub.engine.begin() as conn:
        case = (await conn.execute(select(t.cases).where(t.cases.c.id == case_id).with_for_update())).first()
        if case is None:
            raise NotFound("no such conversation")
        if case.status == "resolved":
            raise Conflict("this conversation has ended")
        message = MessageView(t.new_id(), sender, None, text, now)
        await conn.execute(insert(t.messages).values(id=message.id, case_id=case_id, sender=sender, author=None, text=text, at=now))
        await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(updated_at=now))
        summary = await load_summary(conn, case_id)
        assert summary is not None
        events.append(await event_log.append(conn, "message.created", summary, now, extra={"message": message_payload(message)}))
        if red and case.urgency != "emergency":
            # A red flag later in the conversation escalates like one at intake (SPEC §6 rule 1):
            # an unclaimed matter moves to the urgent queue; a claimed one stays with its nurse.
            assert assessment is not None
            flags = sorted(set(filter(None, case.red_flags.split(","))) | set(assessment.flags))
            due = sla.due_after_urgency_change(
                case.created_at, case.due_at, case.urgency, "emergency", now, region.unit_by_id[case.unit], region.sla, hub.tz
            )
            values: dict[str, Any] = {
                "urgency": "emergency",
                "urgency_rank": URGENCY_RANK["emergency"],
                "urgency_source": "rules",
                "red_flags": ",".join(flags),
                "due_at": due,
                "at_risk_at": sla.at_risk_at(now, due, region.sla.at_risk_fraction),
            }
            if case.status == "new":
                values.update(queue=f"urgent:{case.unit}", routing_reason="emergency")
            await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(**values, version=t.cases.c.version + 1))
            summary = await load_summary(conn, case_id)
            assert summary is not None
            change = {"from": case.urgency, "to": "emergency", "reason": assessment.explanation, "flags": list(assessment.flags)}
            events.append(await event_log.append(conn, "case.urgency", summary, now, extra={"urgency": change, "from_queue": case.queue}))
    if red:
        assert assessment is not None
        for flag in assessment.flags:
            hub.metrics.red_flags.labels(flag).inc()
    await hub.publish(events)
    return message


def message_payload(message: MessageView) -> dict[str, Any]:
    """The message as it travels in its event: the chat visitor's stream is built from these."""
    return {"id": message.id, "from": message.sender, "text": message.text, "at": message.at, "author": message.author}


async def set_urgency(hub: Hub, who: Professional, case_id: str, level: str, reason: str) -> CaseSummary:
    now = utcnow()
    region = hub.region
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        if case.status == "resolved":
            raise Conflict("case is already resolved")
        due = sla.due_after_urgency_change(
            case.created_at, case.due_at, case.urgency, level, now, region.unit_by_id[case.unit], region.sla, hub.tz
        )
        values = {
            "urgency": level,
            "urgency_rank": URGENCY_RANK[level],
            "urgency_source": "professional",
            "due_at": due,
            "at_risk_at": sla.at_risk_at(min(now, due), due, region.sla.at_risk_fraction),
            "at_risk": False,
        }
        await conn.execute(
            insert(t.notes).values(
                id=t.new_id(), case_id=case.id, author=who.id, text=f"Urgency {case.urgency} → {level}: {reason}", at=now
            )
        )
        summary, event = await _commit_change(
            hub, conn, case_id, values, "case.urgency", who, now, urgency={"from": case.urgency, "to": level, "reason": reason}
        )
    await hub.publish([event])
    return summary


async def handover(hub: Hub, who: Professional, case_id: str, to: str, note: str | None) -> CaseSummary:
    now = utcnow()
    region = hub.region
    target_unit = queue_unit(region, to)
    if target_unit is None:
        raise Invalid(f"no queue {to!r}: use personal:<professional>, team:<team> or <kind>:<unit>")
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        if case.status == "resolved":
            raise Conflict("case is already resolved")
        if case.status == "claimed" and case.assignee != who.id and who.role not in ("supervisor", "admin"):
            raise Conflict(f"claimed by {_name(hub, case.assignee)}", assignee=case.assignee)
        if to == case.queue and case.status != "claimed":
            raise Conflict(f"case is already in {to}")
        text = f"Handed over {case.queue} → {to}" + (f": {note}" if note else "")
        await conn.execute(insert(t.notes).values(id=t.new_id(), case_id=case.id, author=who.id, text=text, at=now))
        values = {
            "queue": to,
            "unit": target_unit,
            "status": "new",
            "assignee": None,
            "claimed_at": None,
            "handovers": t.cases.c.handovers + 1,
        }
        summary, event = await _commit_change(hub, conn, case_id, values, "case.handed_over", who, now, from_queue=case.queue)
    await hub.publish([event])
    return summary


async def resolve(
    hub: Hub, who: Professional, case_id: str, outcome: str, follow_up: str | None, patient_informed: bool | None, care_pathway: str | None
) -> CaseSummary:
    now = utcnow()
    region = hub.region
    code = region.outcome_by_code.get(outcome)
    if code is None:
        raise Invalid(f"unknown outcome code {outcome!r}; known: {', '.join(region.outcome_by_code)}")
    if care_pathway is not None and care_pathway not in region.pathway_by_id:
        raise Invalid(f"unknown care pathway {care_pathway!r}")
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        if case.status == "resolved":
            raise Conflict("case is already resolved")
        if case.status != "claimed" or case.assignee != who.id:
            who_has = f"claimed by {_name(hub, case.assignee)}" if case.status == "claimed" else "not claimed"
            raise Conflict(f"only the professional who claimed the case may resolve it (it is {who_has})")
        values = {
            "status": "resolved",
            "outcome": outcome,
            "follow_up": follow_up,
            "patient_informed": patient_informed,
            "care_pathway": care_pathway,
            "resolved_by": who.id,
            "resolved_at": now,
        }
        summary, event = await _commit_change(hub, conn, case_id, values, "case.resolved", who, now, outcome=outcome)
    first_contact = case.handovers == 0 and case.contacts_count == 1 and case.first_handler in (None, who.id)
    hub.metrics.resolved.labels(case.unit, outcome, "true" if first_contact else "false").inc()
    if code.kind == "failure_demand":
        hub.metrics.failure_demand.labels(case.unit, outcome).inc()
    await hub.publish([event])
    return summary


async def link_patient(hub: Hub, who: Professional, case_id: str, patient_id: str) -> CaseSummary:
    """Fix an overflow caller's identity: remember the number, then route as if identified."""
    now = utcnow()
    region = hub.region
    events: list[dict[str, Any]] = []
    staffing = await hub.staffing(now)  # outside the transaction: SQLite has one writer
    async with hub.engine.begin() as conn:
        case = await _visible_case(hub, conn, who, case_id)
        if not case.queue.startswith("overflow:"):
            raise Conflict(f"case is not in an overflow queue (it is in {case.queue})")
        if case.status == "resolved":
            raise Conflict("case is already resolved")
        p = (await conn.execute(select(t.patients).where(t.patients.c.id == patient_id))).first()
        if p is None:
            raise NotFound(f"no patient {patient_id!r}")
        if case.caller_phone:
            await conn.execute(
                upsert_insert(conn, t.patient_phones)
                .values(phone=case.caller_phone, patient_id=patient_id)
                .on_conflict_do_update(index_elements=["phone"], set_={"patient_id": patient_id})
            )
        await conn.execute(update(t.contacts).where(t.contacts.c.case_id == case.id).values(patient_id=patient_id))
        await log_access(conn, patient_id, who.id, case.id, "link_patient")
        open_row = (
            await conn.execute(
                select(t.cases.c.id, t.cases.c.queue)
                .where(t.cases.c.patient_id == patient_id, t.cases.c.id != case.id, mergeable_case())
                .order_by(t.cases.c.created_at.desc())
                .limit(1)
                .with_for_update()
            )
        ).first()
        if open_row is not None:
            # Rule 6: the patient already has an open matter; this contact joins it.
            await conn.execute(update(t.contacts).where(t.contacts.c.case_id == case.id).values(case_id=open_row.id, merged=True))
            _, closed = await _commit_change(
                hub,
                conn,
                case.id,
                {"status": "resolved", "patient_id": patient_id, "merged_into": open_row.id, "resolved_at": now, "resolved_by": who.id},
                "case.resolved",
                who,
                now,
                merged_into=open_row.id,
            )
            target, updated = await _commit_change(
                hub,
                conn,
                open_row.id,
                {"contacts_count": t.cases.c.contacts_count + case.contacts_count},
                "case.updated",
                who,
                now,
                merged_from=case.id,
            )
            events += [closed, updated]
        else:
            facts = PatientFacts(
                id=p.id, named_nurse=p.named_nurse, responsible_worker=p.responsible_worker, responsible_until=p.responsible_until
            )
            if p.named_nurse:
                load = await personal_load(conn, p.named_nurse)
                staffing = msgspec.structs.replace(staffing, open_cases={p.named_nurse: load})
            decision = route_identified(facts, staffing, region, now, case.unit)
            values = {
                "patient_id": patient_id,
                "queue": decision.queue,
                "unit": queue_unit(region, decision.queue) or case.unit,
                "routing_reason": decision.reason,
                "status": "new",
                "assignee": None,
                "claimed_at": None,
            }
            target, updated = await _commit_change(hub, conn, case.id, values, "case.handed_over", who, now, from_queue=case.queue)
            events.append(updated)
            hub.metrics.routing.labels(target.unit, decision.reason).inc()
    await hub.publish(events)
    return target


def _name(hub: Hub, professional_id: str | None) -> str:
    p = hub.region.professional_by_id.get(professional_id or "")
    return p.name if p else (professional_id or "nobody")
