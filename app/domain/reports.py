"""The supervisor dashboard's figures (SPEC §13), computed from plain rows.

The service (app/services/reports.py) fetches rows; everything counted, divided or bucketed by
hour happens here, so each figure is unit-tested with hand-computed answers and a later KPI
report reuses the same functions rather than repeating them in SQL.

A ratio with no data is None, never 0: "nothing was due" is not "every callback was late".
Timestamps arrive in UTC; "today" and "hour of day" are the region's local day (`tz`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime, time, timedelta, timezone, tzinfo

import msgspec

from app.domain.common import CHANNELS
from app.domain.region import QUEUE_KINDS, Region, queue_kind

# Only a phone contact promises a callback; chat, secure messages and SMS are answered in text.
CALLBACK_CHANNELS: tuple[str, ...] = ("phone",)
# The routing reason of a caller nobody could identify: their case waits in the overflow queue.
OVERFLOW_REASON = "unidentified"

# ------------------------------------------------------------------------------ rows (inputs)


class OpenQueueRow(msgspec.Struct, frozen=True):
    """Open cases of one queue and status in the unit: how many, the oldest, how many overdue."""

    queue: str
    status: str
    count: int
    oldest_created_at: datetime | None
    overdue: int = 0


class AlertRow(msgspec.Struct, frozen=True):
    """An open case that is an emergency or past its due time."""

    id: str
    queue: str
    urgency: str
    due_at: datetime


class ContactRow(msgspec.Struct, frozen=True):
    """One inbound contact and the routing reason of the case it went to (None if none)."""

    channel: str
    received_at: datetime
    routing_reason: str | None


class CallbackRow(msgspec.Struct, frozen=True):
    """A phone case due in the period and when (if ever) it was first called back."""

    due_at: datetime
    first_callback_at: datetime | None


class OutcomeRow(msgspec.Struct, frozen=True):
    outcome: str
    count: int


# --------------------------------------------------------------------------- figures (output)


class QueueNow(msgspec.Struct, frozen=True):
    """One queue kind right now. `oldest_unclaimed_s` is None when nothing waits unclaimed."""

    kind: str
    open: int
    unclaimed: int
    overdue: int
    oldest_unclaimed_s: int | None


class CaseAlert(msgspec.Struct, frozen=True):
    id: str
    queue: str
    urgency: str
    due_at: datetime


class Now(msgspec.Struct, frozen=True):
    queues: list[QueueNow]
    emergencies: list[CaseAlert]
    overdue: list[CaseAlert]
    overdue_total: int  # the list shows at most a page; this counts them all


class ContactsToday(msgspec.Struct, frozen=True):
    total: int
    by_channel: dict[str, int]
    by_hour: list[int]  # 24 counts, index = local hour of day


class CallbacksToday(msgspec.Struct, frozen=True):
    """Phone cases due today: called back by the due time, later, not at all though the due time
    has passed (missed), or not yet and not yet due (pending). The ratio is of all due today, so
    it settles at the end of the day; `missed` is what a supervisor can still act on."""

    due: int
    within_promise: int
    late: int
    missed: int
    pending: int
    within_promise_ratio: float | None


class OutcomeCount(msgspec.Struct, frozen=True):
    code: str
    count: int
    failure_demand: bool


class OutcomesToday(msgspec.Struct, frozen=True):
    resolved: int
    failure_demand: int
    failure_demand_ratio: float | None
    codes: list[OutcomeCount]  # every region code in the region file's order, then unknown ones


class OverflowToday(msgspec.Struct, frozen=True):
    contacts: int
    unidentified: int
    ratio: float | None


class Today(msgspec.Struct, frozen=True):
    date: date
    timezone: str
    contacts: ContactsToday
    callbacks: CallbacksToday
    outcomes: OutcomesToday
    overflow: OverflowToday


class Dashboard(msgspec.Struct, frozen=True):
    unit: str
    generated_at: datetime
    now: Now
    today: Today


# ---------------------------------------------------------------------------------- functions


def ratio(part: int, whole: int) -> float | None:
    """part / whole to four decimals, None when there is nothing to divide by."""
    return round(part / whole, 4) if whole else None


def local_day(now: datetime, tz: tzinfo) -> date:
    return now.astimezone(tz).date()


def day_bounds(day: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """The local day as a half-open UTC interval [start, end); 23 or 25 hours on DST days."""
    start = datetime.combine(day, time(0), tz)
    end = datetime.combine(day + timedelta(days=1), time(0), tz)
    return start.astimezone(timezone.utc), end.astimezone(timezone.utc)


def queues_now(rows: Iterable[OpenQueueRow], now: datetime) -> list[QueueNow]:
    """Every queue kind, in the usual order, even when empty (a dashboard row that vanishes
    reads as "not measured")."""
    open_: Counter[str] = Counter()
    unclaimed: Counter[str] = Counter()
    overdue: Counter[str] = Counter()
    oldest: dict[str, datetime] = {}
    for r in rows:
        kind = queue_kind(r.queue)
        open_[kind] += r.count
        overdue[kind] += r.overdue
        if r.status == "new":
            unclaimed[kind] += r.count
            if r.oldest_created_at is not None and (kind not in oldest or r.oldest_created_at < oldest[kind]):
                oldest[kind] = r.oldest_created_at
    kinds = list(QUEUE_KINDS) + sorted(k for k in open_ if k not in QUEUE_KINDS)
    return [
        QueueNow(
            kind=k,
            open=open_[k],
            unclaimed=unclaimed[k],
            overdue=overdue[k],
            oldest_unclaimed_s=max(int((now - oldest[k]).total_seconds()), 0) if k in oldest else None,
        )
        for k in kinds
    ]


def alerts(rows: Iterable[AlertRow], now: datetime, limit: int = 50) -> tuple[list[CaseAlert], list[CaseAlert]]:
    """(open emergencies, overdue open cases), at most `limit` of each, soonest due first.
    An overdue emergency is in both lists: it is both."""
    ordered = sorted(rows, key=lambda r: (r.due_at, r.id))
    emergencies = [CaseAlert(r.id, r.queue, r.urgency, r.due_at) for r in ordered if r.urgency == "emergency"]
    overdue = [CaseAlert(r.id, r.queue, r.urgency, r.due_at) for r in ordered if r.due_at < now]
    return emergencies[:limit], overdue[:limit]


def now_view(queue_rows: Sequence[OpenQueueRow], alert_rows: Iterable[AlertRow], now: datetime, limit: int = 50) -> Now:
    """The "right now" half. The overdue total comes from the grouped counts, which see every
    open case, not from the alert rows, of which the service fetches only a page or two."""
    emergencies, overdue = alerts(alert_rows, now, limit)
    return Now(
        queues=queues_now(queue_rows, now),
        emergencies=emergencies,
        overdue=overdue,
        overdue_total=sum(r.overdue for r in queue_rows),
    )


def contacts_today(rows: Iterable[ContactRow], tz: tzinfo) -> ContactsToday:
    """Contacts by channel (every channel present, zeros included) and by local hour."""
    by_channel = dict.fromkeys(CHANNELS, 0)
    by_hour = [0] * 24
    total = 0
    for r in rows:
        total += 1
        by_channel[r.channel] = by_channel.get(r.channel, 0) + 1
        by_hour[r.received_at.astimezone(tz).hour] += 1
    return ContactsToday(total=total, by_channel=by_channel, by_hour=by_hour)


def callbacks_today(rows: Iterable[CallbackRow], now: datetime) -> CallbacksToday:
    """Within the promise means the first callback attempt (reached or not — the nurse did
    call) came no later than the due time."""
    due = within = late = missed = 0
    for r in rows:
        due += 1
        if r.first_callback_at is None:
            missed += r.due_at < now
        elif r.first_callback_at <= r.due_at:
            within += 1
        else:
            late += 1
    return CallbacksToday(
        due=due, within_promise=within, late=late, missed=missed, pending=due - within - late - missed, within_promise_ratio=ratio(within, due)
    )


def outcomes_today(rows: Iterable[OutcomeRow], region: Region) -> OutcomesToday:
    """The outcome distribution with the region's failure-demand codes marked. A code no longer
    in the region file still counts (as value demand: nothing says otherwise) and is listed last."""
    counts: Counter[str] = Counter()
    for r in rows:
        counts[r.outcome] += r.count
    codes = [OutcomeCount(o.code, counts.get(o.code, 0), o.kind == "failure_demand") for o in region.outcome_codes]
    codes += [OutcomeCount(code, n, False) for code, n in sorted(counts.items()) if code not in region.outcome_by_code]
    resolved = sum(c.count for c in codes)
    failure = sum(c.count for c in codes if c.failure_demand)
    return OutcomesToday(resolved=resolved, failure_demand=failure, failure_demand_ratio=ratio(failure, resolved), codes=codes)


def overflow_today(rows: Iterable[ContactRow]) -> OverflowToday:
    """The share of today's contacts whose case is routed as an unidentified caller."""
    total = unidentified = 0
    for r in rows:
        total += 1
        unidentified += r.routing_reason == OVERFLOW_REASON
    return OverflowToday(contacts=total, unidentified=unidentified, ratio=ratio(unidentified, total))


def today(
    now: datetime,
    day: date,
    tz_name: str,
    tz: tzinfo,
    contacts: Sequence[ContactRow],
    callbacks: Iterable[CallbackRow],
    outcomes: Iterable[OutcomeRow],
    region: Region,
) -> Today:
    return Today(
        date=day,
        timezone=tz_name,
        contacts=contacts_today(contacts, tz),
        callbacks=callbacks_today(callbacks, now),
        outcomes=outcomes_today(outcomes, region),
        overflow=overflow_today(contacts),
    )
