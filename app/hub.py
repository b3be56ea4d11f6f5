"""The running hub: what every service shares — settings, region, database, caches, the intake
service and the live publisher. Built once by `create_app` (app/main.py), the only wiring place."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncEngine

from app.db.absences import AbsenceBook
from app.domain.region import Region
from app.domain.routing import Staffing
from app.metrics import Metrics
from app.security.rate_limit import RateLimiter
from app.security.throttle import LoginThrottle
from app.services.intake import IntakeService
from app.services.ports import IntakeStore, Publisher
from app.settings import Settings

log = logging.getLogger("firstline.live")


class Publishers:
    """Every place committed events go (the live fan-out; a test's spy). A failing publisher never
    undoes a committed change: the event log has it, and clients catch up by replay."""

    def __init__(self) -> None:
        self._publishers: list[Publisher] = []

    def add(self, publisher: Publisher) -> None:
        self._publishers.append(publisher)

    async def publish(self, events: list[dict[str, Any]]) -> None:
        if not events:
            return
        for publisher in self._publishers:
            try:
                await publisher.publish(events)
            except Exception:  # noqa: BLE001
                log.exception("publishing %d events failed", len(events))


class Hub:
    def __init__(
        self, settings: Settings, region: Region, engine: AsyncEngine, intake_store: IntakeStore, metrics: Metrics | None = None
    ) -> None:
        self.settings = settings
        self.region = region
        self.engine = engine
        self.tz = ZoneInfo(region.region.timezone)
        self.metrics = metrics or Metrics()
        self.absences = AbsenceBook(engine)
        self.limits = RateLimiter(settings.rate_limits, settings.secret_key, settings.redis_url)
        self.throttle = LoginThrottle(self.limits)  # its counter: shared through Redis when configured
        self.publishers = Publishers()
        self.chat_handling: dict[str, tuple[float, float]] = {}  # unit → (monotonic expiry, typical chat handling s)
        self.intake = IntakeService(intake_store, region, self.tz, self.absences, self.publishers, self.metrics)

    async def publish(self, events: list[dict[str, Any]]) -> None:
        """Fan out committed events (after the commit, in seq order)."""
        await self.publishers.publish(events)

    async def staffing(self, now: datetime) -> Staffing:
        return Staffing(absent=await self.absences.active(now))

    async def close(self) -> None:
        await self.intake.close()
        await self.limits.close()
        await self.engine.dispose()
