"""Due times: when a contact must be answered (SPEC §8, API.md "Due time").

The law asks for contact and an assessment on the same working day, so a due time lives on
the unit's working clock: opening hours, weekends and Finnish public holidays. Emergencies are
the exception and run on the wall clock, any hour.

Pure functions. All arithmetic is done in UTC and converted to the region time zone at the
end, because adding a timedelta to an aware datetime in Python moves the *wall clock*, which
is wrong across a daylight-saving change.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

import holidays

from app.domain.common import URGENCY_RANK
from app.domain.region import Sla, Unit

# How far next_opening looks ahead. The longest closed stretch in Finland (Christmas Eve to
# Boxing Day plus a weekend, then New Year and Epiphany) is about a week; a unit that is open
# only one weekday still finds a working day within a month.
_SEARCH_DAYS = 31


@lru_cache(maxsize=64)
def _closed_days(year: int) -> frozenset[date]:
    """Finnish public holidays of a year, plus Christmas Eve and Midsummer Eve.

    Christmas Eve (24.12) and Midsummer Eve (the Friday between 19 and 25 June) are not
    statutory holidays, but health stations are closed on them de facto. Recent versions of
    the `holidays` package list both; older ones (the project allows >=0.50) may not, so they
    are added explicitly to keep due times independent of the installed version.
    Cached per year because intake computes a due time for every contact.
    """
    days = set(holidays.country_holidays("FI", years=year))
    days.add(date(year, 12, 24))
    june19 = date(year, 6, 19)
    days.add(june19 + timedelta(days=(4 - june19.weekday()) % 7))
    return frozenset(days)


def is_working_day(day: date, unit: Unit) -> bool:
    """The unit is open that weekday and the date is not a (de facto) Finnish holiday."""
    return unit.hours(day.weekday()) is not None and day not in _closed_days(day.year)


def _at(day: date, t: time, tz: ZoneInfo) -> datetime:
    """A local wall time on a day, as a UTC instant.

    A time inside the spring-forward gap (fold=0) resolves with the pre-change offset, i.e. it
    lands just after the gap; an ambiguous autumn time takes the first occurrence.
    """
    return datetime.combine(day, t, tzinfo=tz).astimezone(UTC)


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {value!r}")


def _next_opening_utc(after_utc: datetime, unit: Unit, tz: ZoneInfo) -> tuple[datetime, datetime]:
    """(opening, closing) of the first opening at/after `after_utc`, both as UTC instants."""
    if not unit.opening_hours:
        raise ValueError(f"unit {unit.id!r} has no opening hours")
    first = after_utc.astimezone(tz).date()
    for offset in range(_SEARCH_DAYS + 1):
        day = first + timedelta(days=offset)
        hours = unit.hours(day.weekday())
        if hours is None or not is_working_day(day, unit):
            continue
        opening = _at(day, hours[0], tz)
        if opening >= after_utc:
            return opening, _at(day, hours[1], tz)
    raise ValueError(f"unit {unit.id!r} has no working day within {_SEARCH_DAYS} days of {after_utc}")


def next_opening(after: datetime, unit: Unit, tz: ZoneInfo) -> datetime:
    """The first opening time at or after `after` on one of the unit's working days.

    Raises ValueError when the unit has no opening hours at all, so a misconfigured unit
    fails loudly instead of looping.
    """
    _require_aware(after, "after")
    opening, _ = _next_opening_utc(after.astimezone(UTC), unit, tz)
    return opening.astimezone(tz)


def due_at(received: datetime, urgency: str, unit: Unit, sla: Sla, tz: ZoneInfo) -> datetime:
    """When the contact must be answered, as an aware datetime in `tz`.

    Emergency: received + emergency_minutes, any hour. Otherwise the target (urgent_minutes
    for "urgent", the callback promise for every other level) runs from the receipt when it
    arrives in opening hours before the same-day cutoff, else from the next opening; either
    way it is capped at that day's closing time, because the promise is "today, while we are
    open" and nobody is there to call back after closing.
    """
    _require_aware(received, "received")
    received_utc = received.astimezone(UTC)
    if urgency == "emergency":
        return (received_utc + timedelta(minutes=sla.emergency_minutes)).astimezone(tz)
    minutes = sla.urgent_minutes if urgency == "urgent" else sla.callback_promise_minutes
    target = timedelta(minutes=minutes)

    day = received_utc.astimezone(tz).date()
    hours = unit.hours(day.weekday())
    if hours is not None and is_working_day(day, unit):
        opening, closing = _at(day, hours[0], tz), _at(day, hours[1], tz)
        if opening <= received_utc < closing and received_utc < _at(day, sla.cutoff, tz):
            return min(received_utc + target, closing).astimezone(tz)

    opening, closing = _next_opening_utc(received_utc, unit, tz)
    return min(opening + target, closing).astimezone(tz)


def promised_callback_by(received: datetime, urgency: str, unit: Unit, sla: Sla, tz: ZoneInfo) -> datetime:
    """The time told to the caller ("we will call you by …").

    Identical to due_at today; a separate name so that the promise can diverge from the
    internal deadline (e.g. a safety margin) without touching every caller.
    """
    return due_at(received, urgency, unit, sla, tz)


def at_risk_at(created: datetime, due: datetime, fraction: float) -> datetime:
    """When a case is flagged at_risk: `fraction` of the way from creation to due.

    Aware inputs are subtracted in UTC (same-tzinfo subtraction in Python ignores DST) and the
    result is given in due's zone; naive inputs are taken as the same clock and stay naive.
    """
    if not 0 <= fraction <= 1:
        raise ValueError(f"fraction must be within [0, 1], got {fraction}")
    if created.tzinfo is None or due.tzinfo is None:
        return created + (due - created) * fraction
    start = created.astimezone(UTC)
    return (start + (due.astimezone(UTC) - start) * fraction).astimezone(due.tzinfo)


def due_after_urgency_change(
    created: datetime, current_due: datetime, old: str, new: str, now: datetime, unit: Unit, sla: Sla, tz: ZoneInfo
) -> datetime:
    """The due time when a professional changes a case's urgency.

    Raised: the matter is more pressing *now*, so the new level's target runs from the change
    (never later than the current due time). Lowered: the new level's target runs from the
    receipt, but a lower urgency never brings the due time earlier than it already was.
    """
    if URGENCY_RANK[new] < URGENCY_RANK[old]:
        return min(current_due.astimezone(UTC), due_at(now, new, unit, sla, tz).astimezone(UTC)).astimezone(tz)
    return max(current_due.astimezone(UTC), due_at(created, new, unit, sla, tz).astimezone(UTC)).astimezone(tz)
