"""Retention rules (app.domain.retention) with plain datetimes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from app.domain.retention import PURGED_TEXT, due_for_purge, purge_cutoff, redact_event
from app.region_file import parse_region
from app.settings import DEMO_REGION

NOW = datetime(2026, 11, 28, 12, 0, tzinfo=timezone.utc)


def test_a_case_closed_longer_than_the_period_is_due_once():
    old = NOW - timedelta(days=366)
    assert due_for_purge("resolved", old, None, NOW, 365)
    assert not due_for_purge("resolved", old, NOW, NOW, 365)  # done already
    assert not due_for_purge("resolved", NOW - timedelta(days=364), None, NOW, 365)  # too recent
    assert not due_for_purge("resolved", purge_cutoff(NOW, 365), None, NOW, 365)  # exactly the period: not yet
    for open_status in ("new", "claimed", "waiting"):
        assert not due_for_purge(open_status, old, None, NOW, 365)
    assert not due_for_purge("resolved", None, None, NOW, 365)


@given(st.integers(0, 4000), st.integers(1, 3650))
def test_due_exactly_past_the_period(age_days, days):  # type: ignore[no-untyped-def]
    resolved = NOW - timedelta(days=age_days, seconds=1)
    assert due_for_purge("resolved", resolved, None, NOW, days) == (age_days >= days)


def test_events_lose_the_words_and_keep_the_structure():
    message = {"type": "message.created", "case_id": "c1", "queue": "chat:kajaani", "at": "t", "case": {"id": "c1"},
               "message": {"id": "m1", "from": "patient", "text": "Minulla on kipuja", "at": "t", "author": None}}  # fmt: skip
    redacted = redact_event(message)
    assert redacted is not None and redacted["message"]["text"] == PURGED_TEXT
    assert {k: v for k, v in redacted.items() if k != "message"} == {k: v for k, v in message.items() if k != "message"}
    assert redacted["message"]["from"] == "patient" and message["message"]["text"] == "Minulla on kipuja"  # a copy
    urgency = {"type": "case.urgency", "urgency": {"from": "non_urgent", "to": "urgent", "reason": "kuume 40", "flags": []}}
    assert redact_event(urgency) == {"type": "case.urgency", "urgency": {"from": "non_urgent", "to": "urgent", "reason": "", "flags": []}}
    assert redact_event({"type": "case.claimed", "case": {"id": "c1"}}) is None
    assert redact_event({"type": "message.created", "message": {"text": ""}}) is None  # already blank


def test_the_period_defaults_to_a_year_and_a_broken_one_names_the_field():
    import pytest

    from app.region_file import RegionFileError

    text = DEMO_REGION.read_text(encoding="utf-8")
    without = text.replace("[retention]\ndays = 365\n", "")
    assert parse_region(without).retention.days == 365
    with pytest.raises(RegionFileError, match=r"line \d+.*retention.days"):
        parse_region(text.replace("[retention]\ndays = 365", "[retention]\ndays = 0"))
