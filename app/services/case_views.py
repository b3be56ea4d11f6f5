"""Reading cases: the inbox list, one case whole (its timeline, patient and history), and the
check a page makes before it shows a case. Every read of patient data leaves an access-log entry
(Client Data Act 703/2023 §11). The changes are app/services/cases.py's.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import ColumnElement, Row, and_, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import utcnow
from app.db import events as event_log
from app.db import schema as t
from app.db.engine import read_statement
from app.db.summaries import load_summary, summary_page_select, summary_select
from app.domain import findings as found
from app.domain.access import inbox_queues, lists_my_claimed_cases, may_see
from app.domain.common import INBOX_STATUSES
from app.domain.errors import Forbidden, NotFound
from app.domain.region import Professional
from app.domain.summary import CaseSummary, summary_from_row
from app.domain.urgency import FLAG_LABELS, Finding, explain, reason
from app.hub import Hub


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


class FollowUpView(msgspec.Struct):
    """A follow-up agreed with the patient (app.domain.follow_ups): when the case comes back, and
    to whom (`holder`; `queue` is where the case was when it was set aside)."""

    id: str
    case_id: str
    at: datetime
    note: str
    holder: str | None
    queue: str
    state: str  # scheduled | returned | cancelled
    created_by: str
    created_at: datetime
    done_at: datetime | None


class PatientBrief(msgspec.Struct):
    id: str
    name: str
    language: str
    named_nurse: str | None
    interpreter_language: str | None
    hearing_impaired: bool


class FindingView(msgspec.Struct):
    """One thing the urgency rules found, as the nurse reads it: `label` and `reason` in the
    professional's language, `matched` the patient's own words (data: show as text)."""

    flag: str
    label: str
    level: str
    status: str  # counted | negated | history
    matched: list[str]
    rule: str
    reason: str


def finding_views(findings: tuple[Finding, ...], lang: str) -> list[FindingView]:
    return [
        FindingView(f.flag, FLAG_LABELS.get(f.flag, {}).get(lang, f.flag), f.level, f.status, list(f.matched), f.rule, reason(f.flag, lang))
        for f in found.ordered(findings)
    ]


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
    follow_ups: list[FollowUpView] = msgspec.field(default_factory=list)
    promised_at: datetime | None = None  # carried over at the end of a day: the callback time first promised
    # why the rules suggested the urgency, in the professional's language (rules suggest, the nurse decides)
    urgency_findings: list[FindingView] = msgspec.field(default_factory=list)
    urgency_explanation: str = ""


# ---------------------------------------------------------------------------------------- reads


async def inbox(hub: Hub, who: Professional, filter_: str, unit: str | None, limit: int = 50) -> list[CaseSummary]:
    unit = unit or who.unit
    if unit not in hub.region.unit_by_id:
        raise NotFound(f"no unit {unit!r}")
    queues = inbox_queues(hub.region, who, filter_, unit)
    if queues is None:
        raise Forbidden(f"a {who.role} may not open the {filter_!r} inbox of unit {unit!r}")
    c = t.cases.c
    where: ColumnElement[bool] = c.queue.in_(queues)
    if lists_my_claimed_cases(filter_):
        where = where | (c.assignee == who.id)
    stmt = summary_page_select(and_(where, c.status.in_(INBOX_STATUSES)), limit)
    return [summary_from_row(r._mapping) for r in await read_statement(hub.engine, stmt)]


async def get_case(hub: Hub, who: Professional, case_id: str, lang: str = "fi") -> CaseDetail:
    """The case whole; its urgency findings' labels, reasons and explanation in `lang`."""
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
        follow_ups = await case_follow_ups(conn, cid)
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
    findings = found.decode(case.urgency_findings)
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
        follow_ups=follow_ups,
        promised_at=case.promised_at,
        urgency_findings=finding_views(findings, lang),
        urgency_explanation=explain(findings, lang),
    )


async def case_follow_ups(conn: AsyncConnection, case_id: str) -> list[FollowUpView]:
    """The case's follow-ups, earliest set first."""
    f = t.follow_ups.c
    rows = (await conn.execute(select(t.follow_ups).where(f.case_id == case_id).order_by(f.created_at, f.id))).all()
    return [
        FollowUpView(r.id, r.case_id, r.at, r.note, r.holder, r.queue, r.state, r.created_by, r.created_at, r.done_at) for r in rows
    ]


async def visible_summary(hub: Hub, who: Professional, case_id: str) -> CaseSummary:
    """The case's summary when `who` may see it, else NotFound — the case page's check before it
    serves its shell. It reads no patient data, so it leaves no access-log entry (the page's own
    `GET /api/cases/{id}` does)."""
    async with hub.engine.connect() as conn:
        summary = await load_summary(conn, case_id)
    if summary is None or not may_see(hub.region, who, summary.queue, summary.assignee):
        raise NotFound(f"no case {case_id!r} that you may see", code="case_not_found")
    return summary


async def log_access(conn: AsyncConnection, patient_id: str, professional: str, case_id: str | None, action: str) -> None:
    await conn.execute(
        insert(t.access_log).values(at=utcnow(), patient_id=patient_id, professional=professional, case_id=case_id, action=action)
    )


async def _visible_case(hub: Hub, conn: AsyncConnection, who: Professional, case_id: str, lock: bool = True) -> Row[Any]:
    stmt = select(t.cases).where(t.cases.c.id == case_id)
    if lock:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    if row is None or not may_see(hub.region, who, row.queue, row.assignee):
        raise NotFound(f"no case {case_id!r} that you may see", code="case_not_found")
    return row
