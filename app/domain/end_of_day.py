"""The end of a unit's working day (SPEC §8: "at the end of the day unreached callbacks are
listed"): which callbacks were not reached, and how each is carried to the next morning.

Pure; the service (app/services/end_of_day.py) reads and writes, the job
(app/jobs/end_of_day.py) runs it. The rules:

- A unit's working day ends at its closing time (opening hours, weekends and Finnish holidays:
  app.domain.sla). The day to close is the latest working day whose closing has passed, looked
  for a week back — an instance that was down over the closing still closes that day when it
  starts again, but never an older one.
- Once per unit and working day, whichever instance gets there first (the service claims it in
  `job_marks` as ("end_of_day", "<unit>/<YYYY-MM-DD>")).
- Unreached: a phone callback (not merged into another case) still `new` or `claimed`, due by the
  closing time, with no `reached` callback attempt. A case reached but not yet resolved is not
  unreached (the nurse spoke to the patient); a waiting case has a follow-up agreed.
- Each unreached one is listed; each non-emergency one is carried to the next working morning:
  the first promise is kept in `promised_at` (set once, however many times it is carried), the
  new due time is what a request arriving at closing would get (next opening + its target, capped
  at that closing), and the at-risk and overdue marks start over so the sweep works it afresh.
  An emergency is not carried: its clock runs on the wall clock and the sweep keeps alerting.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import msgspec

from app.domain import sla
from app.domain.errors import Invalid
from app.domain.region import Region, Unit

JOB = "end_of_day"
LOOK_BACK_DAYS = 7
CARRIED_STATUSES: tuple[str, ...] = ("new", "claimed")


class WorkingDay(msgspec.Struct, frozen=True):
    day: date
    closing: datetime  # UTC


def closing_of(day: date, unit: Unit, tz: ZoneInfo) -> datetime | None:
    """The unit's closing time on `day` (UTC), or None when the unit is closed that day."""
    hours = unit.hours(day.weekday())
    if hours is None or not sla.is_working_day(day, unit):
        return None
    return datetime.combine(day, hours[1], tzinfo=tz).astimezone(UTC)


def day_to_close(now: datetime, unit: Unit, tz: ZoneInfo) -> WorkingDay | None:
    """The latest working day of the unit whose closing time has passed (a week back at most)."""
    today = now.astimezone(tz).date()
    for back in range(LOOK_BACK_DAYS + 1):
        day = today - timedelta(days=back)
        closing = closing_of(day, unit, tz)
        if closing is not None and closing <= now:
            return WorkingDay(day, closing)
    return None


def mark_key(unit: str, day: date) -> str:
    return f"{unit}/{day.isoformat()}"


class CallbackCase(msgspec.Struct, frozen=True, kw_only=True):
    """What the end of the day needs to know of a callback."""

    id: str
    status: str
    channel: str
    urgency: str
    due_at: datetime
    promised_at: datetime | None
    merged_into: str | None = None
    reached: bool = False  # a `reached` callback attempt was recorded
    due_counted: bool = True  # the SLA sweep has counted it as fallen due
    first_callback_at: datetime | None = None


def unreached(case: CallbackCase, closing: datetime) -> bool:
    return (
        case.channel == "phone"
        and case.merged_into is None
        and case.status in CARRIED_STATUSES
        and case.due_at <= closing
        and not case.reached
    )


class Carry(msgspec.Struct, frozen=True):
    """The columns a carried case gets (see the module's rules)."""

    promised_at: datetime
    due_at: datetime
    at_risk_at: datetime
    # Due at closing and not yet counted by the sweep: counted here (it is the sweep's count, made
    # before the due time moves), kept when an attempt was made by the due time.
    callback_due: bool = False
    callback_kept: bool = False

    def columns(self) -> dict[str, object]:
        values: dict[str, object] = {
            "promised_at": self.promised_at, "due_at": self.due_at, "at_risk_at": self.at_risk_at, "at_risk": False, "overdue": False,
        }
        if self.callback_due:
            values["due_counted"] = True
        return values


def carry(case: CallbackCase, closing: datetime, unit: Unit, region: Region, tz: ZoneInfo) -> Carry | None:
    """The next morning's due time for an unreached callback; None for an emergency."""
    if case.urgency == "emergency":
        return None
    due = sla.due_at(closing, case.urgency, unit, region.sla, tz)
    opening = sla.next_opening(closing, unit, tz)
    return Carry(
        promised_at=case.promised_at or case.due_at,
        due_at=due,
        at_risk_at=sla.at_risk_at(opening, due, region.sla.at_risk_fraction),
        callback_due=not case.due_counted,
        callback_kept=not case.due_counted and case.first_callback_at is not None and case.first_callback_at <= case.due_at,
    )


REPORT_YEARS = (2000, 2100)


def check_report_day(day: date) -> None:
    """A report's day lies in a plausible range (the calendar's far ends overflow the clock)."""
    if not REPORT_YEARS[0] <= day.year <= REPORT_YEARS[1]:
        raise Invalid(f"date: give a day between {REPORT_YEARS[0]} and {REPORT_YEARS[1]}", code="report_date_range")


def original_promise(due_at: datetime, promised_at: datetime | None) -> datetime:
    """The callback time first promised to the patient."""
    return promised_at or due_at


# ------------------------------------------------------------------------------------ the report


class PatientName(msgspec.Struct):
    id: str
    display_name: str


class UnreachedItem(msgspec.Struct):
    """One callback not reached by the end of the day."""

    case_id: str
    queue: str  # where it waited at closing
    promised_at: datetime  # the callback time first promised to the patient
    attempts: int  # callback attempts made by the end of the day
    carried: bool  # carried to the next morning (an emergency is not)
    status: str  # the case's status now
    due_at: datetime  # its due time now
    patient: PatientName | None = None


class UnreachedReport(msgspec.Struct):
    """`GET /api/reports/unreached`: the callbacks of a unit not reached by the end of a working
    day. `final`: listed by the end-of-day job at closing (`listed_at`); otherwise (the day not
    closed yet, or never closed by the job) the callbacks due by that closing still unreached now."""

    unit: str
    date: date
    working_day: bool
    closing_at: datetime | None
    final: bool
    listed_at: datetime | None
    items: list[UnreachedItem]


def day_event(unit: str, day: WorkingDay, items: list[dict[str, object]], now: datetime) -> dict[str, object]:
    """The `day.unreached` event: for the unit's coordinator queue (its coordinators, supervisor
    and admins see it live); case ids, queues, promises and attempt counts — no patient data."""
    return {
        "type": "day.unreached",
        "queue": f"coordinator:{unit}",
        "unit": unit,
        "at": now,
        "date": day.day.isoformat(),
        "closing_at": day.closing,
        "count": len(items),
        "items": items,
    }
