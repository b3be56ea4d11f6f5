"""The chat's place-in-line rule: position from 1; the wait from recent handling times and who
is available (app.domain.chat_queue), with plain numbers and datetimes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.chat_queue import (
    DEFAULT_HANDLING_S,
    MAX_ESTIMATE_S,
    MAX_HANDLING_S,
    MIN_HANDLING_S,
    QueuePosition,
    available_for_chat,
    estimated_wait_s,
    handling_seconds,
    position_in_line,
    typical_handling_s,
)
from app.region_file import load_region
from app.settings import DEMO_REGION

T0 = datetime(2026, 11, 16, 8, 0, tzinfo=timezone.utc)
REGION = load_region(DEMO_REGION)


def test_without_history_one_chat_takes_the_default():
    assert position_in_line(0) == QueuePosition(position=1, estimated_wait_s=DEFAULT_HANDLING_S, nurses_available=1)
    assert position_in_line(4).estimated_wait_s == 5 * DEFAULT_HANDLING_S


def test_the_wait_is_position_times_handling_over_the_available():
    assert position_in_line(2, handling_s=240, available=2) == QueuePosition(3, 360, 2)  # 3 × 240 / 2
    assert position_in_line(0, handling_s=100, available=3).estimated_wait_s == 34  # rounded up
    assert estimated_wait_s(1000, MAX_HANDLING_S, 1) == MAX_ESTIMATE_S  # capped


def test_nobody_available_is_said_and_estimated_as_for_one():
    nobody = position_in_line(1, handling_s=200, available=0)
    assert nobody == QueuePosition(2, 400, 0)


def test_typical_handling_is_the_median_of_recent_chats_once_there_are_enough():
    assert typical_handling_s([]) == DEFAULT_HANDLING_S
    assert typical_handling_s([100, 200]) == DEFAULT_HANDLING_S  # two are not a pattern
    assert typical_handling_s([100, 200, 9000]) == 200  # one chat left open over lunch does not count much
    assert typical_handling_s([1, 2, 3]) == MIN_HANDLING_S and typical_handling_s([10**6] * 3) == MAX_HANDLING_S
    spans = [(T0, T0 + timedelta(minutes=4)), (T0, T0 - timedelta(minutes=1)), (T0, T0)]
    assert handling_seconds(spans) == [240.0]  # a span backwards or empty is no handling time


def test_only_the_units_chat_duty_professionals_count():
    everyone = [p.id for p in REGION.professionals]
    # Kajaani: nurses aino, eero, liisa, doctor mikko, coordinator helena; not the assistant, supervisor or admin
    assert available_for_chat(REGION.professionals, "kajaani", everyone) == 5
    assert available_for_chat(REGION.professionals, "kajaani", ["n-aino", "a-sari", "s-paula", "n-veera"]) == 1
    assert available_for_chat(REGION.professionals, "sotkamo", everyone) == 1
    assert available_for_chat(REGION.professionals, "kajaani", []) == 0


@given(st.integers(0, 500), st.floats(MIN_HANDLING_S, MAX_HANDLING_S), st.integers(0, 50))
def test_monotone_in_position(ahead, handling, available):  # type: ignore[no-untyped-def]
    here, behind = position_in_line(ahead, handling, available), position_in_line(ahead + 1, handling, available)
    assert behind.position == here.position + 1
    assert behind.estimated_wait_s >= here.estimated_wait_s


@given(st.integers(0, 500), st.floats(MIN_HANDLING_S, MAX_HANDLING_S), st.integers(0, 50))
def test_non_increasing_as_professionals_become_available(ahead, handling, available):  # type: ignore[no-untyped-def]
    fewer, more = position_in_line(ahead, handling, available), position_in_line(ahead, handling, available + 1)
    assert more.estimated_wait_s <= fewer.estimated_wait_s
    assert 0 < more.estimated_wait_s <= MAX_ESTIMATE_S


@given(st.integers(0, 500), st.floats(MIN_HANDLING_S, MAX_HANDLING_S / 2), st.integers(0, 50))
def test_non_decreasing_in_handling_time(ahead, handling, available):  # type: ignore[no-untyped-def]
    assert position_in_line(ahead, handling * 2, available).estimated_wait_s >= position_in_line(ahead, handling, available).estimated_wait_s


def test_a_negative_count_is_a_bug_not_a_place():
    with pytest.raises(ValueError, match="negative"):
        position_in_line(-1)
    with pytest.raises(ValueError, match="negative"):
        position_in_line(0, available=-1)


def test_a_chat_session_lapses_only_after_the_grace_once_closed() -> None:
    from app.domain.chat_queue import SESSION_GRACE, session_expired

    closed = datetime(2026, 12, 3, 10, 0, tzinfo=timezone.utc)
    assert not session_expired("claimed", None, closed + timedelta(days=30))  # open: never
    assert not session_expired("resolved", closed, closed + SESSION_GRACE)
    assert session_expired("resolved", closed, closed + SESSION_GRACE + timedelta(seconds=1))
    assert not session_expired("resolved", None, closed)  # no close time known: not lapsed
