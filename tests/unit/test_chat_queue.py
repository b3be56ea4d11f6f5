"""The chat's place-in-line rule: position counts from 1, the wait is a flat rate per chat."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.chat_queue import SECONDS_PER_QUEUED_CHAT, QueuePosition, position_in_line


def test_first_in_line_waits_one_chat():
    assert SECONDS_PER_QUEUED_CHAT == 120
    assert position_in_line(0) == QueuePosition(position=1, estimated_wait_s=120)
    assert position_in_line(4) == QueuePosition(position=5, estimated_wait_s=600)


@given(st.integers(0, 10_000))
def test_each_chat_ahead_adds_one_place_and_one_chat_of_wait(ahead: int):
    here, behind = position_in_line(ahead), position_in_line(ahead + 1)
    assert behind.position == here.position + 1
    assert behind.estimated_wait_s - here.estimated_wait_s == SECONDS_PER_QUEUED_CHAT


def test_a_negative_count_is_a_bug_not_a_place():
    with pytest.raises(ValueError, match="negative"):
        position_in_line(-1)
