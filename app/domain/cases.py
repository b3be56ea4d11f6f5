"""Working a case: who may claim, release, call back, reply, hand over, re-route and resolve it.

Each rule is a pure function of the case as it stands (`CaseState`, read under the row lock) and
the professional acting. It either answers with the columns to change (`CaseChange`) or raises
the `Conflict`/`Invalid` the professional sees — the texts are part of the API, clients show them.

The rules in short:
- A resolved case is closed: nothing but notes is added to it.
- A claimed case belongs to its claimer. Others get "claimed by <name>"; a supervisor or an admin
  may still release it or hand it over (`access.may_override`).
- Acting on an unclaimed case (a callback attempt) claims it: whoever calls the patient has it.
- Only the claimer resolves, so that the outcome is recorded by the person who did the work.
- A case waiting for a follow-up (app.domain.follow_ups) is not claimed, called or handed over
  until its follow-up is cancelled; notes, replies and urgency changes are fine.
- The first professional to take a case is remembered (`first_handler`) for first-contact
  resolution.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import msgspec
from msgspec import UNSET, UnsetType

from app.domain import sla
from app.domain.access import may_override
from app.domain.common import URGENCY_RANK, CaseStatus, Channel, Urgency
from app.domain.errors import Conflict, Invalid
from app.domain.callbacks import FailedCallback, PatientReach, after_failed_attempt, ensure_gap, failed
from app.domain.region import OutcomeCode, Professional, Region, queue_kind, queue_unit
from app.domain.routing import Decision, emergency_queue
from app.domain.urgency import Assessment


class CaseState(msgspec.Struct, frozen=True, kw_only=True):
    """What the rules need to know of a case, as it stands in the locked row."""

    status: CaseStatus
    queue: str
    unit: str
    channel: Channel
    patient_id: str | None = None
    assignee: str | None = None
    first_handler: str | None = None
    urgency: Urgency = "unassessed"
    red_flags: tuple[str, ...] = ()
    created_at: datetime
    due_at: datetime
    handovers: int = 0
    contacts_count: int = 1
    failed_attempts: int = 0
    first_callback_at: datetime | None = None
    caller_phone: str | None = None


class CaseChange(msgspec.Struct, frozen=True, kw_only=True):
    """Columns of the case to write; a field left UNSET is not touched (None writes NULL)."""

    status: CaseStatus | UnsetType = UNSET
    queue: str | UnsetType = UNSET
    unit: str | UnsetType = UNSET
    routing_reason: str | UnsetType = UNSET
    assignee: str | None | UnsetType = UNSET
    claimed_at: datetime | None | UnsetType = UNSET
    first_handler: str | UnsetType = UNSET
    handovers: int | UnsetType = UNSET
    contacts_count: int | UnsetType = UNSET
    first_callback_at: datetime | UnsetType = UNSET
    failed_attempts: int | UnsetType = UNSET
    urgency: str | UnsetType = UNSET  # common.Urgency
    urgency_rank: int | UnsetType = UNSET
    urgency_source: str | UnsetType = UNSET
    red_flags: tuple[str, ...] | UnsetType = UNSET
    due_at: datetime | UnsetType = UNSET
    at_risk_at: datetime | UnsetType = UNSET
    at_risk: bool | UnsetType = UNSET
    overdue: bool | UnsetType = UNSET
    patient_id: str | UnsetType = UNSET
    outcome: str | UnsetType = UNSET
    follow_up: str | None | UnsetType = UNSET
    patient_informed: bool | None | UnsetType = UNSET
    care_pathway: str | None | UnsetType = UNSET
    resolved_by: str | UnsetType = UNSET
    resolved_at: datetime | UnsetType = UNSET
    merged_into: str | UnsetType = UNSET
    promised_at: datetime | UnsetType = UNSET  # the first promise of a callback carried to the next day

    def changed(self) -> dict[str, object]:
        """The set fields, by column name."""
        return {name: value for name in self.__struct_fields__ if (value := getattr(self, name)) is not UNSET}

    def then(self, later: CaseChange) -> CaseChange:
        """This change followed by `later` (later wins where both set a column)."""
        return msgspec.structs.replace(self, **later.changed())


NO_CHANGE = CaseChange()


def display_name(region: Region, professional_id: str | None) -> str:
    """How a colleague is named in a conflict message ("claimed by Aino Nurminen")."""
    p = region.professional_by_id.get(professional_id or "")
    return p.name if p else (professional_id or "nobody")


def claimed_by_other(case: CaseState, region: Region) -> Conflict:
    holder = display_name(region, case.assignee)
    return Conflict(f"claimed by {holder}", code="claimed_by", assignee=case.assignee, holder=holder)


def ensure_open(case: CaseState) -> None:
    """A resolved case takes no more work (a new contact opens a new case)."""
    if case.status == "resolved":
        raise Conflict("case is already resolved", code="already_resolved")


def ensure_not_waiting(case: CaseState) -> None:
    """A case set aside for a follow-up is worked again by cancelling the follow-up (it then
    comes back at once, app.domain.follow_ups), so that no follow-up is left behind to fire later."""
    if case.status == "waiting":
        raise Conflict("the case waits for a follow-up; cancel the follow-up to work on it now", code="case_waiting")


def _claimed_for(case: CaseState, who: Professional, now: datetime) -> CaseChange:
    first = who.id if case.first_handler is None else UNSET
    return CaseChange(status="claimed", assignee=who.id, claimed_at=now, first_handler=first)


# ------------------------------------------------------------------------------------- claiming


def claim(case: CaseState, who: Professional, region: Region, now: datetime) -> CaseChange:
    """Take an unclaimed case. Of two nurses claiming at once exactly one wins (the row lock
    orders them); the other learns who has it."""
    ensure_open(case)
    ensure_not_waiting(case)
    if case.status == "claimed":
        if case.assignee == who.id:
            raise Conflict("you have already claimed this case", code="already_claimed", assignee=who.id)
        raise claimed_by_other(case, region)
    return _claimed_for(case, who, now)


def release(case: CaseState, who: Professional, region: Region) -> CaseChange:
    """Put a claimed case back in its queue: the claimer, or a supervisor for an absent one."""
    if case.status != "claimed":
        raise Conflict("case is not claimed", code="not_claimed")
    if case.assignee != who.id and not may_override(who):
        holder = display_name(region, case.assignee)
        raise Conflict(
            f"claimed by {holder}; only they or a supervisor may release it", code="release_not_allowed", assignee=case.assignee, holder=holder
        )
    return CaseChange(status="new", assignee=None, claimed_at=None)


def take_up(case: CaseState, who: Professional, region: Region, now: datetime) -> CaseChange:
    """Working on an unclaimed case claims it for you; working on someone else's is a conflict."""
    ensure_open(case)
    ensure_not_waiting(case)
    if case.status == "claimed":
        if case.assignee != who.id:
            raise claimed_by_other(case, region)
        return NO_CHANGE
    return _claimed_for(case, who, now)


# ------------------------------------------------------------------------------------ callbacks


class CallbackAttempt(msgspec.Struct, frozen=True):
    change: CaseChange
    first: bool  # the first callback attempt on this case (the callback delay is measured to it)
    notify: FailedCallback | None  # the last unanswered attempt: tell the patient (portal or SMS)


def record_callback_attempt(
    case: CaseState,
    who: Professional,
    region: Region,
    result: str,
    now: datetime,
    *,
    last_failed_at: datetime | None = None,
    reach: PatientReach | None = None,
    tz: ZoneInfo | None = None,
) -> CallbackAttempt:
    """Calling the patient back takes the case up and counts unanswered attempts, under the
    region's callback policy (app.domain.callbacks): an unanswered attempt too soon after the
    previous one (`last_failed_at`) is refused, and the one that reaches `callback_max_attempts`
    tells the patient — in the portal or by a content-free SMS (`reach`: how they can be told;
    by default the case's caller number)."""
    change = take_up(case, who, region, now)  # open, and not someone else's: said before the gap
    policy = region.sla
    ensure_gap(result, last_failed_at, now, policy.callback_min_gap, tz or ZoneInfo(region.region.timezone))
    first = case.first_callback_at is None
    count = case.failed_attempts + (1 if failed(result) else 0)
    change = change.then(CaseChange(first_callback_at=now if first else UNSET, failed_attempts=count))
    reach = reach or PatientReach(phone=case.caller_phone, patient_id=case.patient_id)
    unit_number = region.unit_by_id[case.unit].callback_number
    notify = after_failed_attempt(result, count, policy.callback_max_attempts, policy.callback_after_last, reach, unit_number)
    return CallbackAttempt(change, first, notify)


# ------------------------------------------------------------------------------------- messages


def ensure_may_reply(case: CaseState) -> None:
    """A professional replies only on an open case; a resolved matter is answered in a new one.
    Outside a live chat the patient reads a reply in the portal, which shows them only their own
    (identified) cases: to an unidentified caller a reply would be a message nobody can read and
    an SMS pointing to nothing, so it is refused until the patient is linked."""
    ensure_open(case)
    if case.channel != "chat" and case.patient_id is None:
        raise Conflict(
            "the caller is not identified, so they cannot read a reply in the portal: link the patient first, or call back",
            code="reply_unreadable",
        )


def ensure_patient_may_write(case: CaseState) -> None:
    """The patient's side of a resolved case is closed: they start a new conversation."""
    if case.status == "resolved":
        raise Conflict("this conversation has ended", code="conversation_ended")


class Escalation(msgspec.Struct, frozen=True):
    change: CaseChange
    urgency: dict[str, str | list[str]]  # the event's record of the change: from, to, reason, flags


def escalate_on_red_flag(case: CaseState, assessment: Assessment, region: Region, now: datetime, tz: ZoneInfo) -> Escalation | None:
    """A red flag later in the conversation escalates like one at intake (SPEC §6 rule 1): the
    case becomes an emergency on the emergency clock. An unclaimed matter moves to the urgent
    queue; a claimed one stays with its nurse, who is already talking to the patient.

    None when the line raised no red flag or the case is an emergency already."""
    if assessment.level != "emergency" or case.urgency == "emergency":
        return None
    due = sla.due_after_urgency_change(
        case.created_at, case.due_at, case.urgency, "emergency", now, region.unit_by_id[case.unit], region.sla, tz
    )
    change = CaseChange(
        urgency="emergency",
        urgency_rank=URGENCY_RANK["emergency"],
        urgency_source="rules",
        red_flags=tuple(sorted(set(case.red_flags) | set(assessment.flags))),
        due_at=due,
        at_risk_at=sla.at_risk_at(now, due, region.sla.at_risk_fraction),
    )
    if case.status == "new":
        decision = emergency_queue(case.unit)
        change = change.then(CaseChange(queue=decision.queue, routing_reason=decision.reason))
    record: dict[str, str | list[str]] = {
        "from": case.urgency,
        "to": "emergency",
        "reason": assessment.explanation,
        "flags": list(assessment.flags),
    }
    return Escalation(change, record)


# -------------------------------------------------------------------------------------- urgency


def change_urgency(case: CaseState, level: str, region: Region, now: datetime, tz: ZoneInfo) -> CaseChange:
    """A professional's assessment replaces the rules' suggestion; the due time follows the new
    level (sla.due_after_urgency_change) and the at-risk flag starts over."""
    ensure_open(case)
    due = sla.due_after_urgency_change(
        case.created_at, case.due_at, case.urgency, level, now, region.unit_by_id[case.unit], region.sla, tz
    )
    return CaseChange(
        urgency=level,
        urgency_rank=URGENCY_RANK[level],
        urgency_source="professional",
        due_at=due,
        at_risk_at=sla.at_risk_at(min(now, due), due, region.sla.at_risk_fraction),
        at_risk=False,
        overdue=due <= now,  # the sweep looks at the new due time afresh
    )


def urgency_note(old: str, new: str, reason: str) -> str:
    """The note every urgency change leaves: SPEC §7 asks for a reason, logged."""
    return f"Urgency {old} → {new}: {reason}"


# ------------------------------------------------------------------------------------- handover


def handover_target_unit(region: Region, to: str) -> str:
    """The unit of the queue a case is handed to; the queue must exist in the region."""
    unit = queue_unit(region, to)
    if unit is None:
        raise Invalid(f"no queue {to!r}: use personal:<professional>, team:<team> or <kind>:<unit>", code="unknown_queue", queue=to)
    return unit


def hand_over(case: CaseState, who: Professional, region: Region, to: str, target_unit: str) -> CaseChange:
    """Move a case to another queue, unclaimed. The claimer or a supervisor may hand over a
    claimed case; anyone who sees an unclaimed one may. Handing a claimed case to its own queue
    is allowed: it releases it there. Every handover counts against first-contact resolution."""
    ensure_open(case)
    ensure_not_waiting(case)
    if case.status == "claimed" and case.assignee != who.id and not may_override(who):
        raise claimed_by_other(case, region)
    if to == case.queue and case.status != "claimed":
        raise Conflict(f"case is already in {to}", code="already_in_queue", queue=to)
    return CaseChange(queue=to, unit=target_unit, status="new", assignee=None, claimed_at=None, handovers=case.handovers + 1)


def handover_note(from_queue: str, to: str, note: str | None) -> str:
    """The note every handover leaves, with the professional's words when given."""
    return f"Handed over {from_queue} → {to}" + (f": {note}" if note else "")


# -------------------------------------------------------------------------------------- resolve


def outcome_code(region: Region, outcome: str, care_pathway: str | None) -> OutcomeCode:
    """The region's outcome code for `outcome` (SPEC §9: exactly one from the region's list); a
    care pathway, when given, must be one of the region's."""
    code = region.outcome_by_code.get(outcome)
    if code is None:
        raise Invalid(f"unknown outcome code {outcome!r}; known: {', '.join(region.outcome_by_code)}", code="unknown_outcome", outcome=outcome)
    if care_pathway is not None and care_pathway not in region.pathway_by_id:
        raise Invalid(f"unknown care pathway {care_pathway!r}", code="unknown_pathway", care_pathway=care_pathway)
    return code


def resolve(
    case: CaseState,
    who: Professional,
    region: Region,
    outcome: str,
    follow_up: str | None,
    patient_informed: bool | None,
    care_pathway: str | None,
    now: datetime,
) -> CaseChange:
    """Only the professional who claimed the case resolves it — not a supervisor either: the
    outcome, the follow-up and whether the patient knows it are that person's account."""
    ensure_open(case)
    if case.status != "claimed" or case.assignee != who.id:
        if case.status == "claimed":
            holder = display_name(region, case.assignee)
            raise Conflict(
                f"only the professional who claimed the case may resolve it (it is claimed by {holder})",
                code="resolve_not_claimer",
                assignee=case.assignee,
                holder=holder,
            )
        raise Conflict("only the professional who claimed the case may resolve it (it is not claimed)", code="resolve_not_claimed")
    return CaseChange(
        status="resolved",
        outcome=outcome,
        follow_up=follow_up,
        patient_informed=patient_informed,
        care_pathway=care_pathway,
        resolved_by=who.id,
        resolved_at=now,
    )


# --------------------------------------------------------------------------------- link patient


def ensure_linkable(case: CaseState, who: Professional, region: Region) -> None:
    """Only an unidentified caller's case (overflow queue) gets a patient linked afterwards, and
    a case someone has claimed only by them or a supervisor: linking re-routes it, which would
    pull the matter from under the colleague who is talking to the caller."""
    if queue_kind(case.queue) != "overflow":
        raise Conflict(f"case is not in an overflow queue (it is in {case.queue})", code="not_overflow", queue=case.queue)
    ensure_open(case)
    if case.status == "claimed" and case.assignee != who.id and not may_override(who):
        raise claimed_by_other(case, region)


def merge_into_open_case(who: Professional, patient_id: str, open_case_id: str, now: datetime) -> CaseChange:
    """Rule 6 after the fact: the linked patient already has an open matter, so this case closes
    into it (its contacts move there)."""
    return CaseChange(status="resolved", patient_id=patient_id, merged_into=open_case_id, resolved_at=now, resolved_by=who.id)


def join_contacts(open_case_contacts: int, merged_contacts: int) -> CaseChange:
    """The open matter now counts the merged case's contacts too (they count against FCR)."""
    return CaseChange(contacts_count=open_case_contacts + merged_contacts)


def reroute_identified(case: CaseState, region: Region, patient_id: str, decision: Decision) -> CaseChange:
    """The caller is now known: the case goes where routing sends an identified patient,
    unclaimed, as if the call had been identified at intake."""
    return CaseChange(
        patient_id=patient_id,
        queue=decision.queue,
        unit=queue_unit(region, decision.queue) or case.unit,
        routing_reason=decision.reason,
        status="new",
        assignee=None,
        claimed_at=None,
    )
