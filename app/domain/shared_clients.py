"""Shared clients (yhteisasiakkuus, SPEC §10): when to suggest that a coordinator takes over,
and the take-over itself ("kartoittaja nappaa kopin" — the coordinator catches the ball).

A patient who keeps calling, whose matter keeps coming back, who keeps missing appointments, or
about whom a professional has raised a concern is likely to need someone who maps the problem,
gathers the team and follows up, rather than another first-line answer. The triggers only
*suggest*; a coordinator decides, and the suggestion is shown with the reasons that raised it.

One pure function (`evaluate`) turns what the records say about a patient (`PatientData`: times
of contacts, of contacts on each open matter, of no-shows, of concerns) into the triggers; the
thresholds come from the region file's `[shared_clients]` section. What happened before a
take-over ended was the coordinator's to see: counting starts afresh after it (`counted_since`),
so a released patient is not suggested again for the very contacts the coordinator handled.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, timezone
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from app.domain.access import oversees_unit, shared_clients_queue
from app.domain.errors import Conflict, Forbidden, Invalid
from app.domain.region import Professional, SharedClients, queue_kind

Trigger = Literal["repeat_contacts", "same_matter_repeat", "no_shows", "concern"]
TRIGGERS: tuple[str, ...] = Trigger.__args__  # type: ignore[attr-defined]

Thresholds = SharedClients  # the region file's [shared_clients] section
THRESHOLDS = Thresholds()

_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


class PatientData(msgspec.Struct, frozen=True):
    """What the records say about one patient, as times (only the recent ones matter)."""

    contacts: tuple[datetime, ...] = ()  # every inbound contact's received time
    open_matters: tuple[tuple[datetime, ...], ...] = ()  # per open case: its contacts' received times
    no_shows: tuple[datetime, ...] = ()  # missed appointments (the appointment system's webhook)
    concerns: tuple[datetime, ...] = ()  # when professionals raised a concern
    counted_since: datetime | None = None  # the end of the last take-over: older facts are spent


class PatientContactFacts(msgspec.Struct, frozen=True):
    """The data counted against the thresholds' windows."""

    contacts_in_window: int
    most_contacts_on_an_open_matter: int
    no_shows_in_window: int = 0
    concern: bool = False


class SharedClient(msgspec.Struct):
    """Shown on the patient's card: whether to suggest a take-over, and why. `suggested` is false
    while a coordinator holds the patient (the ball is caught); the triggers are listed anyway."""

    suggested: bool
    triggers: list[str]


def count(data: PatientData, now: datetime, thresholds: Thresholds = THRESHOLDS) -> PatientContactFacts:
    """Count the data in the windows, from `counted_since` at the earliest; future times (a clock
    ahead of ours) count as now."""
    spent = data.counted_since or _EPOCH

    def within(times: Iterable[datetime], window: timedelta | None) -> int:
        start = max(now - window, spent) if window is not None else spent
        return sum(1 for at in times if at >= start)

    return PatientContactFacts(
        contacts_in_window=within(data.contacts, thresholds.repeat_window),
        most_contacts_on_an_open_matter=max((within(m, None) for m in data.open_matters), default=0),
        no_shows_in_window=within(data.no_shows, thresholds.no_show_window),
        concern=within(data.concerns, None) > 0,
    )


def shared_client_suggestion(facts: PatientContactFacts, thresholds: Thresholds = THRESHOLDS, taken_over: bool = False) -> SharedClient:
    """The triggers that fire, in a fixed order; suggested when any fires and nobody holds the patient."""
    triggers: list[str] = []
    if facts.contacts_in_window >= thresholds.repeat_contacts:
        triggers.append("repeat_contacts")
    if facts.most_contacts_on_an_open_matter >= thresholds.same_matter_contacts:
        triggers.append("same_matter_repeat")
    if facts.no_shows_in_window >= thresholds.no_shows:
        triggers.append("no_shows")
    if facts.concern:
        triggers.append("concern")
    return SharedClient(bool(triggers) and not taken_over, triggers)


def evaluate(data: PatientData, now: datetime, thresholds: Thresholds = THRESHOLDS, taken_over: bool = False) -> SharedClient:
    """The one rule: the patient's data → the suggestion and its triggers."""
    return shared_client_suggestion(count(data, now, thresholds), thresholds, taken_over)


def summary_flag(suggestion: SharedClient, taken_over: bool) -> bool:
    """The hint a case summary carries (`patient.shared_client`): a trigger fires or a coordinator
    holds the patient. Stored on the patient and refreshed when it changes, so lists stay cheap."""
    return bool(suggestion.triggers) or taken_over


def windows_start(now: datetime, thresholds: Thresholds = THRESHOLDS) -> datetime:
    """The oldest time any trigger still looks at (contacts and no-shows); open matters and
    concerns are read whole."""
    return now - max(thresholds.repeat_window, thresholds.no_show_window)


# ------------------------------------------------------------------------------------ take-over


def ensure_coordinator(who: Professional) -> None:
    """Only a coordinator takes a patient over; said before the patient is looked up, so that a
    nurse hears "not yours to do" rather than whether the patient exists."""
    if who.role != "coordinator":
        raise Forbidden("only a coordinator may take a patient over", code="not_coordinator")


def ensure_may_release_some(who: Professional) -> None:
    """Only a coordinator (the holder, checked by ensure_may_release) or a supervisor releases."""
    if who.role != "coordinator" and not oversees_unit(who, who.unit):
        raise Forbidden("only the coordinator who took the patient over or a supervisor may release", code="take_over_release")


def ensure_may_take_over(who: Professional, patient_unit: str) -> None:
    """Only a coordinator takes over, and only a patient of their own unit (another unit's
    patient is not theirs to see: the service answers 404 before this)."""
    ensure_coordinator(who)
    if who.unit != patient_unit:
        raise Forbidden("the patient belongs to another unit", code="other_unit")


def ensure_free(holder: str | None, who: Professional, holder_name: str | None) -> None:
    """A patient held by another coordinator is theirs until released; the holder may extend."""
    if holder is not None and holder != who.id:
        raise Conflict(f"taken over by {holder_name or holder}", code="taken_over", holder=holder_name or holder, professional=holder)


def ensure_may_release(who: Professional, patient_unit: str, holder: str | None) -> None:
    if holder is None:
        raise Conflict("nobody has taken the patient over", code="not_taken_over")
    if who.id != holder and not oversees_unit(who, patient_unit):
        raise Forbidden("only the coordinator who took the patient over or a supervisor may release", code="take_over_release")


def take_over_until(value: str, now: datetime, tz: ZoneInfo, thresholds: Thresholds = THRESHOLDS) -> datetime:
    """`YYYY-MM-DD` holds through that whole local day (ends at the next midnight); a datetime
    needs its UTC offset. It must lie ahead, at most `take_over_max_days` away."""
    try:
        if len(value) == 10:
            day = date.fromisoformat(value)
            until = datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz).astimezone(timezone.utc)
        else:
            parsed = datetime.fromisoformat(value)
            if parsed.tzinfo is None:
                raise Invalid("until: a datetime needs a UTC offset, e.g. 2026-12-31T16:00:00+02:00", code="bad_date", field="until")
            until = parsed.astimezone(timezone.utc)
    except ValueError:
        raise Invalid(f"until: {value!r} is neither a date (YYYY-MM-DD) nor an ISO datetime", code="bad_date", field="until") from None
    if until <= now:
        raise Invalid("until must be in the future", code="take_over_past")
    if until - now > timedelta(days=thresholds.take_over_max_days):
        raise Invalid(f"a take-over lasts at most {thresholds.take_over_max_days} days", code="take_over_too_far")
    return until


# Queues a take-over never empties: an emergency or urgent matter stays where the unit's urgent
# duty answers it, a live chat with the chat duty, an errand with the assistants.
STAYING_QUEUE_KINDS: tuple[str, ...] = ("urgent", "chat", "assistants")


def moves_to_coordinator(status: str, queue: str, assignee: str | None, coordinator: str) -> bool:
    """Which open cases a take-over brings to the coordinator: the ones nobody is working on.
    A case a colleague has claimed stays with them until done or handed over (they may be on the
    phone with the patient); one set aside for a follow-up returns to whoever agreed it; and
    nothing leaves the `STAYING_QUEUE_KINDS`."""
    if queue_kind(queue) in STAYING_QUEUE_KINDS:
        return False
    return status == "new" or (status == "claimed" and assignee == coordinator)


def note_text(until: datetime, tz: ZoneInfo, note: str | None) -> str:
    """The note a moved case gets: the take-over and the coordinator's words."""
    local = until.astimezone(tz).strftime("%Y-%m-%d %H:%M")
    return f"Taken over by the coordinator until {local}" + (f": {note}" if note else "")


def ensure_concern_note(note: str) -> str:
    text = note.strip()
    if not text:
        raise Invalid("write down the concern", code="concern_note")
    return text


def patient_event(type_: str, unit: str, patient_id: str, at: datetime, actor: str | None, **extra: object) -> dict[str, object]:
    """A patient-level event (no case): filed under the unit's shared-clients queue, with facts
    only — never a note's text (free text stays out of the event log)."""
    body: dict[str, object] = {"type": type_, "queue": shared_clients_queue(unit), "at": at, "patient_id": patient_id}
    if actor:
        body["actor"] = actor
    body.update(extra)
    return body
