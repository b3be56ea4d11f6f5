"""The KPI report and its weekly trend: parse, call app.services.kpis, return JSON or CSV.

Handlers of their own beside app/api/reports.py's (same `/api/reports` prefix)."""

from __future__ import annotations

from typing import Annotated

from litestar import Controller, Response, get
from litestar.params import Parameter

from app.domain import kpis as figures
from app.domain.errors import Invalid
from app.domain.region import Professional
from app.hub import Hub
from app.services import kpis as svc

FORMATS = ("json", "csv")
CSV = "text/csv; charset=utf-8"

Unit = Annotated[str | None, Parameter(min_length=1, max_length=64, description="a unit id, or `all` for the whole region")]
Format = Annotated[str, Parameter(max_length=16, description="json (default) or csv")]


def _format(value: str) -> str:
    if value not in FORMATS:
        raise Invalid(f"unknown format {value[:16]!r}; use json or csv")
    return value


def _csv(text: str, filename: str) -> Response[str]:
    return Response(text, media_type=CSV, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class KpiController(Controller):
    path = "/api/reports"
    tags = ["reports"]

    @get("/kpis")
    async def kpis(
        self,
        hub: Hub,
        who: Professional,
        unit: Unit = None,
        from_: Annotated[str | None, Parameter(query="from", max_length=32, description="first local day, YYYY-MM-DD")] = None,
        to: Annotated[str | None, Parameter(max_length=32, description="last local day, YYYY-MM-DD (inclusive)")] = None,
        format: Format = "json",
    ) -> figures.Kpis | Response[str]:
        """KPI figures over local days [from, to] for a unit or the region (API.md "KPI report shape")."""
        kind = _format(format)
        report = await svc.kpis(hub, who, unit, from_, to)
        if kind == "csv":
            return _csv(figures.report_csv(report), f"kpis-{report.unit}-{report.from_}-{report.to}.csv")
        return report

    @get("/kpis/weekly")
    async def weekly(
        self,
        hub: Hub,
        who: Professional,
        unit: Unit = None,
        weeks: Annotated[int, Parameter(description=f"how many ISO weeks, 1…{figures.MAX_WEEKS}")] = figures.DEFAULT_WEEKS,
        format: Format = "json",
    ) -> figures.WeeklyKpis | Response[str]:
        """The KPI figures per ISO week, the current week last."""
        kind = _format(format)
        report = await svc.weekly(hub, who, unit, weeks)
        if kind == "csv":
            return _csv(figures.weekly_csv(report), f"kpis-weekly-{report.unit}-{report.weeks[-1].week}.csv")
        return report
