"""Presence: whether a professional can take work now (SPEC §4, professional state).

Colleagues look at it to see who can take a call or a chat; it never routes on its own.
A professional who has never said anything is `offline`: not knowing is no promise to answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any, Literal, get_args

import msgspec

from app.domain.region import Professional, Region

Status = Literal["available", "busy", "away", "offline"]
STATUSES: tuple[str, ...] = get_args(Status)
UNKNOWN: Status = "offline"
CHANGED = "presence.changed"


class ProfessionalRef(msgspec.Struct):
    id: str
    name: str
    role: str


class PresenceEntry(msgspec.Struct):
    """One professional's presence; `since` is None while they have never set one."""

    professional: ProfessionalRef
    status: Status
    since: datetime | None


def ref(who: Professional) -> ProfessionalRef:
    return ProfessionalRef(who.id, who.name, who.role)


def unit_queue(unit: str) -> str:
    """The event-log queue of a unit's presence changes: live sockets filter on it like on a
    case queue, so presence reaches exactly those who may see it, live and on replay."""
    return f"presence:{unit}"


def may_see(who: Professional, unit: str) -> bool:
    """Everyone of a unit sees their colleagues' presence (its supervisor included); an admin
    every unit's. Another unit's staffing is not a nurse's business."""
    return who.role == "admin" or who.unit == unit


def changes(current: Status | None, new: Status) -> bool:
    """Saying the same again changes nothing: `since` keeps meaning since when."""
    return (current or UNKNOWN) != new


def roster(region: Region, unit: str, records: Mapping[str, tuple[Status, datetime]]) -> list[PresenceEntry]:
    """Every professional of the unit, in the region's order, with their recorded presence or
    `offline` when there is none. `records` maps a professional's id to (status, since)."""
    entries = []
    for p in region.professionals:
        if p.unit != unit:
            continue
        status, since = records.get(p.id, (UNKNOWN, None))
        entries.append(PresenceEntry(ref(p), status, since))
    return entries


def changed_event(who: Professional, status: Status, at: datetime) -> dict[str, Any]:
    """The `presence.changed` event body (without seq); it concerns no case."""
    return {
        "type": CHANGED,
        "case_id": None,
        "queue": unit_queue(who.unit),
        "at": at,
        "professional": ref(who),
        "status": status,
    }
