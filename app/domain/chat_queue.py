"""A waiting chat visitor's place in line and the wait it stands for.

Pure. The store counts the unclaimed chats ahead (`app.db.chat`); the visitor is shown
`position_in_line(ahead)`. Until there is history to learn from, every chat ahead — and the
visitor's own turn — is estimated at a flat `SECONDS_PER_QUEUED_CHAT`.
"""

from __future__ import annotations

import msgspec

SECONDS_PER_QUEUED_CHAT = 120


class QueuePosition(msgspec.Struct, frozen=True):
    position: int  # 1 = next to be answered
    estimated_wait_s: int


def position_in_line(ahead: int) -> QueuePosition:
    """The place and estimated wait of a visitor with `ahead` unclaimed chats before them."""
    if ahead < 0:
        raise ValueError(f"chats ahead cannot be negative (got {ahead})")
    position = ahead + 1
    return QueuePosition(position=position, estimated_wait_s=position * SECONDS_PER_QUEUED_CHAT)
