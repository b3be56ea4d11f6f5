"""Liveness, readiness and Prometheus metrics."""

from __future__ import annotations

from datetime import timedelta

from litestar import Response, get
from litestar.datastructures import State
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import func, select, text

from app.db import schema as t
from app.domain.common import OPEN_STATUSES
from app.domain.region import QUEUE_KINDS, queue_kind
from app.clock import utcnow
from app.hub import Hub


@get("/healthz", sync_to_thread=False, include_in_schema=True)
def healthz() -> dict[str, str]:
    return {"status": "ok"}


@get("/readyz")
async def readyz(state: State) -> Response[dict[str, str]]:
    hub: Hub = state.hub
    try:
        async with hub.engine.connect() as conn:
            await conn.execute(text("SELECT 1"))
    except Exception as exc:  # noqa: BLE001 - any failure means not ready
        return Response({"status": "database unavailable", "error": type(exc).__name__}, status_code=503, headers={"Retry-After": "5"})
    return Response({"status": "ready"})


@get("/metrics", media_type=CONTENT_TYPE_LATEST)
async def metrics_endpoint(state: State) -> Response[bytes]:
    """Queue gauges are read from the database at scrape time, so they agree across instances."""
    hub: Hub = state.hub
    now = utcnow()
    try:
        async with hub.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(t.cases.c.unit, t.cases.c.queue, t.cases.c.status, func.count(), func.min(t.cases.c.created_at))
                    .where(t.cases.c.status.in_(OPEN_STATUSES))
                    .group_by(t.cases.c.unit, t.cases.c.queue, t.cases.c.status)
                )
            ).all()
    except Exception:  # noqa: BLE001 - the process counters are still worth scraping
        rows = None
    if rows is not None:
        depth: dict[tuple[str, str], int] = {(u.id, k): 0 for u in hub.region.units for k in QUEUE_KINDS}
        oldest: dict[tuple[str, str], float] = dict.fromkeys(depth, 0.0)
        for unit, queue, status, count, first in rows:
            key = (unit, queue_kind(queue))
            depth[key] = depth.get(key, 0) + count
            if status == "new" and first is not None:
                oldest[key] = max(oldest.get(key, 0.0), (now - first) / timedelta(seconds=1))
        for (unit, kind), n in depth.items():
            hub.metrics.queue_depth.labels(unit, kind).set(n)
            hub.metrics.oldest_waiting.labels(unit, kind).set(oldest.get((unit, kind), 0.0))
    return Response(generate_latest(hub.metrics.registry), media_type=CONTENT_TYPE_LATEST)
