"""End-of-day rules (app.domain.end_of_day) on a fake clock: which day closes, what is unreached,
how it is carried."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from app.domain import end_of_day as rules
from app.region_file import load_region
from app.settings import DEMO_REGION

REGION = load_region(DEMO_REGION)
TZ = ZoneInfo(REGION.region.timezone)
KAJAANI = REGION.unit_by_id["kajaani"]


def hel(y: int, mo: int, d: int, h: int = 0, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=TZ)


def callback(**kw: object) -> rules.CallbackCase:
    base: dict[str, object] = {
        "id": "c1", "status": "new", "channel": "phone", "urgency": "unassessed",
        "due_at": hel(2026, 11, 19, 11, 0), "promised_at": None,
    }
    return rules.CallbackCase(**(base | kw))  # type: ignore[arg-type]


def test_the_day_to_close_is_the_latest_finished_working_day():
    thursday_close = hel(2026, 11, 19, 16, 0).astimezone(timezone.utc)
    assert rules.day_to_close(hel(2026, 11, 19, 16, 0), KAJAANI, TZ) == rules.WorkingDay(date(2026, 11, 19), thursday_close)
    # Before closing: the day before (already closed in the usual run; a late start catches up).
    assert rules.day_to_close(hel(2026, 11, 19, 15, 59), KAJAANI, TZ).day == date(2026, 11, 18)  # type: ignore[union-attr]
    # Friday closes at 15:00; on Sunday the latest finished working day is still that Friday.
    assert rules.day_to_close(hel(2026, 11, 22, 12, 0), KAJAANI, TZ).day == date(2026, 11, 20)  # type: ignore[union-attr]
    # Christmas: 24th (Thu) and 25th (Fri) closed, so on the 27th it is the 23rd.
    assert rules.day_to_close(hel(2026, 12, 27, 12, 0), KAJAANI, TZ).day == date(2026, 12, 23)  # type: ignore[union-attr]
    assert rules.closing_of(date(2026, 12, 24), KAJAANI, TZ) is None
    assert rules.mark_key("kajaani", date(2026, 11, 19)) == "kajaani/2026-11-19"


def test_unreached_means_an_open_unmerged_phone_callback_due_by_closing_never_reached():
    closing = hel(2026, 11, 19, 16, 0)
    assert rules.unreached(callback(), closing)
    assert rules.unreached(callback(status="claimed"), closing)
    assert not rules.unreached(callback(reached=True), closing)
    assert not rules.unreached(callback(status="resolved"), closing)
    assert not rules.unreached(callback(status="waiting"), closing)
    assert not rules.unreached(callback(channel="chat"), closing)
    assert not rules.unreached(callback(merged_into="c0"), closing)
    assert not rules.unreached(callback(due_at=hel(2026, 11, 20, 9, 0)), closing)


def test_a_carried_callback_keeps_its_first_promise_and_is_due_next_morning():
    closing = hel(2026, 11, 19, 16, 0)
    carry = rules.carry(callback(), closing, KAJAANI, REGION, TZ)
    assert carry is not None
    assert carry.promised_at == hel(2026, 11, 19, 11, 0)
    assert carry.due_at == hel(2026, 11, 20, 9, 0)  # Friday 08:00 + the 60-minute promise
    assert hel(2026, 11, 20, 8, 0) < carry.at_risk_at < carry.due_at
    assert carry.columns()["at_risk"] is False and carry.columns()["overdue"] is False
    # Carried again on Friday: the promise stays the first one; Friday → Monday.
    again = rules.carry(callback(due_at=carry.due_at, promised_at=carry.promised_at), hel(2026, 11, 20, 15, 0), KAJAANI, REGION, TZ)
    assert again is not None and again.promised_at == hel(2026, 11, 19, 11, 0) and again.due_at == hel(2026, 11, 23, 9, 0)
    assert rules.carry(callback(urgency="urgent"), closing, KAJAANI, REGION, TZ).due_at == hel(2026, 11, 20, 10, 0)  # type: ignore[union-attr]
    assert rules.carry(callback(urgency="emergency"), closing, KAJAANI, REGION, TZ) is None


def test_the_day_event_goes_to_the_coordinator_queue_without_patient_data():
    day = rules.WorkingDay(date(2026, 11, 19), hel(2026, 11, 19, 16, 0))
    event = rules.day_event("kajaani", day, [{"case_id": "c1"}], hel(2026, 11, 19, 16, 0, ) + timedelta(seconds=5))
    assert event["type"] == "day.unreached" and event["queue"] == "coordinator:kajaani"
    assert event["date"] == "2026-11-19" and event["count"] == 1


def test_the_day_list_reaches_the_units_coordinators_supervisor_and_admins_live():
    from app.domain.access import live_queues

    who = REGION.professional_by_id
    seeing = {p for p in ("c-helena", "s-paula", "x-admin", "n-aino", "s-jouni") if "coordinator:kajaani" in live_queues(REGION, who[p], "kajaani")}
    assert seeing == {"c-helena", "s-paula", "x-admin"}


def test_a_callback_the_sweep_has_not_counted_yet_is_counted_when_carried():
    closing = hel(2026, 11, 19, 16, 0)
    counted = rules.carry(callback(), closing, KAJAANI, REGION, TZ)
    assert counted is not None and not counted.callback_due and "due_counted" not in counted.columns()
    fresh = rules.carry(callback(due_counted=False, first_callback_at=hel(2026, 11, 19, 10, 30)), closing, KAJAANI, REGION, TZ)
    assert fresh is not None and fresh.callback_due and fresh.callback_kept and fresh.columns()["due_counted"] is True
    late = rules.carry(callback(due_counted=False, first_callback_at=hel(2026, 11, 19, 12, 0)), closing, KAJAANI, REGION, TZ)
    assert late is not None and late.callback_due and not late.callback_kept
