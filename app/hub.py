"""The running hub: region, database, caches and the live publisher, shared by all services."""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any
from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import schema as t
from app.domain.region import Region
from app.domain.routing import Staffing
from app.live.fanout import Fanout
from app.metrics import Metrics
from app.security.throttle import ChatThrottle, LoginThrottle
from app.settings import Settings

log = logging.getLogger("firstline.live")

Publisher = Callable[[list[dict]], Awaitable[None]]


class AbsenceBook:
    """Absences active now, cached briefly.

    Intake reads them on every contact; they change a few times a day. A 5-second cache keeps
    a query off the hot path; a local change invalidates at once, another instance's change is
    seen within the TTL.
    """

    ttl = 5.0

    def __init__(self) -> None:
        self._loaded_at = -1e9
        self._rows: list[tuple[str, datetime, datetime, str | None]] = []

    def invalidate(self) -> None:
        self._loaded_at = -1e9

    async def active(self, engine: AsyncEngine, now: datetime) -> dict[str, str | None]:
        if time.monotonic() - self._loaded_at > self.ttl:
            async with engine.connect() as conn:
                rows = await conn.execute(
                    select(t.absences.c.professional, t.absences.c.starts_at, t.absences.c.ends_at, t.absences.c.substitute)
                    .where(t.absences.c.ends_at > now)
                    .order_by(t.absences.c.created_at)
                )
                self._rows = [tuple(r) for r in rows]  # type: ignore[misc]
            self._loaded_at = time.monotonic()
        return {prof: sub for prof, start, end, sub in self._rows if start <= now < end}


class Hub:
    def __init__(self, settings: Settings, region: Region, engine: AsyncEngine) -> None:
        self.settings = settings
        self.region = region
        self.engine = engine
        self.tz = ZoneInfo(region.region.timezone)
        self.metrics = Metrics()
        self.absences = AbsenceBook()
        self.throttle = LoginThrottle()
        self.chat_throttle = ChatThrottle()
        self.fanout: Fanout | None = None  # set when the channels plugin has started
        self.pg_pool: Any = None  # asyncpg pool for the intake hot path, on PostgreSQL
        self.intake_batcher: Any = None  # app.services.intake_batch, on PostgreSQL
        self.dialect = engine.dialect.name
        self.insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        self._publishers: list[Publisher] = []

    def add_publisher(self, publisher: Publisher) -> None:
        self._publishers.append(publisher)

    async def publish(self, events: list[dict]) -> None:
        """Fan out committed events; a failing publisher never undoes a committed change."""
        for publisher in self._publishers:
            try:
                await publisher(events)
            except Exception:  # noqa: BLE001 - the event log has it; clients replay on reconnect
                log.exception("publishing %d events failed", len(events))

    async def staffing(self, now: datetime) -> Staffing:
        return Staffing(absent=await self.absences.active(self.engine, now))
