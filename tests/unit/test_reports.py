"""The dashboard's figures, hand-computed (Europe/Helsinki: UTC+2 in winter, UTC+3 in summer)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.domain import reports as r
from app.region_file import load_region
from app.settings import DEMO_REGION

REGION = load_region(DEMO_REGION)
HKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 24, 10, 0, tzinfo=timezone.utc)  # Tuesday 12:00 in Helsinki


def at(hh: int, mm: int = 0, day: int = 24) -> datetime:
    return datetime(2026, 11, day, hh, mm, tzinfo=timezone.utc)


def test_local_day_and_its_utc_bounds_including_dst_days():
    assert r.local_day(at(22, 30, day=23), HKI) == date(2026, 11, 24)  # 00:30 local on the 24th
    assert r.day_bounds(date(2026, 11, 24), HKI) == (at(22, day=23), at(22, day=24))
    spring, autumn = r.day_bounds(date(2026, 3, 29), HKI), r.day_bounds(date(2026, 10, 25), HKI)
    assert spring[1] - spring[0] == timedelta(hours=23)
    assert autumn[1] - autumn[0] == timedelta(hours=25)
    assert spring[0] == datetime(2026, 3, 28, 22, tzinfo=timezone.utc)


def test_queues_now_counts_open_unclaimed_overdue_and_the_oldest_unclaimed():
    rows = [
        r.OpenQueueRow("personal:n-aino", "new", 2, at(9, 0), overdue=1),
        r.OpenQueueRow("personal:n-eero", "new", 1, at(8, 30), overdue=1),
        r.OpenQueueRow("personal:n-aino", "claimed", 3, at(7, 0), overdue=0),  # older, but claimed
        r.OpenQueueRow("overflow:kajaani", "waiting", 1, at(6, 0)),
    ]
    by_kind = {q.kind: q for q in r.queues_now(rows, NOW)}
    assert list(by_kind) == ["personal", "team", "overflow", "urgent", "assistants", "coordinator", "chat"]
    assert by_kind["personal"] == r.QueueNow("personal", open=6, unclaimed=3, overdue=2, oldest_unclaimed_s=5400)
    assert by_kind["overflow"] == r.QueueNow("overflow", open=1, unclaimed=0, overdue=0, oldest_unclaimed_s=None)
    assert by_kind["chat"] == r.QueueNow("chat", 0, 0, 0, None)


def test_alerts_list_emergencies_and_overdue_soonest_first():
    rows = [
        r.AlertRow("late-2", "team:kajaani-a", "soon", at(9, 30)),
        r.AlertRow("emerg", "urgent:kajaani", "emergency", at(10, 10)),  # not yet due
        r.AlertRow("late-1", "personal:n-aino", "unassessed", at(9, 0)),
    ]
    emergencies, overdue = r.alerts(rows, NOW, limit=1)
    assert [a.id for a in emergencies] == ["emerg"]
    assert overdue == [r.CaseAlert("late-1", "personal:n-aino", "unassessed", at(9, 0))]
    counts = [r.OpenQueueRow("personal:n-aino", "new", 5, at(8), overdue=3), r.OpenQueueRow("team:kajaani-a", "claimed", 1, at(8), overdue=1)]
    view = r.now_view(counts, rows, NOW, limit=1)
    assert view.overdue_total == 4 and len(view.overdue) == 1  # the total counts what the page leaves off


def test_contacts_by_channel_and_local_hour_and_the_overflow_share():
    rows = [
        r.ContactRow("phone", at(6, 5), "named_nurse"),  # 08:05 local
        r.ContactRow("phone", at(6, 55), "unidentified"),  # 08:55 local
        r.ContactRow("chat", at(9, 0), "chat"),  # 11:00 local
        r.ContactRow("secure_message", at(22, 10, day=23), None),  # 00:10 local, no case found
    ]
    today = r.today(NOW, date(2026, 11, 24), "Europe/Helsinki", HKI, rows, [], [], REGION)
    assert today.contacts.total == 4
    assert today.contacts.by_channel == {"phone": 2, "chat": 1, "secure_message": 1, "sms": 0}
    assert today.contacts.by_hour[8] == 2 and today.contacts.by_hour[11] == 1 and today.contacts.by_hour[0] == 1
    assert sum(today.contacts.by_hour) == 4 and len(today.contacts.by_hour) == 24
    assert today.overflow == r.OverflowToday(contacts=4, unidentified=1, ratio=0.25)


def test_callbacks_within_promise_late_missed_and_pending():
    rows = [
        r.CallbackRow(due_at=at(8), first_callback_at=at(7, 30)),  # within
        r.CallbackRow(due_at=at(8), first_callback_at=at(8)),  # exactly at the due time: within
        r.CallbackRow(due_at=at(9), first_callback_at=at(9, 1)),  # reached late
        r.CallbackRow(due_at=at(9, 30), first_callback_at=None),  # due passed, nobody called: missed
        r.CallbackRow(due_at=at(13), first_callback_at=None),  # not called yet, not due yet: pending
    ]
    assert r.callbacks_today(rows, NOW) == r.CallbacksToday(
        due=5, within_promise=2, late=1, missed=1, pending=1, within_promise_ratio=0.4
    )
    assert r.callbacks_today([], NOW).within_promise_ratio is None
    thirds = r.callbacks_today(rows[:3], NOW)
    assert thirds.within_promise_ratio == 0.6667


def test_outcomes_mark_failure_demand_and_keep_unknown_codes():
    rows = [r.OutcomeRow("ADVICE", 3), r.OutcomeRow("PROGRESS_QUERY", 1), r.OutcomeRow("RETIRED_CODE", 1)]
    out = r.outcomes_today(rows, REGION)
    by_code = {c.code: c for c in out.codes}
    assert [c.code for c in out.codes][: len(REGION.outcome_codes)] == [o.code for o in REGION.outcome_codes]
    assert out.codes[-1] == r.OutcomeCount("RETIRED_CODE", 1, False)
    assert by_code["PROGRESS_QUERY"] == r.OutcomeCount("PROGRESS_QUERY", 1, True)
    assert by_code["OTHER_UNIT"] == r.OutcomeCount("OTHER_UNIT", 0, True)
    assert by_code["ADVICE"].failure_demand is False
    assert (out.resolved, out.failure_demand, out.failure_demand_ratio) == (5, 1, 0.2)


def test_an_empty_day_has_zeros_and_null_ratios():
    today = r.today(NOW, date(2026, 11, 24), "Europe/Helsinki", HKI, [], [], [], REGION)
    assert today.contacts.total == 0 and today.contacts.by_hour == [0] * 24
    assert today.callbacks == r.CallbacksToday(0, 0, 0, 0, 0, None)
    assert today.outcomes.resolved == 0 and today.outcomes.failure_demand_ratio is None
    assert today.overflow == r.OverflowToday(0, 0, None)
    assert all(c.count == 0 for c in today.outcomes.codes)
