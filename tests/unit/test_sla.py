"""Due times on the unit's working clock (SPEC §8, API.md "Due time")."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.region import Sla, Unit
from app.domain.sla import at_risk_at, due_after_urgency_change, due_at, is_working_day, next_opening, promised_callback_by

HEL = ZoneInfo("Europe/Helsinki")
SLA = Sla()  # emergency 15, urgent 120, promise 60, cutoff 15:00

KAJAANI = Unit(
    id="kajaani",
    name="K",
    callback_number="+35886150000",
    default_team="kajaani-a",
    opening_hours={
        "mon": "08:00-16:00",
        "tue": "08:00-16:00",
        "wed": "08:00-16:00",
        "thu": "08:00-16:00",
        "fri": "08:00-15:00",
    },
)
# Open on Saturdays and with a very short Wednesday, so caps and weekend days get exercised.
ODD = Unit(
    id="odd",
    name="O",
    callback_number="+35886150001",
    default_team="odd-a",
    opening_hours={"mon": "07:30-19:00", "wed": "12:00-12:30", "thu": "10:00-14:00", "sat": "09:00-13:00"},
)


def hel(y: int, mo: int, d: int, h: int = 0, mi: int = 0, fold: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=HEL, fold=fold)


def due(received: datetime, urgency: str = "non_urgent", unit: Unit = KAJAANI, sla: Sla = SLA) -> datetime:
    return due_at(received, urgency, unit, sla, HEL)


def u(dt: datetime) -> datetime:
    """In UTC. Python compares and subtracts two datetimes sharing a tzinfo by *wall clock*,
    which is wrong across DST, so the properties below always go through UTC."""
    return dt.astimezone(UTC)


def same_instant(a: datetime, b: datetime) -> bool:
    """Equality of instants *and* of the local offset, so a wrong DST offset cannot hide."""
    # Via UTC: Python never calls an ambiguous (fold) time equal to a time in another zone.
    return a.astimezone(UTC) == b.astimezone(UTC) and a.utcoffset() == b.utcoffset()


# --- examples ---------------------------------------------------------------------------------
# Week of Mon 10.3.2025 – Sun 16.3.2025 has no holidays.


def test_within_hours_adds_the_callback_promise():
    assert due(hel(2025, 3, 11, 10, 0)) == hel(2025, 3, 11, 11, 0)


@pytest.mark.parametrize("urgency", ["soon", "non_urgent", "unassessed"])
def test_every_routine_level_gets_the_callback_promise(urgency: str):
    assert due(hel(2025, 3, 11, 10, 0), urgency) == hel(2025, 3, 11, 11, 0)


def test_exactly_at_opening_counts_as_within_hours():
    assert due(hel(2025, 3, 11, 8, 0)) == hel(2025, 3, 11, 9, 0)


def test_capped_at_closing_time():
    # Friday closes 15:00 = the cutoff; 14:30 + 60 min would be 15:30.
    assert due(hel(2025, 3, 14, 14, 30)) == hel(2025, 3, 14, 15, 0)
    late_cutoff = Sla(same_day_cutoff="16:00")
    assert due(hel(2025, 3, 11, 15, 30), sla=late_cutoff) == hel(2025, 3, 11, 16, 0)


def test_after_cutoff_is_due_next_working_morning():
    assert due(hel(2025, 3, 11, 15, 0)) == hel(2025, 3, 12, 9, 0)
    assert due(hel(2025, 3, 11, 15, 10)) == hel(2025, 3, 12, 9, 0)


def test_after_closing_is_due_next_working_morning():
    assert due(hel(2025, 3, 11, 17, 0)) == hel(2025, 3, 12, 9, 0)
    assert due(hel(2025, 3, 11, 23, 59)) == hel(2025, 3, 12, 9, 0)


def test_friday_after_cutoff_is_due_monday():
    assert due(hel(2025, 3, 14, 15, 0)) == hel(2025, 3, 17, 9, 0)


def test_saturday_and_sunday_are_due_monday():
    assert due(hel(2025, 3, 15, 11, 0)) == hel(2025, 3, 17, 9, 0)
    assert due(hel(2025, 3, 16, 23, 0)) == hel(2025, 3, 17, 9, 0)


def test_before_opening_is_due_the_same_day():
    assert due(hel(2025, 3, 12, 6, 30)) == hel(2025, 3, 12, 9, 0)
    assert due(hel(2025, 3, 12, 0, 0)) == hel(2025, 3, 12, 9, 0)


def test_emergency_runs_on_the_wall_clock_any_hour():
    assert due(hel(2025, 3, 16, 3, 0), "emergency") == hel(2025, 3, 16, 3, 15)
    assert due(hel(2025, 12, 24, 23, 50), "emergency") == hel(2025, 12, 25, 0, 5)


def test_urgent_gets_two_hours_capped_at_closing():
    assert due(hel(2025, 3, 11, 10, 0), "urgent") == hel(2025, 3, 11, 12, 0)
    assert due(hel(2025, 3, 11, 14, 30), "urgent") == hel(2025, 3, 11, 16, 0)
    assert due(hel(2025, 3, 11, 15, 30), "urgent") == hel(2025, 3, 12, 10, 0)


def test_target_longer_than_the_day_is_capped_at_the_next_days_closing():
    assert due(hel(2025, 3, 15, 12, 0), "urgent", ODD) == hel(2025, 3, 15, 13, 0)
    # Wednesday 12:00-12:30: a request on Tuesday (closed) is due Wednesday 12:30, not 13:00.
    assert due(hel(2025, 3, 11, 10, 0), "non_urgent", ODD) == hel(2025, 3, 12, 12, 30)


def test_christmas_eve_and_the_christmas_days_are_skipped():
    # Tue 23.12.2025 after cutoff; 24.–26.12 are closed, then the weekend.
    assert due(hel(2025, 12, 23, 15, 30)) == hel(2025, 12, 29, 9, 0)


def test_independence_day_is_skipped():
    # 6.12.2027 is a Monday.
    assert due(hel(2027, 12, 3, 15, 30)) == hel(2027, 12, 7, 9, 0)


def test_easter_is_skipped():
    # Good Friday 18.4.2025 and Easter Monday 21.4.2025.
    assert due(hel(2025, 4, 17, 15, 30)) == hel(2025, 4, 22, 9, 0)
    assert due(hel(2025, 4, 21, 10, 0)) == hel(2025, 4, 22, 9, 0)


def test_midsummer_eve_is_skipped():
    # Midsummer Eve is Friday 20.6.2025.
    assert due(hel(2025, 6, 19, 15, 30)) == hel(2025, 6, 23, 9, 0)


@pytest.mark.parametrize(
    "day",
    [
        date(2025, 12, 24),  # Christmas Eve
        date(2026, 12, 24),
        date(2025, 6, 20),  # Midsummer Eve
        date(2026, 6, 19),
        date(2030, 6, 21),
        date(2027, 12, 6),  # Independence Day
        date(2025, 4, 21),  # Easter Monday
        date(2025, 4, 18),  # Good Friday
        date(2026, 1, 1),
        date(2026, 1, 6),
        date(2025, 5, 1),
        date(2025, 5, 29),  # Ascension Day
    ],
)
def test_holidays_are_not_working_days(day: date):
    assert not is_working_day(day, KAJAANI)


def test_ordinary_weekdays_are_working_days_and_weekends_not():
    assert is_working_day(date(2025, 3, 10), KAJAANI)
    assert is_working_day(date(2025, 12, 23), KAJAANI)
    assert not is_working_day(date(2025, 3, 15), KAJAANI)
    assert is_working_day(date(2025, 3, 15), ODD)
    assert not is_working_day(date(2025, 3, 11), ODD)


def test_received_in_utc_is_converted_to_the_region_zone():
    winter = datetime(2025, 3, 11, 8, 30, tzinfo=UTC)  # 10:30 in Helsinki (UTC+2)
    result = due(winter)
    assert result == hel(2025, 3, 11, 11, 30)
    assert result.tzinfo is HEL
    assert result.utcoffset() == timedelta(hours=2)
    # 12:30 UTC in June is 15:30 EEST: after the cutoff although 12:30 looks like office hours.
    summer = datetime(2025, 6, 10, 12, 30, tzinfo=UTC)
    assert due(summer) == hel(2025, 6, 11, 9, 0)
    # 05:30 UTC in winter is 07:30 local: before opening, same day.
    assert due(datetime(2025, 3, 11, 5, 30, tzinfo=timezone(timedelta(0)))) == hel(2025, 3, 11, 9, 0)
    # Any offset: 16:00-05:00 is 21:00 UTC = 23:00 Helsinki.
    ny = datetime(2025, 3, 11, 16, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert due(ny) == hel(2025, 3, 12, 9, 0)


def test_spring_forward_weekend():
    # Clocks go 03:00 -> 04:00 on Sun 30.3.2025.
    result = due(hel(2025, 3, 28, 15, 30))
    assert same_instant(result, datetime(2025, 3, 31, 9, 0, tzinfo=timezone(timedelta(hours=3))))
    # Emergency across the gap: 15 real minutes, not 15 wall-clock minutes.
    em = due(hel(2025, 3, 30, 2, 50), "emergency")
    assert same_instant(em, datetime(2025, 3, 30, 4, 5, tzinfo=timezone(timedelta(hours=3))))
    assert u(em) - u(hel(2025, 3, 30, 2, 50)) == timedelta(minutes=15)


def test_fall_back_weekend():
    # Clocks go 04:00 -> 03:00 on Sun 26.10.2025.
    result = due(hel(2025, 10, 24, 15, 30))
    assert same_instant(result, datetime(2025, 10, 27, 9, 0, tzinfo=timezone(timedelta(hours=2))))
    em = due(hel(2025, 10, 26, 3, 50, fold=0), "emergency")  # first 03:50 (EEST)
    assert same_instant(em, datetime(2025, 10, 26, 3, 5, tzinfo=timezone(timedelta(hours=2))))
    assert em.fold == 1


def test_opening_inside_the_spring_gap_lands_just_after_it():
    night = Unit(
        id="night",
        name="N",
        callback_number="+35886150002",
        default_team="night-a",
        opening_hours={"sun": "03:00-05:00"},
    )
    opening = next_opening(hel(2025, 3, 29, 12, 0), night, HEL)
    assert same_instant(opening, datetime(2025, 3, 30, 4, 0, tzinfo=timezone(timedelta(hours=3))))
    assert same_instant(due(hel(2025, 3, 29, 12, 0), "urgent", night), hel(2025, 3, 30, 5, 0))


def test_next_opening():
    assert next_opening(hel(2025, 3, 11, 8, 0), KAJAANI, HEL) == hel(2025, 3, 11, 8, 0)
    assert next_opening(hel(2025, 3, 11, 8, 1), KAJAANI, HEL) == hel(2025, 3, 12, 8, 0)
    assert next_opening(hel(2025, 12, 23, 9, 0), KAJAANI, HEL) == hel(2025, 12, 29, 8, 0)
    assert next_opening(datetime(2025, 3, 14, 22, 0, tzinfo=UTC), KAJAANI, HEL).tzinfo is HEL


def test_next_opening_without_opening_hours_raises():
    closed = Unit(id="closed", name="C", callback_number="+35886150003", default_team="closed-a")
    with pytest.raises(ValueError, match="no opening hours"):
        next_opening(hel(2025, 3, 11, 8, 0), closed, HEL)
    with pytest.raises(ValueError):
        due(hel(2025, 3, 11, 8, 0), unit=closed)
    # Emergencies do not need opening hours.
    assert due(hel(2025, 3, 11, 8, 0), "emergency", closed) == hel(2025, 3, 11, 8, 15)


def test_naive_received_is_rejected():
    with pytest.raises(ValueError, match="timezone-aware"):
        due(datetime(2025, 3, 11, 10, 0))


def test_promised_callback_by_is_the_due_time():
    for received in (hel(2025, 3, 11, 10, 0), hel(2025, 3, 14, 15, 30), hel(2025, 3, 16, 3, 0)):
        for urgency in ("emergency", "urgent", "unassessed"):
            assert promised_callback_by(received, urgency, KAJAANI, SLA, HEL) == due(received, urgency)


def test_at_risk_at():
    assert at_risk_at(hel(2025, 3, 11, 10, 0), hel(2025, 3, 11, 11, 0), 0.75) == hel(2025, 3, 11, 10, 45)
    # Across the spring gap the elapsed time is real time: 01:00 EET -> 05:00 EEST is 3 h, not 4.
    result = at_risk_at(hel(2025, 3, 30, 1, 0), hel(2025, 3, 30, 5, 0), 0.5)
    assert same_instant(result, datetime(2025, 3, 30, 2, 30, tzinfo=timezone(timedelta(hours=2))))
    assert at_risk_at(datetime(2025, 1, 1, 10), datetime(2025, 1, 1, 12), 0.25) == datetime(2025, 1, 1, 10, 30)
    with pytest.raises(ValueError):
        at_risk_at(hel(2025, 3, 11, 10, 0), hel(2025, 3, 11, 11, 0), 1.5)


# --- properties -------------------------------------------------------------------------------

URGENCIES = st.sampled_from(["emergency", "urgent", "soon", "non_urgent", "unassessed"])
ROUTINE = st.sampled_from(["urgent", "soon", "non_urgent", "unassessed"])
UNITS = st.sampled_from([KAJAANI, ODD])
SLAS = st.sampled_from([SLA, Sla(same_day_cutoff="12:00"), Sla(same_day_cutoff="20:00", callback_promise_minutes=300)])
RECEIVED = st.datetimes(
    min_value=datetime(2025, 1, 1),
    max_value=datetime(2030, 12, 31, 23, 59, 59),
    timezones=st.sampled_from([HEL, UTC, timezone(timedelta(hours=-5)), timezone(timedelta(hours=9))]),
    allow_imaginary=False,
)


def _target(urgency: str, sla: Sla) -> timedelta:
    return timedelta(minutes=sla.urgent_minutes if urgency == "urgent" else sla.callback_promise_minutes)


def _within_hours_before_cutoff(received: datetime, unit: Unit, sla: Sla) -> bool:
    local = received.astimezone(HEL)
    hours = unit.hours(local.weekday())
    if hours is None or not is_working_day(local.date(), unit):
        return False
    return hours[0] <= local.time() < hours[1] and local.time() < sla.cutoff


@settings(max_examples=300, deadline=None)
@given(received=RECEIVED, urgency=URGENCIES, unit=UNITS, sla=SLAS)
def test_due_is_after_received_and_on_a_later_or_same_day(received, urgency, unit, sla):
    result = due_at(received, urgency, unit, sla, HEL)
    assert result.tzinfo is HEL
    assert u(result) > u(received)
    assert result.date() >= received.astimezone(HEL).date()


@settings(max_examples=300, deadline=None)
@given(received=RECEIVED, urgency=ROUTINE, unit=UNITS, sla=SLAS)
def test_routine_due_lies_within_opening_hours_of_a_working_day(received, urgency, unit, sla):
    result = due_at(received, urgency, unit, sla, HEL)
    assert is_working_day(result.date(), unit)
    hours = unit.hours(result.weekday())
    assert hours is not None
    assert hours[0] <= result.time() <= hours[1]
    assert promised_callback_by(received, urgency, unit, sla, HEL) == result


@settings(max_examples=300, deadline=None)
@given(received=RECEIVED, urgency=ROUTINE, unit=UNITS, sla=SLAS)
def test_within_hours_before_cutoff_never_exceeds_the_target_nor_leaves_the_day(received, urgency, unit, sla):
    result = due_at(received, urgency, unit, sla, HEL)
    if _within_hours_before_cutoff(received, unit, sla):
        assert u(result) - u(received) <= _target(urgency, sla)
        assert result.date() == received.astimezone(HEL).date()
    else:
        # Otherwise the clock starts at the next opening.
        opening = next_opening(received, unit, HEL)
        assert result.date() == opening.date()
        assert u(opening) < u(result) <= u(opening) + _target(urgency, sla)


@settings(max_examples=300, deadline=None)
@given(received=RECEIVED, unit=UNITS)
def test_next_opening_is_an_opening_time_of_a_working_day(received, unit):
    opening = next_opening(received, unit, HEL)
    assert u(opening) >= u(received)
    assert is_working_day(opening.date(), unit)
    hours = unit.hours(opening.weekday())
    assert hours is not None and opening.time() == hours[0]
    # No working opening is skipped between received and the one found.
    day = received.astimezone(HEL).date()
    while day < opening.date():
        h = unit.hours(day.weekday())
        if h is not None and is_working_day(day, unit):
            assert u(datetime.combine(day, h[0], tzinfo=HEL)) < u(received)
        day += timedelta(days=1)


@settings(max_examples=300, deadline=None)
@given(received=RECEIVED, urgency=URGENCIES, sla=SLAS, fraction=st.floats(0.05, 0.95))
def test_at_risk_lies_between_creation_and_due(received, urgency, sla, fraction):
    result = due_at(received, urgency, KAJAANI, sla, HEL)
    risk = at_risk_at(received, result, fraction)
    assert u(received) <= u(risk) <= u(result)


def test_emergency_is_exactly_the_emergency_target():
    for received in (hel(2025, 3, 16, 3, 0), datetime(2025, 7, 1, 12, 0, tzinfo=UTC)):
        assert u(due(received, "emergency")) - u(received) == timedelta(minutes=SLA.emergency_minutes)



class TestUrgencyChange:
    """A professional's change of urgency moves the due time (issue 3)."""

    def setup_method(self) -> None:
        self.unit = KAJAANI
        self.sla = Sla()
        self.created = datetime(2026, 11, 16, 8, 5, tzinfo=HEL)  # Monday
        self.due = due_at(self.created, "unassessed", self.unit, self.sla, HEL)

    def test_raised_to_emergency_runs_from_the_change(self) -> None:
        now = datetime(2026, 11, 16, 8, 30, tzinfo=HEL)
        new = due_after_urgency_change(self.created, self.due, "unassessed", "emergency", now, self.unit, self.sla, HEL)
        assert new == now + timedelta(minutes=15)

    def test_raise_never_makes_it_later(self) -> None:
        now = datetime(2026, 11, 16, 8, 30, tzinfo=HEL)
        new = due_after_urgency_change(self.created, self.due, "unassessed", "urgent", now, self.unit, self.sla, HEL)
        assert new == self.due  # 09:05 is sooner than 08:30 + 2 h

    def test_lowered_never_makes_it_earlier(self) -> None:
        now = datetime(2026, 11, 16, 8, 10, tzinfo=HEL)
        urgent_due = due_at(self.created, "urgent", self.unit, self.sla, HEL)
        new = due_after_urgency_change(self.created, urgent_due, "urgent", "non_urgent", now, self.unit, self.sla, HEL)
        assert new == urgent_due
