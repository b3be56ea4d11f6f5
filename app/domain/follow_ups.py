"""Follow-ups agreed with the patient ("I will call you on Thursday", SPEC §8): the case waits
out of the active inbox and comes back when due.

Pure rules; the service (app/services/follow_ups.py) reads and locks, the job
(app/jobs/follow_ups.py) brings due ones back. The rules:

- Who sets one: the claimer of the case (they become its holder), or a supervisor/admin on a
  colleague's claimed case (the claimer stays the holder). Working on an unclaimed case takes it
  up (as a callback attempt does): the nurse becomes the holder. A supervisor's follow-up on an
  unclaimed case has no holder: it returns to the queue it was in.
- `at` lies in the future and at most a year ahead; the note says what was agreed (1–1000
  characters, not only blanks). A resolved case takes none; a case already waiting must have its
  follow-up cancelled first.
- While waiting the case is out of the active inbox (status `waiting`), still held by the holder
  (assignee), its queue unchanged; the SLA sweep leaves it alone.
- It comes back `new` (unclaimed) in the holder's personal queue — their substitute's when they
  are absent that moment, else their team's (routing rule 9's order) — or, without a holder, in
  the queue it was in; routing reason `follow_up`.
- Its due time on return: the case must be worked that working day. Within opening hours the
  callback promise runs from the follow-up time (capped at closing); outside them (or at a
  closed day) from the next opening. The at-risk clock and the overdue mark start over.
- The patient getting in touch again (a new contact merged into the waiting case, or a message
  in its thread) brings it back at once, due as if the follow-up were now.
- Cancelling brings it back at once (due as if the follow-up were now): to the holder's own hand,
  claimed, when the holder cancels (they are on it now), else `new` to where the job would return it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from app.domain import sla
from app.domain.access import may_override
from app.domain.cases import CaseChange, CaseState, claimed_by_other, display_name, ensure_open
from app.domain.errors import Conflict, Invalid
from app.domain.region import Professional, Region, queue_unit

MAX_AHEAD = timedelta(days=366)
NOTE_MAX = 1000
ROUTING_REASON = "follow_up"
FollowUpState = str  # scheduled | returned | cancelled
ReturnReason = str  # due | patient_contact | cancelled


class Scheduled(msgspec.Struct, frozen=True):
    """A follow-up to write: the case's change and whose it is."""

    change: CaseChange
    holder: str | None
    at: datetime
    note: str


def check_at(at: datetime, now: datetime) -> datetime:
    """The follow-up time: aware, in the future, within a year."""
    if at.tzinfo is None or at.utcoffset() is None:
        raise Invalid("at: give the time with a UTC offset, e.g. 2026-11-26T10:00:00+02:00", code="follow_up_no_offset")
    if at <= now:
        raise Invalid("at: the follow-up time must be in the future", code="follow_up_past")
    if at - now > MAX_AHEAD:
        raise Invalid("at: a follow-up may be at most a year ahead", code="follow_up_too_far")
    return at.astimezone(UTC)


def check_note(note: str) -> str:
    text = note.strip()
    if not text:
        raise Invalid("note: say what was agreed with the patient", code="follow_up_note")
    if len(text) > NOTE_MAX:
        raise Invalid(f"note: at most {NOTE_MAX} characters", code="follow_up_note")
    return text


def schedule(case: CaseState, who: Professional, region: Region, at: datetime, note: str, now: datetime) -> Scheduled:
    """Set the case aside until `at` (the rules above)."""
    when = check_at(at, now)
    text = check_note(note)
    ensure_open(case)
    if case.status == "waiting":
        raise Conflict("the case already waits for a follow-up; cancel it first", code="follow_up_waiting")
    holder: str | None
    change = CaseChange(status="waiting", at_risk=False, overdue=False)
    if case.status == "claimed":
        if case.assignee != who.id and not may_override(who):
            raise claimed_by_other(case, region)
        holder = case.assignee
    elif may_override(who):
        holder = None
    else:
        holder = who.id
        first = who.id if case.first_handler is None else msgspec.UNSET
        change = change.then(CaseChange(assignee=who.id, claimed_at=now, first_handler=first))
    return Scheduled(change, holder, when, text)


def return_queue(region: Region, holder: str | None, queue: str, absent: Mapping[str, str | None]) -> str:
    """Where a follow-up comes back: the holder's personal queue; their substitute's while they
    are absent; else their team's (the unit's default team without one); without a holder, the
    queue the case waited in."""
    if holder is None:
        return queue
    if holder not in absent:
        return f"personal:{holder}"
    substitute = absent[holder]
    if substitute:
        return f"personal:{substitute}"
    p = region.professional_by_id.get(holder)
    if p is not None and p.team:
        return f"team:{p.team}"
    unit = region.unit_by_id.get(p.unit) if p is not None else None
    return f"team:{unit.default_team}" if unit is not None else queue


def due_on_return(at: datetime, urgency: str, unit_id: str, region: Region, tz: ZoneInfo) -> datetime:
    """The case must be worked that working day: in opening hours the callback promise (the
    urgent target for an urgent case) runs from `at`, capped at closing; outside them from the
    next opening. An emergency is due at once."""
    if urgency == "emergency":
        return at.astimezone(tz)
    unit = region.unit_by_id[unit_id]
    minutes = region.sla.urgent_minutes if urgency == "urgent" else region.sla.callback_promise_minutes
    target = timedelta(minutes=minutes)
    local = at.astimezone(tz)
    hours = unit.hours(local.weekday())
    if hours is not None and sla.is_working_day(local.date(), unit):
        opening = datetime.combine(local.date(), hours[0], tzinfo=tz).astimezone(UTC)
        closing = datetime.combine(local.date(), hours[1], tzinfo=tz).astimezone(UTC)
        if opening <= at.astimezone(UTC) < closing:
            return min(at.astimezone(UTC) + target, closing).astimezone(tz)
    opening = sla.next_opening(at, unit, tz).astimezone(UTC)
    day_hours = unit.hours(opening.astimezone(tz).weekday())
    assert day_hours is not None
    closing = datetime.combine(opening.astimezone(tz).date(), day_hours[1], tzinfo=tz).astimezone(UTC)
    return min(opening + target, closing).astimezone(tz)


def back_in_inbox(case: CaseState, queue: str, at: datetime, region: Region, tz: ZoneInfo) -> CaseChange:
    """The case returns unclaimed to `queue`, due that working day (due_on_return)."""
    due = due_on_return(at, case.urgency, case.unit, region, tz)
    return CaseChange(
        status="new",
        queue=queue,
        unit=queue_unit(region, queue) or case.unit,
        routing_reason=ROUTING_REASON,
        assignee=None,
        claimed_at=None,
        due_at=due,
        at_risk_at=sla.at_risk_at(min(at, due), due, region.sla.at_risk_fraction),
        at_risk=False,
        overdue=False,
    )


def cancel(
    case: CaseState,
    who: Professional,
    region: Region,
    holder: str | None,
    queue: str,
    now: datetime,
    tz: ZoneInfo,
) -> CaseChange:
    """Cancel the waiting case's follow-up: it comes back at once, due as if the follow-up were
    now. The holder (or anyone, when it has none) or a supervisor may cancel; the holder takes it
    claimed, everyone else sends it `new` to `queue` (return_queue)."""
    if case.status != "waiting":
        raise Conflict("the case has no follow-up waiting", code="no_follow_up")
    if holder is not None and holder != who.id and not may_override(who):
        name = display_name(region, holder)
        raise Conflict(f"the follow-up is held by {name}; only they or a supervisor may cancel it", code="follow_up_held", holder=name)
    back = back_in_inbox(case, queue, now, region, tz)
    if holder == who.id:
        first = who.id if case.first_handler is None else msgspec.UNSET
        back = back.then(CaseChange(status="claimed", assignee=who.id, claimed_at=now, first_handler=first))
    return back
