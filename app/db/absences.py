"""Absences active now, cached briefly for intake's hot path."""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import schema as t


class AbsenceBook:
    """Intake reads absences on every contact; they change a few times a day. A 5-second cache
    keeps a query off the hot path; a local change invalidates at once, another instance's
    change is seen within the TTL."""

    ttl = 5.0

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._loaded_at = -1e9
        self._rows: list[tuple[str, datetime, datetime, str | None]] = []

    def invalidate(self) -> None:
        self._loaded_at = -1e9

    async def active(self, now: datetime) -> dict[str, str | None]:
        """Absent professional → their substitute (or None)."""
        if time.monotonic() - self._loaded_at > self.ttl:
            a = t.absences.c
            async with self.engine.connect() as conn:
                rows = await conn.execute(
                    select(a.professional, a.starts_at, a.ends_at, a.substitute).where(a.ends_at > now).order_by(a.created_at)
                )
                self._rows = [(r[0], r[1], r[2], r[3]) for r in rows]
            self._loaded_at = time.monotonic()
        return {prof: sub for prof, start, end, sub in self._rows if start <= now < end}
