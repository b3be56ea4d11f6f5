"""A waiting chat visitor's place in line and the wait it stands for.

Pure. The store counts the unclaimed chats ahead (`app.db.chat`), the handling times of the
unit's recently closed chats and the professionals available for chat duty (presence); the
visitor is shown `position_in_line(ahead, handling_s, available)`:

    estimated wait ≈ position × typical handling time / max(1, professionals available)

- The typical handling time is the median (claim → resolve) of the unit's chats closed in the
  last `HANDLING_WINDOW`, once there are `MIN_SAMPLES` of them (a median: one chat left open over
  lunch must not double everyone's estimate), else `DEFAULT_HANDLING_S`; kept within
  [`MIN_HANDLING_S`, `MAX_HANDLING_S`].
- Nobody available (all busy, away or logged off): the estimate is made as for one professional
  and `nurses_available` is 0, so the widget can say that nobody is on chat duty right now
  rather than promise a time; estimates are capped at `MAX_ESTIMATE_S`.

The estimate never falls as the position grows, and never rises as professionals become
available (tests/unit/test_chat_queue.py checks both as properties).
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

import msgspec

from app.domain.region import Professional

DEFAULT_HANDLING_S = 300  # a chat's typical handling time until the unit has history
MIN_HANDLING_S = 30
MAX_HANDLING_S = 3600
HANDLING_WINDOW = timedelta(hours=8)
MIN_SAMPLES = 3
MAX_ESTIMATE_S = 4 * 3600  # beyond this an estimate is no information
# A visitor may come back to a closed chat to read it and answer the survey; after this the
# session token opens nothing (a token on a shared computer must not open a transcript forever).
SESSION_GRACE = timedelta(hours=1)


def session_expired(status: str, resolved_at: datetime | None, now: datetime) -> bool:
    """A chat's session token lapses once the case has been closed for longer than the grace."""
    return status == "resolved" and resolved_at is not None and now - resolved_at > SESSION_GRACE
CHAT_ROLES: tuple[str, ...] = ("nurse", "doctor", "coordinator")  # whose inbox holds chat:<unit> (access.visible_queues)


class QueuePosition(msgspec.Struct, frozen=True):
    position: int  # 1 = next to be answered
    estimated_wait_s: int
    nurses_available: int = 1  # professionals on chat duty now (presence "available"); 0: nobody


def handling_seconds(spans: Iterable[tuple[datetime, datetime]]) -> list[float]:
    """Claim → resolve durations of closed chats, in seconds (nonsense spans dropped)."""
    return [s for claimed, resolved in spans if (s := (resolved - claimed).total_seconds()) > 0]


def typical_handling_s(durations: Sequence[float]) -> float:
    """The median handling time of recent chats, or the default with too little history."""
    if len(durations) < MIN_SAMPLES:
        return float(DEFAULT_HANDLING_S)
    return float(min(max(statistics.median(durations), MIN_HANDLING_S), MAX_HANDLING_S))


def available_for_chat(professionals: Iterable[Professional], unit: str, available_ids: Iterable[str]) -> int:
    """How many of the unit's chat-duty professionals are `available` now."""
    ids = set(available_ids)
    return sum(1 for p in professionals if p.unit == unit and p.role in CHAT_ROLES and p.id in ids)


def estimated_wait_s(position: int, handling_s: float, available: int) -> int:
    """position × handling / max(1, available), rounded up to a second, capped."""
    if position < 1:
        raise ValueError(f"a position counts from 1 (got {position})")
    return min(math.ceil(position * handling_s / max(1, available)), MAX_ESTIMATE_S)


def position_in_line(ahead: int, handling_s: float = DEFAULT_HANDLING_S, available: int = 1) -> QueuePosition:
    """The place and estimated wait of a visitor with `ahead` unclaimed chats before them."""
    if ahead < 0:
        raise ValueError(f"chats ahead cannot be negative (got {ahead})")
    if available < 0:
        raise ValueError(f"available professionals cannot be negative (got {available})")
    position = ahead + 1
    return QueuePosition(position, estimated_wait_s(position, handling_s, available), available)
