"""The KPI report and its weekly trend (SPEC §13): who may read it, which rows, the figures.

Extends the dashboard's service (app/services/reports.py: the same access rule) with a date
range or a run of ISO weeks; rows come from app/db/kpis.py, figures from app/domain/kpis.py.
"""

from __future__ import annotations

import time
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncConnection

from app.clock import utcnow
from app.db import kpis as rows
from app.domain import kpis as figures
from app.domain.access import SUPERVISING_ROLES
from app.domain.errors import Forbidden
from app.domain.region import Professional
from app.domain.reports import local_day
from app.hub import Hub
from app.services.reports import ensure_may_read_reports


def scope(hub: Hub, who: Professional, unit: str | None) -> str | None:
    """The unit a report covers, None for the whole region. Omitted: an admin's is the region,
    a supervisor's their own unit; `all` is the region, which only an admin oversees."""
    if who.role not in SUPERVISING_ROLES:
        raise Forbidden(f"reports are for supervisors and admins; a {who.role} may not read them")
    if unit == figures.REGION or (unit is None and who.role == "admin"):
        if who.role != "admin":
            raise Forbidden(f"a supervisor reads the reports of their own unit ({who.unit!r}), not the whole region's")
        return None
    unit = unit or who.unit
    ensure_may_read_reports(hub, who, unit)
    return unit


async def _read(hub: Hub, unit: str | None, periods: list[tuple[datetime, datetime]]) -> list[figures.KpiRows]:
    """Every period's reads in one snapshot on PostgreSQL (REPEATABLE READ), so the figures add
    up across each other and across weeks; SQLite's read transaction is one snapshot already."""
    async with hub.engine.connect() as conn:
        if conn.dialect.name == "postgresql":
            conn = await conn.execution_options(isolation_level="REPEATABLE READ")
        async with conn.begin():
            return [await _rows(conn, unit, start, end) for start, end in periods]


async def _rows(conn: AsyncConnection, unit: str | None, start: datetime, end: datetime) -> figures.KpiRows:
    return await rows.kpi_rows(conn, unit, start, end, horizon=end + figures.FCR_WINDOW)


async def kpis(
    hub: Hub, who: Professional, unit: str | None, from_: str | None, to: str | None, now: datetime | None = None
) -> figures.Kpis:
    """The KPI report over inclusive local days [from, to] (both default to today)."""
    covered = scope(hub, who, unit)
    now = now or utcnow()
    first, last = figures.parse_period(from_, to, local_day(now, hub.tz))
    start, end = figures.period_bounds(first, last, hub.tz)
    (data,) = await _read(hub, covered, [(start, end)])
    return figures.kpis(covered or figures.REGION, first, last, data, hub.region, hub.tz, now)


async def weekly(hub: Hub, who: Professional, unit: str | None, weeks: int, now: datetime | None = None) -> figures.WeeklyKpis:
    """The same figures for each of the last `weeks` ISO weeks, the current one last: each
    week's reads (grouped counts do not split afterwards), all in one snapshot."""
    covered = scope(hub, who, unit)
    now = now or utcnow()
    spans = figures.last_weeks(local_day(now, hub.tz), weeks)
    data = await _read(hub, covered, [figures.period_bounds(monday, sunday, hub.tz) for _, monday, sunday in spans])
    return figures.weekly(
        covered or figures.REGION, [(label, m, s, d) for (label, m, s), d in zip(spans, data, strict=True)], hub.region, hub.tz, now
    )


# The dashboard redraws on every live event (dashboard.js reloads the page's figures); its trend
# of whole weeks moves slowly, and at a year of a region's history one 12-week read costs about
# as much as three monthly reports. So the page shows a trend at most TREND_TTL_S old; the API
# always reads afresh.
TREND_TTL_S = 300.0
_trend_cache: dict[tuple[int, str | None, int], tuple[float, figures.WeeklyKpis]] = {}


async def weekly_for_dashboard(hub: Hub, who: Professional, unit: str | None, weeks: int, now: datetime | None = None) -> figures.WeeklyKpis:
    """`weekly`, remembered per hub, unit and length for TREND_TTL_S (access is checked every time)."""
    covered = scope(hub, who, unit)
    key = (id(hub), covered, weeks)
    clock = time.monotonic()
    hit = _trend_cache.get(key)
    if hit is not None and clock - hit[0] < TREND_TTL_S:
        return hit[1]
    report = await weekly(hub, who, unit, weeks, now)
    if len(_trend_cache) > 256:  # units × lengths; never grows past a few dozen in practice
        _trend_cache.clear()
    _trend_cache[key] = (clock, report)
    return report
