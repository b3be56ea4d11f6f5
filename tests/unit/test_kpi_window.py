"""The 7-day KPI rules behind /metrics' FCR and same-day callback gauges (app/domain/kpi_window.py)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.domain.kpi_window import UnitCounts, is_fcr, local_days, ratios, same_day, window

HKI = ZoneInfo("Europe/Helsinki")
UTC = timezone.utc
T = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def test_fcr_needs_the_first_handler_no_handover_one_contact_and_no_return() -> None:
    assert is_fcr(0, 1, "n-aino", "n-aino", T)
    assert is_fcr(0, 1, None, "n-aino", T)  # nobody claimed it before: the resolver was first
    assert not is_fcr(0, 1, "n-eero", "n-aino", T)
    assert not is_fcr(1, 1, "n-aino", "n-aino", T)
    assert not is_fcr(0, 2, "n-aino", "n-aino", T)
    assert not is_fcr(0, 1, "n-aino", None, T)


def test_a_later_contact_within_seven_days_withdraws_fcr() -> None:
    assert not is_fcr(0, 1, "n-aino", "n-aino", T, [T + timedelta(days=7)])
    assert is_fcr(0, 1, "n-aino", "n-aino", T, [T + timedelta(days=7, seconds=1)])
    assert is_fcr(0, 1, "n-aino", "n-aino", T, [T - timedelta(hours=1), T])  # earlier ones do not count


def test_same_day_is_by_the_end_of_the_helsinki_day_it_was_due() -> None:
    evening = datetime(2026, 3, 2, 21, 30, tzinfo=UTC)  # 23:30 in Helsinki, due then
    assert same_day(evening + timedelta(minutes=29), None, evening, HKI)
    assert not same_day(evening + timedelta(minutes=31), None, evening, HKI)  # past local midnight
    monday = datetime(2026, 3, 2, 6, 0, tzinfo=UTC)  # a Friday evening request, due Monday 08:00
    assert same_day(monday + timedelta(hours=5), None, monday, HKI)
    assert not same_day(monday + timedelta(days=1), None, monday, HKI)
    carried = monday + timedelta(days=1)  # carried to Tuesday: the first promise (Monday) counts
    assert not same_day(carried + timedelta(hours=1), monday, carried, HKI)
    assert not same_day(None, None, evening, HKI)


def test_local_days_cover_the_window_and_follow_daylight_saving() -> None:
    end = datetime(2026, 3, 30, 12, 0, tzinfo=UTC)  # clocks went forward on Sunday 29 March
    start, end = window(end)
    days = local_days(start, end, HKI)
    assert len(days) == 8
    assert days[0][0] <= start < days[0][1] and days[-1][0] <= end < days[-1][1]
    assert all(a[1] == b[0] for a, b in zip(days, days[1:]))
    lengths = {d[0].astimezone(HKI).date().isoformat(): (d[1] - d[0]) / timedelta(hours=1) for d in days}
    assert lengths["2026-03-29"] == 23 and lengths["2026-03-28"] == 24
    assert days[-1][0] == datetime(2026, 3, 29, 21, 0, tzinfo=UTC)  # summer time: UTC+3


def test_a_unit_without_cases_has_no_ratio() -> None:
    assert ratios([UnitCounts("kajaani", 1, 4), UnitCounts("sotkamo", 0, 0)]) == [("kajaani", 0.25)]
