"""Working a case: claim, release, call back, note, message, hand over, resolve, re-route.
(Reading one, and the inbox list: app/services/case_views.py.)

Every change runs in one transaction that locks the case row, asks the rules (app.domain.cases)
who may do what and what changes, then writes the new state and its event. The row lock (FOR
UPDATE on PostgreSQL, BEGIN IMMEDIATE on SQLite) is what makes "two nurses claim at once →
exactly one wins" hold, and what lets the rules count on the values they read (handovers + 1).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import Row, func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.db.engine import upsert_insert
from app.db.queries import mergeable_case, personal_load
from app.domain import cases as rules
from app.domain.callbacks import FailedCallback, PatientReach, is_last
from app.domain.notifications import SmsNotice, notifies_replies_by_sms, reply_notice, sms_template
from app.domain.outcomes import first_contact_resolution
from app.domain.region import Professional
from app.domain.routing import PatientFacts, route_identified
from app.domain.urgency import assess
from app.domain import survey as survey_rules
from app.services.survey import survey_token
from app.clock import utcnow
from app.hub import Hub
from app.domain.errors import NotFound
from app.db import events as event_log
from app.db.summaries import load_summary
from app.domain.summary import CaseSummary
# the read side lives in case_views; its names stay importable from here for the API and services
from app.services.case_views import (  # noqa: F401
    AttemptView,
    CaseDetail,
    ContactView,
    FollowUpView,
    MessageView,
    NoteView,
    PatientBrief,
    _visible_case,
    case_follow_ups,
    get_case,
    inbox,
    log_access,
    visible_summary,
)


# ------------------------------------------------------------------------------------- changes
#
# Each use case: load and lock the case → ask the rules (app.domain.cases) → write the state
# and its event in the same transaction → publish after commit.


def _state(row: Row[Any]) -> rules.CaseState:
    """The locked row as the rules see it."""
    return rules.CaseState(
        status=row.status,
        queue=row.queue,
        unit=row.unit,
        channel=row.channel,
        patient_id=row.patient_id,
        assignee=row.assignee,
        first_handler=row.first_handler,
        urgency=row.urgency,
        red_flags=tuple(f for f in row.red_flags.split(",") if f),
        created_at=row.created_at,
        due_at=row.due_at,
        handovers=row.handovers,
        contacts_count=row.contacts_count,
        failed_attempts=row.failed_attempts,
        first_callback_at=row.first_callback_at,
        caller_phone=row.caller_phone,
    )


def _columns(change: rules.CaseChange) -> dict[str, object]:
    """The change as column values; red flags are stored comma-separated."""
    values = change.changed()
    flags = values.get("red_flags")
    if isinstance(flags, tuple):
        values["red_flags"] = ",".join(flags)
    return values


async def _commit_change(
    conn: AsyncConnection,
    case_id: str,
    change: rules.CaseChange,
    event_type: str,
    actor: str | None,
    now: datetime,
    **extra: Any,
) -> tuple[CaseSummary, dict[str, Any]]:
    """Write the change (with updated_at and a new version) and append its event."""
    values = {**_columns(change), "updated_at": now, "version": t.cases.c.version + 1}
    await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(**values))
    summary = await load_summary(conn, case_id)
    assert summary is not None
    event = await event_log.append(conn, event_type, summary, now, actor=actor, extra=extra or None)
    return summary, event


async def queue_sms(conn: AsyncConnection, notice: SmsNotice, case_id: str, now: datetime) -> None:
    """The one way an SMS leaves: a template name into the outbox, never a text (SPEC §5)."""
    template = sms_template(notice.template)
    await conn.execute(
        insert(t.outbox).values(id=t.new_id(), channel="sms", recipient=notice.recipient, template=template, case_id=case_id, created_at=now)
    )


async def claim(hub: Hub, who: Professional, case_id: str) -> CaseSummary:
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = _state(await _visible_case(hub, conn, who, case_id))
        change = rules.claim(case, who, hub.region, now)
        summary, event = await _commit_change(conn, case_id, change, "case.claimed", who.id, now)
    if case.channel == "chat" and case.first_handler is None:
        hub.metrics.chat_wait.labels(case.unit).observe(max((now - case.created_at).total_seconds(), 0.0))
    await hub.publish([event])
    return summary


async def release(hub: Hub, who: Professional, case_id: str) -> CaseSummary:
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = _state(await _visible_case(hub, conn, who, case_id))
        change = rules.release(case, who, hub.region)
        summary, event = await _commit_change(conn, case_id, change, "case.released", who.id, now)
    await hub.publish([event])
    return summary


async def callback_attempt(hub: Hub, who: Professional, case_id: str, result: str, note: str | None) -> CaseSummary:
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = _state(await _visible_case(hub, conn, who, case_id))
        last_failed = await _last_failed_attempt(conn, case_id)
        last = is_last(result, case.failed_attempts, hub.region.sla.callback_max_attempts)
        reach = await _patient_reach(conn, case, case_id, result) if last else None  # only the last one tells anyone
        attempt = rules.record_callback_attempt(case, who, hub.region, result, now, last_failed_at=last_failed, reach=reach, tz=hub.tz)
        await conn.execute(
            insert(t.callback_attempts).values(id=t.new_id(), case_id=case_id, professional=who.id, result=result, note=note, at=now)
        )
        extra: dict[str, Any] = {"callback_attempt": result}
        if attempt.notify is not None:
            extra["patient_notified"] = attempt.notify.via
            await _tell_unreached_patient(conn, attempt.notify, case_id, who.id, now)
        summary, event = await _commit_change(conn, case_id, attempt.change, "case.updated", who.id, now, **extra)
    if attempt.first:
        delay = (now - case.created_at).total_seconds()
        hub.metrics.callback_delay.labels(case.unit, case.urgency).observe(max(delay, 0.0))
        # callbacks_due / _within_due are counted by the SLA sweep when the callback falls due
    await hub.publish([event])
    return summary


async def _last_failed_attempt(conn: AsyncConnection, case_id: str) -> datetime | None:
    a = t.callback_attempts.c
    stmt = select(func.max(a.at)).where(a.case_id == case_id, a.result != "reached")
    value = (await conn.execute(stmt)).scalar_one_or_none()
    if isinstance(value, str):  # SQLite's MAX() gives the stored text back, not the column type
        value = t.UTC().process_result_value(datetime.fromisoformat(value), conn.dialect)
    return value  # type: ignore[no-any-return]


async def _patient_reach(conn: AsyncConnection, case: rules.CaseState, case_id: str, result: str) -> PatientReach:
    """How this case's patient can be told they were not reached: the number they called from
    (else one on record; not if an attempt found it wrong), and whether they use the portal —
    they have written a secure message before, so they have logged in and read their threads there."""
    phone = case.caller_phone
    a = t.callback_attempts.c
    wrong = result == "wrong_number" or (
        await conn.execute(select(a.id).where(a.case_id == case_id, a.result == "wrong_number").limit(1))
    ).first() is not None
    if case.patient_id is None:
        return PatientReach(phone=phone, number_wrong=wrong)
    if phone is None:
        phone = (
            await conn.execute(select(t.patient_phones.c.phone).where(t.patient_phones.c.patient_id == case.patient_id).limit(1))
        ).scalar_one_or_none()
    c = t.cases.c
    uses_portal = (
        await conn.execute(select(c.id).where(c.patient_id == case.patient_id, c.channel == "secure_message").limit(1))
    ).first() is not None
    language = (await conn.execute(select(t.patients.c.language).where(t.patients.c.id == case.patient_id))).scalar_one_or_none()
    return PatientReach(phone=phone, patient_id=case.patient_id, uses_portal=uses_portal, language=language or "fi", number_wrong=wrong)


async def _tell_unreached_patient(conn: AsyncConnection, notice: FailedCallback, case_id: str, actor: str, now: datetime) -> None:
    """The last unanswered attempt: a secure message in the portal (the case becomes a thread the
    patient sees, and the outbox records it) or a content-free SMS; an internal note either way."""
    if notice.portal is not None:
        await conn.execute(
            insert(t.messages).values(id=t.new_id(), case_id=case_id, sender="system", author=None, text=notice.portal.text, at=now)
        )
        await conn.execute(
            insert(t.outbox).values(
                id=t.new_id(), channel="secure_message", recipient=notice.portal.patient_id, template="callback_failed",
                case_id=case_id, created_at=now,
            )
        )
    if notice.sms is not None:
        await queue_sms(conn, notice.sms, case_id, now)
    await conn.execute(insert(t.notes).values(id=t.new_id(), case_id=case_id, author=actor, text=notice.staff_note, at=now))


async def add_note(hub: Hub, who: Professional, case_id: str, text: str) -> NoteView:
    now = utcnow()
    async with hub.engine.begin() as conn:
        await _visible_case(hub, conn, who, case_id)
        note = NoteView(t.new_id(), who.id, text, now)
        await conn.execute(insert(t.notes).values(id=note.id, case_id=case_id, author=who.id, text=text, at=now))
        _, event = await _commit_change(conn, case_id, rules.NO_CHANGE, "case.updated", who.id, now, note=True)
    await hub.publish([event])
    return note


async def add_message(hub: Hub, who: Professional, case_id: str, text: str) -> MessageView:
    """A reply to the patient. Phone and SMS cases get a content-free SMS telling them to read it."""
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = _state(await _visible_case(hub, conn, who, case_id))
        rules.ensure_may_reply(case)
        message = MessageView(t.new_id(), "professional", who.id, text, now)
        await conn.execute(
            insert(t.messages).values(id=message.id, case_id=case_id, sender="professional", author=who.id, text=text, at=now)
        )
        phone = case.caller_phone
        if phone is None and case.patient_id and notifies_replies_by_sms(case.channel):
            phone = (
                await conn.execute(select(t.patient_phones.c.phone).where(t.patient_phones.c.patient_id == case.patient_id).limit(1))
            ).scalar_one_or_none()
        notice = reply_notice(case.channel, phone)
        if notice is not None:
            await queue_sms(conn, notice, case_id, now)
        await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(updated_at=now))
        summary = await load_summary(conn, case_id)
        assert summary is not None
        event = await event_log.append(conn, "message.created", summary, now, actor=who.id, extra={"message": message_payload(message)})
    await hub.publish([event])
    return message


async def add_patient_message(
    hub: Hub, case_id: str, text: str, sender: str = "patient", event_extra: dict[str, Any] | None = None
) -> MessageView:
    """A line from the patient's side of a thread (chat visitor, portal); the caller has already
    proven the patient's right to this case (session token, patient JWT). `event_extra` adds
    facts to the message's event (`chat: "left"` when a chat visitor left), which the case view
    reads without parsing the line's text."""
    now = utcnow()
    assessment = assess(text) if sender == "patient" else None
    events: list[dict[str, Any]] = []
    async with hub.engine.begin() as conn:
        row = (await conn.execute(select(t.cases).where(t.cases.c.id == case_id).with_for_update())).first()
        if row is None:
            raise NotFound("no such conversation")
        case = _state(row)
        rules.ensure_patient_may_write(case)
        message = MessageView(t.new_id(), sender, None, text, now)
        await conn.execute(insert(t.messages).values(id=message.id, case_id=case_id, sender=sender, author=None, text=text, at=now))
        await conn.execute(update(t.cases).where(t.cases.c.id == case_id).values(updated_at=now))
        summary = await load_summary(conn, case_id)
        assert summary is not None
        extra = {**(event_extra or {}), "message": message_payload(message)}
        events.append(await event_log.append(conn, "message.created", summary, now, extra=extra))
        escalation = rules.escalate_on_red_flag(case, assessment, hub.region, now, hub.tz) if assessment is not None else None
        if escalation is not None:
            _, event = await _commit_change(
                conn, case_id, escalation.change, "case.urgency", None, now, urgency=escalation.urgency, from_queue=case.queue
            )
            events.append(event)
    if assessment is not None and assessment.level == "emergency":
        for flag in assessment.flags:
            hub.metrics.red_flags.labels(flag).inc()
    await hub.publish(events)
    return message


def message_payload(message: MessageView) -> dict[str, Any]:
    """The message as it travels in its event: the chat visitor's stream is built from these."""
    return {"id": message.id, "from": message.sender, "text": message.text, "at": message.at, "author": message.author}


async def set_urgency(hub: Hub, who: Professional, case_id: str, level: str, reason: str) -> CaseSummary:
    now = utcnow()
    async with hub.engine.begin() as conn:
        case = _state(await _visible_case(hub, conn, who, case_id))
        change = rules.change_urgency(case, level, hub.region, now, hub.tz)
        await conn.execute(
            insert(t.notes).values(id=t.new_id(), case_id=case_id, author=who.id, text=rules.urgency_note(case.urgency, level, reason), at=now)
        )
        summary, event = await _commit_change(
            conn, case_id, change, "case.urgency", who.id, now, urgency={"from": case.urgency, "to": level, "reason": reason}
        )
    await hub.publish([event])
    return summary


async def handover(hub: Hub, who: Professional, case_id: str, to: str, note: str | None) -> CaseSummary:
    now = utcnow()
    target_unit = rules.handover_target_unit(hub.region, to)
    async with hub.engine.begin() as conn:
        case = _state(await _visible_case(hub, conn, who, case_id))
        change = rules.hand_over(case, who, hub.region, to, target_unit)
        await conn.execute(
            insert(t.notes).values(id=t.new_id(), case_id=case_id, author=who.id, text=rules.handover_note(case.queue, to, note), at=now)
        )
        summary, event = await _commit_change(conn, case_id, change, "case.handed_over", who.id, now, from_queue=case.queue)
    await hub.publish([event])
    return summary


async def resolve(
    hub: Hub,
    who: Professional,
    case_id: str,
    outcome: str,
    follow_up: str | None,
    patient_informed: bool | None,
    care_pathway: str | None,
    survey_sms: bool = False,
) -> CaseSummary:
    """Resolve, and hand the patient the survey link in the same transaction (SPEC §9): a secure
    message thread gets a system message with it in the patient's language; a phone caller who
    agreed during the call (`survey_sms`) gets the content-free `survey` SMS template."""
    now = utcnow()
    code = rules.outcome_code(hub.region, outcome, care_pathway)
    async with hub.engine.begin() as conn:
        case = _state(await _visible_case(hub, conn, who, case_id))
        change = rules.resolve(case, who, hub.region, outcome, follow_up, patient_informed, care_pathway, now)
        sms = survey_rules.survey_sms(case.caller_phone, survey_sms)
        summary, event = await _commit_change(conn, case_id, change, "case.resolved", who.id, now, outcome=outcome)
        if case.channel == "secure_message" and case.patient_id:
            language = (
                await conn.execute(select(t.patients.c.language).where(t.patients.c.id == case.patient_id))
            ).scalar_one_or_none()
            text = survey_rules.survey_message(survey_token(hub.settings.secret_key, case_id), language)
            await conn.execute(
                insert(t.messages).values(id=t.new_id(), case_id=case_id, sender="system", author=None, text=text, at=now)
            )
        if sms is not None:
            await queue_sms(conn, sms, case_id, now)
    fcr = first_contact_resolution(case.handovers, case.contacts_count, case.first_handler, who.id)
    hub.metrics.resolved.labels(case.unit, outcome, "true" if fcr else "false").inc()
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
        case = _state(await _visible_case(hub, conn, who, case_id))
        rules.ensure_linkable(case, who, region)
        p = (await conn.execute(select(t.patients).where(t.patients.c.id == patient_id))).first()
        if p is None:
            raise NotFound(f"no patient {patient_id!r}", code="patient_not_found")
        if case.caller_phone:
            await conn.execute(
                upsert_insert(conn, t.patient_phones)
                .values(phone=case.caller_phone, patient_id=patient_id)
                .on_conflict_do_update(index_elements=["phone"], set_={"patient_id": patient_id})
            )
        await conn.execute(update(t.contacts).where(t.contacts.c.case_id == case_id).values(patient_id=patient_id))
        await log_access(conn, patient_id, who.id, case_id, "link_patient")
        open_row = (
            await conn.execute(
                select(t.cases.c.id, t.cases.c.contacts_count)
                .where(t.cases.c.patient_id == patient_id, t.cases.c.id != case_id, mergeable_case())
                .order_by(t.cases.c.created_at.desc())
                .limit(1)
                .with_for_update()
            )
        ).first()
        if open_row is not None:
            # Rule 6: the patient already has an open matter; this contact joins it.
            await conn.execute(update(t.contacts).where(t.contacts.c.case_id == case_id).values(case_id=open_row.id, merged=True))
            closing = rules.merge_into_open_case(who, patient_id, open_row.id, now)
            _, closed = await _commit_change(conn, case_id, closing, "case.resolved", who.id, now, merged_into=open_row.id)
            joined = rules.join_contacts(open_row.contacts_count, case.contacts_count)
            target, updated = await _commit_change(conn, open_row.id, joined, "case.updated", who.id, now, merged_from=case_id)
            events += [closed, updated]
        else:
            facts = PatientFacts(
                id=p.id, named_nurse=p.named_nurse, responsible_worker=p.responsible_worker, responsible_until=p.responsible_until
            )
            if p.named_nurse:
                load = await personal_load(conn, p.named_nurse)
                staffing = msgspec.structs.replace(staffing, open_cases={p.named_nurse: load})
            decision = route_identified(facts, staffing, region, now, case.unit)
            change = rules.reroute_identified(case, region, patient_id, decision)
            target, updated = await _commit_change(conn, case_id, change, "case.handed_over", who.id, now, from_queue=case.queue)
            events.append(updated)
            hub.metrics.routing.labels(target.unit, decision.reason).inc()
    await hub.publish(events)
    return target
