"""Rate limits (app/domain/rate_limits.py, app/security/rate_limit.py): budgets, windows, keys."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.rate_limits import LIMITS, Limit, LimitsError, parse_limits, refused_for, sliding_wait, window
from app.security.rate_limit import LocalCounter, RateLimited, RateLimiter
from app.security.throttle import LoginThrottle


def test_overrides_and_the_switch() -> None:
    limits = parse_limits("survey_address=2/60, webhook_unit=10/1")
    assert limits is not None and limits["survey_address"] == Limit(2, 60) and limits["webhook_unit"] == Limit(10, 1)
    assert limits["chat_start"] == LIMITS["chat_start"]
    assert parse_limits("") == LIMITS and parse_limits(None) == LIMITS
    assert parse_limits("off") is None and parse_limits("OFF") is None
    for bad in ("nope=1/1", "survey_address=1", "survey_address=x/60", "survey_address=0/60"):
        with pytest.raises(LimitsError):
            parse_limits(bad)


@given(count=st.integers(1, 50), seconds=st.integers(1, 3600), now=st.floats(1e9, 2e9))
def test_exactly_the_budget_fits_a_window(count: int, seconds: int, now: float) -> None:
    limit = Limit(count, seconds)
    number, left = window(limit, now)
    assert number * seconds <= now < (number + 1) * seconds and 1 <= left <= seconds + 1
    assert all(refused_for(n, limit, now) == 0 for n in range(1, count + 1))
    assert refused_for(count + 1, limit, now) == left


async def test_a_limiter_refuses_past_the_budget_and_forgets_at_the_next_window() -> None:
    now = [1_000_000.0]
    limiter = RateLimiter("survey_address=2/60", "secret", clock=lambda: now[0])
    await limiter.check("survey_address", "10.0.0.1")
    await limiter.check("survey_address", "10.0.0.1")
    await limiter.check("survey_address", "10.0.0.2")  # another address has its own budget
    with pytest.raises(RateLimited) as refused:
        await limiter.check("survey_address", "10.0.0.1")
    assert refused.value.status_code == 429 and refused.value.extra["code"] == "rate_limited"
    assert refused.value.extra["limit"] == "survey_address" and 1 <= refused.value.retry_after <= 61
    now[0] += 60
    await limiter.check("survey_address", "10.0.0.1")  # a new window


async def test_off_counts_nothing_and_keys_hold_no_address() -> None:
    off = RateLimiter("off", "secret")
    for _ in range(100):
        await off.check("chat_start", "10.0.0.1")
    limiter = RateLimiter("", "secret")
    key = limiter.key("survey_address", "10.0.0.1", 7)  # the key's shape is the point
    assert "10.0.0.1" not in key and key.startswith("firstline:rl:survey_address:") and key.endswith(":7")


async def test_local_counter_expires_and_stays_bounded() -> None:
    counter = LocalCounter(max_keys=10)
    assert [await counter.incr("a", 60) for _ in range(3)] == [1, 2, 3]
    for i in range(50):
        await counter.incr(f"k{i}", 60)
    assert len(counter._counts) <= 10  # noqa: SLF001
    short = LocalCounter()
    await short.incr("b", 0)
    assert await short.incr("b", 60) == 1  # the 0-second window had ended


async def test_login_throttle_counts_failures_in_windows_and_a_success_forgets_them() -> None:
    now = [1_000_200.0]  # the start of a 600-second window
    throttle = LoginThrottle(RateLimiter("off", "secret", clock=lambda: now[0]))  # "off" leaves logins throttled
    for _ in range(4):
        await throttle.failed("user:eero", "addr:10.0.0.1")
    assert await throttle.retry_after("user:eero", "addr:10.0.0.1") == 0  # the fifth try is allowed
    await throttle.succeeded("user:eero", "addr:10.0.0.1")
    for _ in range(5):
        await throttle.failed("user:eero", "addr:10.0.0.1")
    assert await throttle.retry_after("user:eero", "addr:10.0.0.2") == 720  # the account, from anywhere: the window
    # and then until one of its five failures has weighed out of the sliding span (600 + 120 s)
    assert await throttle.retry_after("user:aino", "addr:10.0.0.1") == 720  # the address, for anyone
    assert await throttle.retry_after("user:aino", "addr:10.0.0.2") == 0
    now[0] += 600  # a new window, but the five failures are still within the last 600 s
    assert await throttle.retry_after("user:eero", "addr:10.0.0.1") == 120  # until one of five has weighed out
    now[0] += 120
    assert await throttle.retry_after("user:eero", "addr:10.0.0.1") == 0
    now[0] += 600
    assert await throttle.retry_after("user:eero", "addr:10.0.0.1") == 0


async def test_the_login_budget_is_not_spent_twice_across_a_window_boundary() -> None:
    """Five guesses at the end of one window and five more at the start of the next would pass a
    fixed window; over the sliding span the second five wait."""
    now = [1_000_200.0 + 599]  # one second before the next window
    throttle = LoginThrottle(RateLimiter("off", "secret", clock=lambda: now[0]))
    for _ in range(5):
        await throttle.failed("user:eero")
    now[0] += 2  # the next window has begun
    assert await throttle.retry_after("user:eero") == 119  # a fixed window would say 0 here
    await throttle.succeeded("user:eero")  # a success forgets the last window's failures too
    assert await throttle.retry_after("user:eero") == 0


@settings(max_examples=400, deadline=None)
@given(st.integers(0, 8), st.integers(0, 8), st.floats(0, 599.99))
def test_waiting_as_told_is_enough_and_no_wait_means_room(previous: int, current: int, into: float) -> None:
    limit = Limit(5, 600)
    start = 1_000_200.0  # a window's start
    now = start + into
    wait = sliding_wait(previous, current, limit, now)
    if wait == 0:
        assert previous * (1 - into / 600) + current + 1 <= 5 + 1e-9
        return
    later = now + wait
    if later < start + 600:  # still this window: the same counts
        assert sliding_wait(previous, current, limit, later) == 0
        assert sliding_wait(previous, current, limit, later - 1) > 0  # and not a second too long
    else:  # the next window: this one's count is now the last one's
        assert sliding_wait(current, 0, limit, later) == 0
