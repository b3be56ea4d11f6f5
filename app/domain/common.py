"""Small vocabularies every part of the domain shares."""

from __future__ import annotations

import os
import time
from typing import Literal

Urgency = Literal["emergency", "urgent", "soon", "non_urgent", "unassessed"]
# Inbox order: emergency first; unassessed before the assessed routine levels, because an
# unassessed matter may hide anything and a nurse must look at it within the callback promise.
URGENCY_RANK: dict[str, int] = {"emergency": 0, "urgent": 1, "unassessed": 2, "soon": 3, "non_urgent": 4}
URGENCY_LEVELS: tuple[str, ...] = tuple(URGENCY_RANK)

Channel = Literal["phone", "chat", "secure_message", "sms"]
CHANNELS: tuple[str, ...] = ("phone", "chat", "secure_message", "sms")

CaseStatus = Literal["new", "claimed", "waiting", "resolved"]
OPEN_STATUSES: tuple[str, ...] = ("new", "claimed", "waiting")
# The active inbox: a `waiting` case (a follow-up agreed with the patient) is open — it still
# takes the patient's new contacts (rule 6) and counts in its nurse's load — but is out of the
# lists until its follow-up brings it back (app.domain.follow_ups).
INBOX_STATUSES: tuple[str, ...] = ("new", "claimed")

CallbackResult = Literal["reached", "no_answer", "busy", "wrong_number"]


def new_id() -> str:
    """Time-ordered UUID (v7 layout) as 32 hex chars: index-friendly and unguessable."""
    ms = int(time.time() * 1000)
    rand = int.from_bytes(os.urandom(10), "big")
    value = (ms << 80) | (0x7 << 76) | ((rand >> 68) & 0xFFF) << 64 | (0b10 << 62) | (rand & ((1 << 62) - 1))
    return f"{value:032x}"  # == uuid.UUID(int=value).hex, without building the UUID
