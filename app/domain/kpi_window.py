"""The two KPI gauges of /metrics over a trailing window (SPEC §9, §13): the rules, without SQL.

app/db/scrape.py asks the database the same questions in one grouped statement each; the tests
check it against these functions case by case.

- FCR: a case resolved in the window counts when it was resolved by the first professional who
  handled it (or by whoever resolved it, if nobody claimed it first), with no handover, one inbound
  contact, and no later contact by the same patient within FCR_FOLLOW_UP after it was resolved.
- Same-day callback: a phone callback case created in the window whose first callback attempt
  came by the end of the local day it was due (app.domain.kpis.called_back_same_day — the KPI
  report's rule, so gauge and report agree).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, time, timedelta, tzinfo

import msgspec

from app.domain.kpis import called_back_same_day
from app.domain.outcomes import first_contact_resolution

WINDOW = timedelta(days=7)
DUE_AHEAD = timedelta(days=31)  # how far after its request a callback can fall due (sla._SEARCH_DAYS)
FCR_FOLLOW_UP = timedelta(days=7)  # a contact this soon after resolving withdraws the FCR
CALLBACK_CHANNELS: tuple[str, ...] = ("phone",)


class UnitCounts(msgspec.Struct, frozen=True):
    """One unit's numerator and denominator for a ratio."""

    unit: str
    hits: int
    total: int


def window(now: datetime, length: timedelta = WINDOW) -> tuple[datetime, datetime]:
    """[start, end) of the trailing window ending now."""
    return now - length, now


def is_fcr(
    handovers: int,
    contacts: int,
    first_handler: str | None,
    resolved_by: str | None,
    resolved_at: datetime,
    later_contacts: Iterable[datetime] = (),
) -> bool:
    """The FCR rule for one resolved case, given when the same patient contacted again."""
    if resolved_by is None or not first_contact_resolution(handovers, contacts, first_handler, resolved_by):
        return False
    return not any(resolved_at < at <= resolved_at + FCR_FOLLOW_UP for at in later_contacts)


def same_day(first_callback_at: datetime | None, promised_at: datetime | None, due_at: datetime, tz: tzinfo) -> bool:
    return called_back_same_day(first_callback_at, promised_at or due_at, tz)


def local_days(start: datetime, end: datetime, tz: tzinfo) -> list[tuple[datetime, datetime]]:
    """[from, to) in UTC of every local calendar day that [start, end) touches, oldest first.

    Two instants fall on the same local day exactly when both lie in one of these spans, which is
    how the database compares them without knowing time zones (SQLite does not)."""
    day: date = start.astimezone(tz).date()
    last: date = end.astimezone(tz).date()
    spans: list[tuple[datetime, datetime]] = []
    while day <= last:
        begin = datetime.combine(day, time(0), tz)
        following = datetime.combine(day + timedelta(days=1), time(0), tz)
        spans.append((begin.astimezone(start.tzinfo), following.astimezone(start.tzinfo)))
        day += timedelta(days=1)
    return spans


def ratios(rows: Iterable[UnitCounts]) -> list[tuple[str, float]]:
    """(unit, hits / total) for units with something to count; a unit without cases has no
    ratio (no data is not 0 % nor 100 %)."""
    return [(r.unit, r.hits / r.total) for r in rows if r.total > 0]
