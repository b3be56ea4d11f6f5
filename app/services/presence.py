"""Presence use cases: a professional says whether they can take work; colleagues list it.

A change is one transaction — the professional's row and its `presence.changed` event — and the
event goes live only after the commit, like every case change.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from app.clock import utcnow
from app.db import events as event_log
from app.db import schema as t
from app.db.engine import upsert_insert
from app.domain import presence as rules
from app.domain.errors import Forbidden, NotFound
from app.domain.presence import PresenceEntry, Status
from app.domain.region import Professional
from app.hub import Hub


async def set_status(hub: Hub, who: Professional, status: Status, now: datetime | None = None) -> PresenceEntry:
    """Record `who`'s presence and tell the unit; the same status again is no change (no event)."""
    now = now or utcnow()
    p = t.presence.c
    async with hub.engine.begin() as conn:
        row = (await conn.execute(select(p.status, p.updated_at).where(p.professional == who.id))).first()
        if not rules.changes(row.status if row else None, status):
            return PresenceEntry(rules.ref(who), status, row.updated_at if row else None)
        values = {"status": status, "unit": who.unit, "updated_at": now}
        await conn.execute(
            upsert_insert(conn, t.presence)
            .values(professional=who.id, **values)
            .on_conflict_do_update(index_elements=["professional"], set_=values)
        )
        event = await event_log.append_event(conn, rules.changed_event(who, status, now), who.unit)
    await hub.publish([event])
    return PresenceEntry(rules.ref(who), status, now)


async def unit_presence(hub: Hub, who: Professional, unit: str | None = None) -> list[PresenceEntry]:
    """Every professional of `unit` (default: `who`'s own) with their presence."""
    unit = unit or who.unit
    if unit not in hub.region.unit_by_id:
        raise NotFound(f"no unit {unit!r}")
    if not rules.may_see(who, unit):
        raise Forbidden(f"the presence of unit {unit!r} is for its own professionals")
    ids = [x.id for x in hub.region.professionals if x.unit == unit]
    p = t.presence.c
    async with hub.engine.connect() as conn:
        rows = (await conn.execute(select(p.professional, p.status, p.updated_at).where(p.professional.in_(ids)))).all()
    return rules.roster(hub.region, unit, {r.professional: (r.status, r.updated_at) for r in rows})
