"""Reports for supervisors: who may read them, which rows to fetch, and the domain's figures.

The dashboard is the first report; the KPI report (SPEC §13) extends this module with more
periods and figures, reusing the same reads (app/db/reports.py) and rules (app/domain/reports.py).
"""

from __future__ import annotations

from datetime import datetime

from app.clock import utcnow
from app.db import reports as rows
from app.domain import reports as figures
from app.domain.access import SUPERVISING_ROLES, oversees_unit
from app.domain.errors import Forbidden, NotFound
from app.domain.region import Professional
from app.hub import Hub

ALERT_PAGE = 50  # emergencies and overdue cases listed on the dashboard, each


def ensure_may_read_reports(hub: Hub, who: Professional, unit: str) -> None:
    """Supervisors read their own unit's reports, admins every unit's."""
    if unit not in hub.region.unit_by_id:
        raise NotFound(f"no unit {unit!r}")
    if who.role not in SUPERVISING_ROLES:
        raise Forbidden(f"reports are for supervisors and admins; a {who.role} may not read them")
    if not oversees_unit(who, unit):
        raise Forbidden(f"a supervisor reads the reports of their own unit ({who.unit!r}), not of {unit!r}")


async def dashboard(hub: Hub, who: Professional, unit: str | None = None, now: datetime | None = None) -> figures.Dashboard:
    """What waits right now and how today has gone, for one unit."""
    unit = unit or who.unit
    ensure_may_read_reports(hub, who, unit)
    now = now or utcnow()
    day = figures.local_day(now, hub.tz)
    start, end = figures.day_bounds(day, hub.tz)
    # Five short reads on one connection. Under READ COMMITTED each sees its own moment; a case
    # changing between two of them moves a figure by one until the next refresh, which a
    # dashboard can live with (a report that must add up across figures reads in one snapshot).
    async with hub.engine.connect() as conn:
        queues = await rows.open_queues(conn, unit, now)
        alert_rows = await rows.alert_cases(conn, unit, now, limit=2 * ALERT_PAGE)
        contacts = await rows.contacts_between(conn, unit, start, end)
        callbacks = await rows.callbacks_due_between(conn, unit, start, end)
        outcomes = await rows.outcomes_between(conn, unit, start, end)
    return figures.Dashboard(
        unit=unit,
        generated_at=now,
        now=figures.now_view(queues, alert_rows, now, ALERT_PAGE),
        today=figures.today(now, day, hub.region.region.timezone, hub.tz, contacts, callbacks, outcomes, hub.region),
    )
