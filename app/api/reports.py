"""Supervisor reports: parse, call app.services.reports, return its Struct."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from litestar import Controller, get
from litestar.params import Parameter

from app.domain.end_of_day import UnreachedReport
from app.domain.region import Professional
from app.domain.reports import Dashboard
from app.hub import Hub
from app.services import end_of_day
from app.services import reports as svc


class ReportController(Controller):
    path = "/api/reports"
    tags = ["reports"]

    @get("/dashboard")
    async def dashboard(
        self, hub: Hub, who: Professional, unit: Annotated[str | None, Parameter(min_length=1, max_length=64)] = None
    ) -> Dashboard:
        """What waits now and how today has gone in a unit (default: the supervisor's own)."""
        return await svc.dashboard(hub, who, unit)

    @get("/unreached")
    async def unreached(
        self,
        hub: Hub,
        who: Professional,
        date_: Annotated[date, Parameter(query="date")],
        unit: Annotated[str | None, Parameter(min_length=1, max_length=64)] = None,
    ) -> UnreachedReport:
        """The callbacks of a unit (default: the supervisor's own) not reached by the end of a working day."""
        return await end_of_day.unreached_report(hub, who, unit or who.unit, date_)
