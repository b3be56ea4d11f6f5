"""Intake's decisions: a channel's contact → its urgency, its route, and the rows and events to write.

Pure: the store reads what routing needs (`IntakeContext`) and writes what `plan` returns; every
rule between the two — triage precedence, rule 6's merge, the due time, the events — is here.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo
from typing import Any, Literal

import msgspec

from app.domain import sla
from app.domain.common import URGENCY_RANK, new_id
from app.domain.errors import Invalid
from app.domain.region import Region, queue_unit
from app.domain.routing import Contact, PatientFacts, Staffing, route
from app.domain.summary import CaseSummary, event_body, summary_from_row
from app.domain import findings as found
from app.domain.urgency import Finding, assess


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
    lang: str | None = None  # the language the channel states (a chat's); None: not stated
    emergency_flags: tuple[str, ...] = ()  # red flags the channel already established (pre-form)
    display_name: str | None = None  # an anonymous chat visitor's own name for themselves
    subject: str | None = None  # a secure message's subject

    @property
    def is_thread(self) -> bool:
        """Text channels: what the patient wrote is also the first line of the conversation."""
        return self.channel in THREAD_CHANNELS


THREAD_CHANNELS = ("chat", "secure_message", "sms")

# A platform's clock may run a little ahead of ours; further than this is a broken clock.
FUTURE_SLACK = timedelta(minutes=5)


def received_time(stated: datetime | None, now: datetime) -> datetime:
    """When a platform says it received the contact (now, if it does not say), in UTC; a time
    further in the future than a clock's drift is refused rather than trusted (due times count
    from it). Python accepts offsets up to ±23:59 and PostgreSQL only to ±15:59: stored in UTC,
    any offset the platform chose is fine (the fuzzer sent "+22:59", which answered 500)."""
    received = (stated or now).astimezone(UTC)
    if received - now > FUTURE_SLACK:
        raise Invalid("received_at is more than 5 minutes in the future; check the platform's clock")
    return received


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


class Triage(msgspec.Struct):
    urgency: str
    source: str
    flags: list[str]  # the red flags (emergency/urgent, counted): the case's `red_flags`
    emergency: bool
    findings: tuple[Finding, ...] = ()  # everything the rules found, counted or not, for the nurse


def triage(contact: InboundContact, directory_language: str | None = None) -> Triage:
    """Urgency before routing: red flags (rules) first, then line 2, else unassessed. The text is
    read in the channel's language, else the identified patient's directory language, else the
    engine guesses (`findings.reading_language`)."""
    lang = found.reading_language(contact.lang, directory_language)
    assessment = assess(contact.text, contact.answers, lang) if (contact.text or contact.answers) else None
    findings = found.from_contact(assessment, contact.emergency_flags)
    flags = sorted(set(contact.emergency_flags) | set(found.red_flags(findings)))
    emergency = bool(contact.emergency_flags) or (assessment is not None and assessment.level == "emergency")
    if emergency:
        return Triage("emergency", "rules", flags, True, findings)
    if assessment is not None and assessment.level != "unassessed":
        return Triage(assessment.level, "rules", flags, False, findings)
    if contact.line == 2:
        return Triage("urgent", "line", flags, False, findings)
    return Triage("unassessed", "none", flags, False, findings)




# ------------------------------------------------------------------------------- the decision


class IntakeContext(msgspec.Struct):
    """What the store reads for one contact: the patient, their open matter, their nurse's load."""

    facts: PatientFacts | None = None
    name: str | None = None
    nurse_load: int = 0
    open_case: CaseSummary | None = None  # rule 6's candidate, as the read saw it
    open_version: int | None = None
    # what a new case's summary shows of the patient besides the name (the patient record's columns)
    language: str | None = None
    interpreter_language: str | None = None
    hearing_impaired: bool = False
    open_findings: tuple[Finding, ...] = ()  # the open case's urgency findings and red flags, as read
    open_red_flags: tuple[str, ...] = ()
    shared_client: bool = False  # the stored hint (app.domain.shared_clients.summary_flag)

    def patient_columns(self) -> dict[str, Any]:
        """The patient's facts named as `summary_from_row` reads them (`PATIENT_COLUMNS`)."""
        return {
            "patient_name": self.name,
            "patient_language": self.language,
            "patient_interpreter_language": self.interpreter_language,
            "patient_hearing_impaired": self.hearing_impaired,
            "patient_shared_client": self.shared_client,
        }


# Rows to write, named like their columns: both stores write exactly these fields.


class ContactRecord(msgspec.Struct):
    id: str
    channel: str
    external_id: str
    case_id: str
    patient_id: str | None
    unit: str
    line: int | None
    caller: str | None
    dialed: str | None
    text: str | None
    received_at: datetime
    created_at: datetime
    merged: bool
    display_name: str | None
    response: str  # the answer as JSON: a retry of this contact gets it back


class CaseRecord(msgspec.Struct):
    id: str
    status: str
    queue: str
    unit: str
    urgency: str
    urgency_rank: int
    urgency_source: str
    red_flags: str
    urgency_findings: str  # JSON (app.domain.findings.encode)
    due_at: datetime
    at_risk_at: datetime
    at_risk: bool
    overdue: bool
    channel: str
    line: int | None
    patient_id: str | None
    caller_phone: str | None
    routing_reason: str
    subject: str | None
    contacts_count: int
    handovers: int
    failed_attempts: int
    created_at: datetime
    updated_at: datetime
    version: int


class MergeRecord(msgspec.Struct):
    """One more contact on the open matter — applied only if the case is still at `version`."""

    id: str
    version: int
    updated_at: datetime
    # the case's findings and red flags with this contact's joined in; None: unchanged. Exact,
    # because the merge applies only to the version they were read from.
    urgency_findings: str | None = None
    red_flags: str | None = None


class MessageRecord(msgspec.Struct):
    id: str
    case_id: str
    sender: str
    author: str | None
    text: str
    at: datetime


class IntakePlan(msgspec.Struct):
    """Everything one contact writes, decided before any write: the caller's answer, the rows,
    and the events (bodies without their seq, in order)."""

    result: IntakeResult
    contact: ContactRecord
    case: CaseRecord | None  # a new case, or
    merge: MergeRecord | None  # one more contact on the open matter
    message: MessageRecord | None  # text channels: the patient's words open the conversation
    events: list[dict[str, Any]]
    unit: str  # where the case now lives (its events are filed under it)

    @property
    def new_for_nurse(self) -> str | None:
        """The professional whose personal queue gains a new case (capacity, rule 10)."""
        if self.case is None or not self.result.queue.startswith("personal:"):
            return None
        return self.result.queue.removeprefix("personal:")


# What writing one planned contact came to: its events' seqs, or
#   "changed"   — a merge whose case changed since the read: nothing written, plan it again;
#   "duplicate" — its channel id was taken before (a retry): nothing written, answer as stored.
Outcome = list[int] | Literal["changed", "duplicate"]

_encode = msgspec.json.Encoder().encode


def _merged_findings(ctx: IntakeContext, tri: Triage) -> tuple[str | None, str | None]:
    """(findings, red flags) of the open case once this contact's are joined in; None where
    nothing changes. The urgency stays: a contact that is an emergency is not merged (rule 1)."""
    merged = found.merge(ctx.open_findings, tri.findings)
    if merged == found.ordered(ctx.open_findings):
        return None, None
    before = tuple(sorted(ctx.open_red_flags))
    after = tuple(sorted(set(before) | set(found.red_flags(merged))))
    return found.encode(merged), (",".join(after) if after != before else None)


def plan(
    contact: InboundContact,
    ctx: IntakeContext,
    staffing: Staffing,
    region: Region,
    tz: ZoneInfo,
    now: datetime,
) -> IntakePlan:
    """Triage and route the contact (SPEC §6, §7) and decide what to write: a new case with its
    due time, or one more contact on the patient's open matter (rule 6) — and the events."""
    tri = triage(contact, ctx.language)
    decision = route(
        Contact(channel=contact.channel, unit=contact.unit, line=contact.line, emergency=tri.emergency),
        ctx.facts,
        staffing,
        region,
        now,
    )
    received = min(contact.received_at, now)
    patient_id = ctx.facts.id if ctx.facts else None
    case: CaseRecord | None = None
    merge: MergeRecord | None = None
    if decision.merge_into is not None:
        open_case, version = ctx.open_case, ctx.open_version
        assert open_case is not None and version is not None and open_case.id == decision.merge_into
        due = open_case.due_at.astimezone(tz)
        result = IntakeResult(
            contact_id=new_id(),
            case_id=open_case.id,
            queue=decision.queue,
            routing_reason=decision.reason,
            urgency=open_case.urgency,
            due_at=due,
            promised_callback_by=due,
            merged=True,
            red_flags=tri.flags,
        )
        # Exact as long as the case is still at the version read: the store checks that.
        summary = msgspec.structs.replace(open_case, contacts=open_case.contacts + 1, updated_at=now)
        merge = MergeRecord(open_case.id, version, now, *_merged_findings(ctx, tri))
        events = [event_body("case.updated", summary, now, extra={"contact": "merged"})]
    else:
        due = sla.due_at(received, tri.urgency, region.unit_by_id[contact.unit], region.sla, tz)
        result = IntakeResult(
            contact_id=new_id(),
            case_id=new_id(),
            queue=decision.queue,
            routing_reason=decision.reason,
            urgency=tri.urgency,
            due_at=due,
            promised_callback_by=due,  # the promise told to the caller is the due time (sla.promised_callback_by)
            merged=False,
            red_flags=tri.flags,
        )
        unit = queue_unit(region, decision.queue) or contact.unit
        case = CaseRecord(
            id=result.case_id,
            status="new",
            queue=decision.queue,
            unit=unit,
            urgency=tri.urgency,
            urgency_rank=URGENCY_RANK[tri.urgency],
            urgency_source=tri.source,
            red_flags=",".join(tri.flags),
            urgency_findings=found.encode(tri.findings),
            due_at=due,
            at_risk_at=sla.at_risk_at(received, due, region.sla.at_risk_fraction),
            at_risk=False,
            overdue=False,
            channel=contact.channel,
            line=contact.line,
            patient_id=patient_id,
            caller_phone=contact.caller,
            routing_reason=decision.reason,
            subject=contact.subject,
            contacts_count=1,
            handovers=0,
            failed_attempts=0,
            created_at=received,
            updated_at=now,
            version=1,
        )
        summary = summary_from_row(msgspec.structs.asdict(case) | {"assignee": None}, ctx.patient_columns())
        events = [event_body("case.created", summary, now)]
    message = None
    if contact.is_thread and contact.text:
        message = MessageRecord(new_id(), result.case_id, "patient", None, contact.text, now)
        line = {"id": message.id, "from": "patient", "text": message.text, "at": now, "author": None}
        events.append(event_body("message.created", summary, now, extra={"message": line}))
    record = ContactRecord(
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
    return IntakePlan(result, record, case, merge, message, events, summary.unit)
