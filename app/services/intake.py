"""Intake: one inbound contact → an identified, routed, committed case and its event.

This is the hot path (every call, chat and message passes here), so it is written for few
round trips: one read of everything routing needs, then the inserts, in one transaction.
Idempotency rides on the unique (channel, external_id) of `contacts`: the contact row is
inserted with ON CONFLICT DO NOTHING before anything else is written, so a retry — even a
concurrent one — finds the first attempt's stored answer and writes nothing.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app import metrics
from app.db import schema as t
from app.domain import sla
from app.domain.common import OPEN_STATUSES, URGENCY_RANK
from app.domain.region import queue_unit
from app.domain.routing import Contact, PatientFacts, route
from app.domain.urgency import assess
from app.hub import Hub, utcnow
from app.services.views import CaseSummary, PatientRef, write_event


class InboundContact(msgspec.Struct, kw_only=True):
    """What every channel adapter hands to intake."""

    channel: str
    external_id: str
    unit: str
    line: int | None = None
    caller: str | None = None  # E.164, already normalised by the adapter
    dialed: str | None = None
    text: str | None = None
    received_at: datetime
    patient_id: str | None = None  # for channels that authenticate the patient
    answers: dict[str, bool | str] | None = None
    lang: str = "fi"
    emergency_flags: tuple[str, ...] = ()  # red flags the channel already established (pre-form)
    display_name: str | None = None  # an anonymous chat visitor's own name for themselves
    subject: str | None = None  # a secure message's subject

    @property
    def is_thread(self) -> bool:
        """Text channels: what the patient wrote is also the first line of the conversation."""
        return self.channel in THREAD_CHANNELS


THREAD_CHANNELS = ("chat", "secure_message", "sms")


class IntakeResult(msgspec.Struct):
    contact_id: str
    case_id: str
    queue: str
    routing_reason: str
    urgency: str
    due_at: datetime
    promised_callback_by: datetime
    merged: bool
    red_flags: list[str] = msgspec.field(default_factory=list)


# Matters a new contact may attach to (rule 6): all open ones but chat sessions and line-3
# errands. A prescription renewal waiting with the assistants is not "the same matter" as a
# call to the nurse, and a live chat cannot be merged into a callback.

_decode_result = msgspec.json.Decoder(IntakeResult).decode
_encode = msgspec.json.Encoder().encode


async def intake(hub: Hub, contact: InboundContact) -> tuple[IntakeResult, bool]:
    """Returns (result, created). created=False means the channel id was seen before."""
    region = hub.region
    unit = region.unit_by_id[contact.unit]
    now = utcnow()
    received = min(contact.received_at, now)

    assessment = assess(contact.text, contact.answers, contact.lang) if (contact.text or contact.answers) else None
    flags = sorted(set(contact.emergency_flags) | set(assessment.flags if assessment else ()))
    emergency = bool(contact.emergency_flags) or (assessment is not None and assessment.level == "emergency")
    if emergency:
        urgency, source = "emergency", "rules"
    elif assessment is not None and assessment.level != "unassessed":
        urgency, source = assessment.level, "rules"
    elif contact.line == 2:
        urgency, source = "urgent", "line"
    else:
        urgency, source = "unassessed", "none"

    async with hub.engine.begin() as conn:
        found = await _patient_facts(conn, contact, now)
        facts, patient_name = found if found else (None, None)
        patient_id = facts.id if facts else None
        staffing = await hub.staffing(conn, now)
        if facts is not None and facts.named_nurse and facts.open_case_id is None:
            load = await _open_count(conn, f"personal:{facts.named_nurse}")
            staffing = msgspec.structs.replace(staffing, open_cases={facts.named_nurse: load})
        decision = route(
            Contact(channel=contact.channel, unit=unit.id, line=contact.line, emergency=emergency),
            facts,
            staffing,
            region,
            now,
        )
        contact_id = t.new_id()

        if decision.merge_into is not None:
            row = (
                await conn.execute(
                    select(t.cases.c.due_at, t.cases.c.urgency).where(t.cases.c.id == decision.merge_into)
                )
            ).one()
            result = IntakeResult(
                contact_id=contact_id,
                case_id=decision.merge_into,
                queue=decision.queue,
                routing_reason=decision.reason,
                urgency=row.urgency,
                due_at=row.due_at.astimezone(hub.tz),
                promised_callback_by=row.due_at.astimezone(hub.tz),
                merged=True,
                red_flags=flags,
            )
            if not await _insert_contact(hub, conn, contact, result, patient_id, received, now):
                await conn.rollback()
                return await _stored(hub, contact), False
            values: dict[str, Any] = {
                "contacts_count": t.cases.c.contacts_count + 1,
                "updated_at": now,
                "version": t.cases.c.version + 1,
            }
            case = (
                await conn.execute(
                    update(t.cases)
                    .where(t.cases.c.id == decision.merge_into)
                    .values(**values)
                    .returning(*_RETURNING)
                )
            ).one()
            summary = _summary(case, patient_name)
            events = [await write_event(conn, "case.updated", summary, now, extra={"contact": "merged"})]
        else:
            case_id = t.new_id()
            due = sla.due_at(received, urgency, unit, region.sla, hub.tz)
            result = IntakeResult(
                contact_id=contact_id,
                case_id=case_id,
                queue=decision.queue,
                routing_reason=decision.reason,
                urgency=urgency,
                due_at=due,
                promised_callback_by=due,
                merged=False,
                red_flags=flags,
            )
            if not await _insert_contact(hub, conn, contact, result, patient_id, received, now):
                await conn.rollback()
                return await _stored(hub, contact), False
            case_unit = queue_unit(region, decision.queue) or unit.id
            values = {
                "id": case_id,
                "status": "new",
                "queue": decision.queue,
                "unit": case_unit,
                "urgency": urgency,
                "urgency_rank": URGENCY_RANK[urgency],
                "urgency_source": source,
                "red_flags": ",".join(flags),
                "due_at": due,
                "at_risk_at": sla.at_risk_at(received, due, region.sla.at_risk_fraction),
                "at_risk": False,
                "channel": contact.channel,
                "line": contact.line,
                "patient_id": patient_id,
                "caller_phone": contact.caller,
                "routing_reason": decision.reason,
                "subject": contact.subject,
                "contacts_count": 1,
                "created_at": received,
                "updated_at": now,
            }
            await conn.execute(t.cases.insert().values(**values))
            summary = CaseSummary(
                id=case_id,
                status="new",
                queue=decision.queue,
                assignee=None,
                urgency=urgency,
                due_at=due,
                at_risk=False,
                channel=contact.channel,
                line=contact.line,
                unit=case_unit,
                patient=PatientRef(patient_id, patient_name or "") if patient_id else None,
                routing_reason=decision.reason,
                created_at=received,
                updated_at=now,
                contacts=1,
            )
            events = [await write_event(conn, "case.created", summary, now)]
        if contact.is_thread and contact.text:
            events.append(await _thread_message(conn, summary, contact.text, now))

    metrics.contact_received(contact.channel, unit.id, contact.line, decision.reason, merged=result.merged)
    for flag in flags:
        metrics.RED_FLAGS.labels(flag).inc()
    await hub.publish(events)
    return result, True


async def _thread_message(conn: AsyncConnection, summary: CaseSummary, text: str, now: datetime) -> dict[str, Any]:
    message_id = t.new_id()
    await conn.execute(t.messages.insert().values(id=message_id, case_id=summary.id, sender="patient", author=None, text=text, at=now))
    payload = {"id": message_id, "from": "patient", "text": text, "at": now, "author": None}
    return await write_event(conn, "message.created", summary, now, extra={"message": payload})


_RETURNING = (
    t.cases.c.id,
    t.cases.c.status,
    t.cases.c.queue,
    t.cases.c.assignee,
    t.cases.c.urgency,
    t.cases.c.due_at,
    t.cases.c.at_risk,
    t.cases.c.channel,
    t.cases.c.line,
    t.cases.c.unit,
    t.cases.c.patient_id,
    t.cases.c.routing_reason,
    t.cases.c.created_at,
    t.cases.c.updated_at,
    t.cases.c.contacts_count,
)


def _summary(row: Any, patient_name: str | None) -> CaseSummary:
    return CaseSummary(
        id=row.id,
        status=row.status,
        queue=row.queue,
        assignee=row.assignee,
        urgency=row.urgency,
        due_at=row.due_at,
        at_risk=bool(row.at_risk),
        channel=row.channel,
        line=row.line,
        unit=row.unit,
        patient=PatientRef(row.patient_id, patient_name or "") if row.patient_id else None,
        routing_reason=row.routing_reason,
        created_at=row.created_at,
        updated_at=row.updated_at,
        contacts=row.contacts_count,
    )


async def _patient_facts(conn: AsyncConnection, contact: InboundContact, now: datetime) -> tuple[PatientFacts, str] | None:
    """The patient behind the contact and their open matter, in one query."""
    p = t.patients

    def newest_open(column):  # type: ignore[no-untyped-def]
        return (
            select(column)
            .where(t.cases.c.patient_id == p.c.id, t.cases.c.status.in_(OPEN_STATUSES), _mergeable())
            .order_by(t.cases.c.created_at.desc())
            .limit(1)
            .scalar_subquery()
        )

    if contact.patient_id is not None:
        where = p.c.id == contact.patient_id
        source = p
    elif contact.caller:
        where = t.patient_phones.c.phone == contact.caller
        source = t.patient_phones.join(p, p.c.id == t.patient_phones.c.patient_id)
    else:
        return None
    row = (
        await conn.execute(
            select(
                p.c.id,
                p.c.name,
                p.c.named_nurse,
                p.c.responsible_worker,
                p.c.responsible_until,
                newest_open(t.cases.c.id).label("open_case"),
                newest_open(t.cases.c.queue).label("open_queue"),
            )
            .select_from(source)
            .where(where)
        )
    ).first()
    if row is None:
        return None
    facts = PatientFacts(
        id=row.id,
        named_nurse=row.named_nurse,
        responsible_worker=row.responsible_worker,
        responsible_until=row.responsible_until,
        open_case_id=row.open_case,
        open_case_queue=row.open_queue,
    )
    return facts, row.name


def _mergeable():  # type: ignore[no-untyped-def]
    """Rule 6's candidates: see the note at the top of the module."""
    q = t.cases.c.queue
    return and_(~q.like("assistants:%"), ~q.like("chat:%"))


async def _open_count(conn: AsyncConnection, queue: str) -> int:
    return (
        await conn.execute(
            select(func.count()).select_from(t.cases).where(t.cases.c.queue == queue, t.cases.c.status.in_(OPEN_STATUSES))
        )
    ).scalar_one()


async def _insert_contact(
    hub: Hub,
    conn: AsyncConnection,
    contact: InboundContact,
    result: IntakeResult,
    patient_id: str | None,
    received: datetime,
    now: datetime,
) -> bool:
    stmt = (
        hub.insert(t.contacts)
        .values(
            id=result.contact_id,
            channel=contact.channel,
            external_id=contact.external_id,
            case_id=result.case_id,
            patient_id=patient_id,
            unit=contact.unit,
            line=contact.line,
            caller=contact.caller,
            dialed=contact.dialed,
            text=contact.text,
            received_at=received,
            created_at=now,
            merged=result.merged,
            display_name=contact.display_name,
            response=_encode(result).decode(),
        )
        .on_conflict_do_nothing(index_elements=["channel", "external_id"])
        .returning(t.contacts.c.id)
    )
    return (await conn.execute(stmt)).first() is not None


async def _stored(hub: Hub, contact: InboundContact) -> IntakeResult:
    async with hub.engine.connect() as conn:
        response = (
            await conn.execute(
                select(t.contacts.c.response).where(
                    t.contacts.c.channel == contact.channel, t.contacts.c.external_id == contact.external_id
                )
            )
        ).scalar_one()
    return _decode_result(response)

