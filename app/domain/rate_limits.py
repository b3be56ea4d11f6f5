"""How much each public door takes before it says "slow down" (issue 14, SPEC §11).

Pure: the limits, their names, and the fixed-window arithmetic. Public endpoints are open to
anyone who can reach them (the webhooks to whoever holds the secret, the survey and the chat to
everyone), so each has a budget per *who* — a source address, a unit, a patient — that a person
or a sane platform never meets and a runaway script soon does. A refusal is a 429 with
``Retry-After`` (``rate_limited``); nothing is half-done.

Budgets are counted in fixed windows (``count`` per ``seconds``): cheap, and shared across
instances with one Redis ``INCR`` when Redis is configured (app/security/rate_limit.py).
Operators change them with ``FIRSTLINE_RATE_LIMITS="survey_address=40/600,webhook_unit=6000/60"``
or switch them off with ``FIRSTLINE_RATE_LIMITS=off`` (benchmarks).
"""

from __future__ import annotations

import math

import msgspec


class Limit(msgspec.Struct, frozen=True):
    count: int  # requests allowed …
    seconds: int  # … per window of this many seconds


# name → budget. The name says the door and the *who* it is counted per.
LIMITS: dict[str, Limit] = {
    # telephony / SMS / appointment platforms: one address sends a whole region's traffic
    "webhook_source": Limit(3000, 60),  # per source address, all webhooks together
    "webhook_unit": Limit(1200, 60),  # per unit the contact is for (a unit's phone line)
    # the public web
    "chat_form": Limit(60, 60),  # GET /channels/chat/form, per address
    "chat_start": Limit(5, 600),  # new chats per address (a person starts one or two)
    "survey_address": Limit(30, 600),  # survey page and answers per address
    # the patient portal, per authenticated patient
    "secure_message": Limit(20, 3600),  # new threads and replies
    "portal_read": Limit(300, 60),  # listing and reading their own threads and pathways
}


# Failed professional logins, per username and per client address (app/security/throttle.py).
# Not in LIMITS: it counts failures, not requests, and FIRSTLINE_RATE_LIMITS=off (benchmarks)
# must not switch off password guessing's brake. With argon2id hashing, five guesses per ten
# minutes per account is far too slow to guess a password and rarely meets a person's typos.
LOGIN_FAILURES = Limit(5, 600)


class LimitsError(ValueError):
    """FIRSTLINE_RATE_LIMITS names an unknown limit or is not `name=count/seconds,…`."""


def parse_limits(spec: str | None) -> dict[str, Limit] | None:
    """The limits in force: the defaults with ``name=count/seconds`` overrides; None for ``off``."""
    text = (spec or "").strip()
    if text.lower() in ("off", "0", "false", "no"):
        return None
    limits = dict(LIMITS)
    for part in filter(None, (p.strip() for p in text.split(","))):
        name, _, value = part.partition("=")
        count, _, seconds = value.partition("/")
        name = name.strip()
        if name not in LIMITS:
            raise LimitsError(f"FIRSTLINE_RATE_LIMITS: no limit {name!r}; known: {', '.join(LIMITS)}")
        try:
            limit = Limit(int(count), int(seconds))
        except ValueError:
            raise LimitsError(f"FIRSTLINE_RATE_LIMITS: {part!r} is not name=count/seconds") from None
        if limit.count < 1 or limit.seconds < 1:
            raise LimitsError(f"FIRSTLINE_RATE_LIMITS: {part!r} needs a count and seconds of at least 1")
        limits[name] = limit
    return limits


def window(limit: Limit, now: float) -> tuple[int, int]:
    """(the window's number, seconds until the next one starts) at unix time ``now``."""
    number = int(now // limit.seconds)
    return number, max(1, int((number + 1) * limit.seconds - now + 0.999))


def sliding_wait(previous: int, current: int, limit: Limit, now: float) -> int:
    """0 when one more attempt fits the budget over the last ``limit.seconds``, else the seconds
    to wait. The last window's count is weighed by the share of it still inside the sliding
    span (the usual two-window estimate): a fixed window alone would let a guesser spend the
    budget at the end of one window and again at the start of the next, twice in a moment."""
    span = limit.seconds
    left = 1.0 - (now % span) / span  # share of the last window still in the span
    if previous * left + current + 1 <= limit.count + 1e-9:
        return 0
    if current + 1 <= limit.count:
        # the weighted last window must shrink to (count - current - 1) / previous of itself
        shrink = left - (limit.count - current - 1) / previous
    else:
        # this window is full: wait for the next, then for this one to weigh out in turn
        shrink = left + 1.0 - (limit.count - 1) / current
    return max(1, math.ceil(span * shrink - 1e-9))


def refused_for(count: int, limit: Limit, now: float) -> int:
    """0 when the ``count``-th request of this window is within the budget, else the seconds to
    wait (for ``Retry-After``)."""
    return 0 if count <= limit.count else window(limit, now)[1]
