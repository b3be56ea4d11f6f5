"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from litestar import Request, Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.core import Metric

from app.clock import utcnow
from app.db import operations, scrape
from app.db.operations import OpenQueueCount
from app.domain import kpi_window
from app.domain.region import QUEUE_KINDS, Region, queue_kind
from app.hub import Hub
from app.metrics import scrape_gauge

log = logging.getLogger("firstline.metrics")

QueueKey = tuple[str, str]  # (unit, queue kind)


@get("/healthz", sync_to_thread=False, include_in_schema=True)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz")
async def readyz(state: State) -> Response[dict[str, str]]:
    hub: Hub = state.hub
    try:
        await operations.ping(hub.engine)
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return Response({"status": "database unavailable", "error": type(exc).__name__}, status_code=503, headers={"Retry-After": "5"})
    return Response({"status": "ready"})


def queue_gauges(region: Region, counts: Iterable[OpenQueueCount], now: datetime) -> dict[QueueKey, tuple[int, float]]:
    """(depth, seconds the oldest unclaimed case has waited) per unit and queue kind.

    Every unit × kind of the region is present, so a queue that empties drops to 0 rather than
    keeping its last value.
    """
    depth: dict[QueueKey, int] = {(u.id, k): 0 for u in region.units for k in QUEUE_KINDS}
    oldest: dict[QueueKey, float] = dict.fromkeys(depth, 0.0)
    for row in counts:
        key = (row.unit, queue_kind(row.queue))
        depth[key] = depth.get(key, 0) + row.count
        if row.status == "new" and row.oldest_created_at is not None:
            oldest[key] = max(oldest.get(key, 0.0), (now - row.oldest_created_at) / timedelta(seconds=1))
    return {key: (n, oldest.get(key, 0.0)) for key, n in depth.items()}


async def scrape_gauges(hub: Hub, now: datetime) -> list[Metric]:
    """The gauges read from the database for this scrape. A source whose read fails is logged,
    counted in firstline_scrape_errors_total and left out (firstline_scrape_ok{source} 0): a
    missing series alerts as such, a stale number would not."""
    families: list[Metric] = []
    ok: list[tuple[list[str], float]] = []

    try:
        counts = await operations.open_queue_counts(hub.engine)
        at_risk = await scrape.at_risk_counts(hub.engine, now)
    except Exception:  # noqa: BLE001 - the process counters are still worth scraping
        log.exception("metrics: reading the open queues failed")
        hub.metrics.scrape_errors.labels("queues").inc()
        ok.append((["queues"], 0.0))
    else:
        gauges = queue_gauges(hub.region, counts, now)
        families.append(scrape_gauge("firstline_queue_depth", ((key, n) for key, (n, _) in gauges.items())))
        families.append(scrape_gauge("firstline_oldest_waiting_seconds", ((key, w) for key, (_, w) in gauges.items())))
        families.append(scrape_gauge("firstline_cases_at_risk", at_risk_gauges(hub.region, at_risk).items()))
        ok.append((["queues"], 1.0))

    start, end = kpi_window.window(now)
    try:
        fcr = await scrape.fcr_counts(hub.engine, start, end)
        same_day = await scrape.same_day_counts(hub.engine, start, end, kpi_window.local_days(start, end + kpi_window.DUE_AHEAD, hub.tz))
    except Exception:  # noqa: BLE001
        log.exception("metrics: reading the 7-day KPIs failed")
        hub.metrics.scrape_errors.labels("kpis").inc()
        ok.append((["kpis"], 0.0))
    else:
        families.append(scrape_gauge("firstline_fcr_ratio", (([u], v) for u, v in kpi_window.ratios(fcr))))
        families.append(
            scrape_gauge("firstline_same_day_callback_ratio", (([u], v) for u, v in kpi_window.ratios(same_day)))
        )
        ok.append((["kpis"], 1.0))
    families.append(scrape_gauge("firstline_scrape_ok", ok))
    return families


def at_risk_gauges(region: Region, rows: Iterable[tuple[str, str, int]]) -> dict[QueueKey, int]:
    """Unclaimed cases past their at-risk time per unit and queue kind, every one present (0)."""
    found: dict[QueueKey, int] = {(u.id, k): 0 for u in region.units for k in QUEUE_KINDS}
    for unit, queue, n in rows:
        key = (unit, queue_kind(queue))
        found[key] = found.get(key, 0) + n
    return found


@get("/metrics", media_type=CONTENT_TYPE_LATEST)
async def metrics_endpoint(request: Request, state: State) -> Response[bytes]:
    """For the Prometheus servers only (FIRSTLINE_METRICS_ALLOW / FIRSTLINE_METRICS_TOKEN). Queue
    and KPI gauges are read from the database at scrape time, so they agree across instances."""
    hub: Hub = state.hub
    refusal = state.metrics_access.refusal(request.client.host if request.client else None, request.headers.get("authorization"))
    if refusal is not None:
        return Response(refusal.encode(), status_code=403, media_type="text/plain")
    return Response(hub.metrics.render(await scrape_gauges(hub, utcnow())), media_type=CONTENT_TYPE_LATEST)
