"""The KPI report's rules as pure functions, answers worked out by hand."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from app.domain.errors import Invalid
from app.domain.kpis import (
    KpiCallback,
    HandledGroup,
    KpiResolved,
    callbacks,
    continuity,
    fcr,
    fcr_at_resolve,
    handler,
    last_weeks,
    parse_period,
    percentile,
    period_bounds,
    week_label,
    weekly_csv,
    WeeklyKpis,
)
from app.domain.region import Region
from app.web import charts

HKI = ZoneInfo("Europe/Helsinki")
UTC = timezone.utc


def test_nearest_rank_percentile() -> None:
    assert percentile([], 0.5) is None
    assert percentile([7], 0.9) == 7
    assert percentile([4, 1, 3, 2], 0.5) == 2  # rank ceil(2) = 2
    assert percentile([4, 1, 3, 2], 0.9) == 4  # rank ceil(3.6) = 4
    assert percentile(list(range(1, 11)), 0.9) == 9


def test_period_bounds_are_local_days_across_dst() -> None:
    # 29 March 2026: clocks go forward in Helsinki (a 23-hour day); 25 October: back (25 hours).
    start, end = period_bounds(date(2026, 3, 29), date(2026, 3, 29), HKI)
    assert (start, end) == (datetime(2026, 3, 28, 22, tzinfo=UTC), datetime(2026, 3, 29, 21, tzinfo=UTC))
    start, end = period_bounds(date(2026, 10, 25), date(2026, 10, 25), HKI)
    assert end - start == timedelta(hours=25)
    start, end = period_bounds(date(2026, 3, 1), date(2026, 3, 31), HKI)
    assert (start, end) == (datetime(2026, 2, 28, 22, tzinfo=UTC), datetime(2026, 3, 31, 21, tzinfo=UTC))


def test_parse_period() -> None:
    today = date(2026, 11, 28)
    assert parse_period(None, None, today) == (today, today)
    assert parse_period("2026-11-01", None, today) == (date(2026, 11, 1), today)
    assert parse_period(None, "2026-11-02", today) == (date(2026, 11, 2), date(2026, 11, 2))
    for a, b, word in (("2026-02-30", None, "from"), ("2026-11-02", "2026-11-01", "after"), ("2025-01-01", "2026-11-01", "at most")):
        with pytest.raises(Invalid, match=word):
            parse_period(a, b, today)


def test_iso_weeks() -> None:
    assert week_label(date(2025, 12, 29)) == "2026-W01"  # a Monday of December in next year's week 1
    assert week_label(date(2026, 11, 28)) == "2026-W48"
    weeks = last_weeks(date(2026, 1, 1), 2)
    assert weeks == [("2025-W52", date(2025, 12, 22), date(2025, 12, 28)), ("2026-W01", date(2025, 12, 29), date(2026, 1, 4))]
    for n in (0, 105):
        with pytest.raises(Invalid, match="weeks"):
            last_weeks(date(2026, 1, 1), n)


def _resolved(at: datetime, next_contact: datetime | None, **kw) -> KpiResolved:  # type: ignore[no-untyped-def]
    base = dict(outcome="ADVICE", handovers=0, contacts_count=1, first_handler="n-aino", resolved_by="n-aino", patient_id="p",
                claimed_at=None, patient_informed=None, care_pathway=None)
    return KpiResolved(at=at, next_contact_at=next_contact, **{**base, **kw})  # type: ignore[arg-type]


def test_fcr_seven_day_rule() -> None:
    at = datetime(2026, 11, 2, 10, tzinfo=UTC)
    assert fcr(_resolved(at, None))
    assert not fcr(_resolved(at, at + timedelta(days=7)))  # exactly 7 days after: still within
    assert fcr(_resolved(at, at + timedelta(days=7, seconds=1)))
    assert not fcr(_resolved(at, at + timedelta(minutes=1)))
    assert not fcr(_resolved(at, None, handovers=1))
    assert not fcr(_resolved(at, None, contacts_count=2))
    assert not fcr(_resolved(at, None, first_handler="n-eero"))
    assert fcr_at_resolve(_resolved(at, at + timedelta(days=1))) and not fcr(_resolved(at, at + timedelta(days=1)))


def test_same_day_is_judged_by_the_first_promise_day() -> None:
    def L(d: int, h: int, m: int = 0) -> datetime:
        return datetime(2026, 12, d, h, m, tzinfo=HKI)

    rows = [
        KpiCallback(L(4, 16, 30), L(7, 9), None, L(7, 8, 30)),  # Friday evening, due Monday, called Monday: same day
        KpiCallback(L(7, 10), L(7, 11), None, L(7, 23, 59)),  # late but the same day
        KpiCallback(L(7, 15, 50), L(8, 9), L(7, 16), L(8, 8)),  # carried over: the promise was the 7th
        KpiCallback(L(7, 9), L(7, 10), None, None),
    ]
    got = callbacks(rows, HKI)
    assert (got.total, got.same_day_ratio, got.within_due_ratio, got.attempted) == (4, 0.5, 0.25, 3)
    # delays 2 d 16 h = 230400, 13 h 59 min = 50340, 16 h 10 min = 58200 → p50 rank 2 = 58200, p90 rank 3
    assert (got.delay_p50_s, got.delay_p90_s) == (58200, 230400)


def test_continuity_by_hand(region: Region) -> None:
    def g(patient: str, who: str, n: int = 1) -> HandledGroup:
        return HandledGroup(patient, who, n)

    groups = [
        # p1: aino 3, eero 1, coordinator helena (a nurse) 1 → N 5, Σn² 9 + 1 + 1 = 11
        g("p1", "n-aino", 3), g("p1", "n-eero"), g("p1", "c-helena"),
        # p2: aino 2, liisa 2 → N 4, Σn² 8: COC (8 − 4) / 12 = 1/3, UPC 1/2
        g("p2", "n-aino", 2), g("p2", "n-liisa", 2),
        # p3: two nurse contacts and one by an assistant (no professional type): not qualified
        g("p3", "n-aino", 2), g("p3", "a-sari"),
        # p4: doctors: mikko 3 → 1, 1; and one nurse contact (not enough for nurses)
        g("p4", "d-mikko", 3), g("p4", "n-aino"),
        # a professional no longer in the region file counts for nobody
        g("p5", "n-gone", 5),
    ]
    got = continuity(groups, region)
    coc1, upc1 = (11 - 5) / 20, 3 / 5
    coc2, upc2 = 1 / 3, 1 / 2
    assert got["nurse"].patients == 2
    assert got["nurse"].coc == round((coc1 + coc2) / 2, 4) and got["nurse"].upc == round((upc1 + upc2) / 2, 4)
    assert (got["doctor"].coc, got["doctor"].upc, got["doctor"].patients) == (1.0, 1.0, 1)


def test_handler_is_the_resolver_else_the_first_claimant() -> None:
    assert handler("ADVICE", "d-mikko", "n-aino") == "d-mikko"
    assert handler(None, "n-eero", "n-aino") == "n-aino"  # merged away: no outcome
    assert handler(None, None, None) is None


def test_weekly_csv_of_no_weeks_is_a_header() -> None:
    assert weekly_csv(WeeklyKpis(unit="kajaani", timezone="Europe/Helsinki", weeks=[])) == "week\r\n"


def test_line_chart_gaps_scale_and_accessibility() -> None:
    svg = charts.line_chart(
        "FCR <weekly>", ["W1", "W2", "W3", "W4"],
        [charts.Line("measured", [0.5, None, 0.25, 1.0]), charts.Line("reported", [None, None, None, None])],
        chart_id="trend-fcr", low=0, high=1,
    )
    assert svg.startswith("<svg") and 'role="img"' in svg and 'aria-labelledby="trend-fcr-title trend-fcr-desc"' in svg
    assert "FCR &lt;weekly&gt;" in svg and "<script" not in svg and "style=" not in svg
    assert "measured: W1 0.5, W3 0.25, W4 1" in svg and "reported: no data" in svg
    assert svg.count("<polyline") == 1  # W3–W4; W1 stands alone before the gap
    assert svg.count("<circle") == 3
    with pytest.raises(ValueError, match="outside"):
        charts.line_chart("x", ["a"], [charts.Line("n", [120])], chart_id="x", low=-100, high=100)
