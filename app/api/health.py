"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from app.clock import utcnow
from app.db import operations
from app.db.operations import OpenQueueCount
from app.domain.region import QUEUE_KINDS, Region, queue_kind
from app.hub import Hub

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


@get("/metrics", media_type=CONTENT_TYPE_LATEST)
async def metrics_endpoint(state: State) -> Response[bytes]:
    """Queue gauges are read from the database at scrape time, so they agree across instances."""
    hub: Hub = state.hub
    now = utcnow()
    try:
        counts = await operations.open_queue_counts(hub.engine)
    except Exception:  # noqa: BLE001 - the process counters are still worth scraping
        counts = None
    if counts is not None:
        for (unit, kind), (n, waited) in queue_gauges(hub.region, counts, now).items():
            hub.metrics.queue_depth.labels(unit, kind).set(n)
            hub.metrics.oldest_waiting.labels(unit, kind).set(waited)
    return Response(generate_latest(hub.metrics.registry), media_type=CONTENT_TYPE_LATEST)
