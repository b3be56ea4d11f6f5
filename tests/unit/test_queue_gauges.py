"""The queue gauges computed from open-case counts (no database: app/api/health.queue_gauges)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from app.api.health import queue_gauges
from app.db.operations import OpenQueueCount
from app.domain.region import QUEUE_KINDS

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)


def test_every_unit_and_kind_is_reported_even_when_empty(region):  # type: ignore[no-untyped-def]
    gauges = queue_gauges(region, [], NOW)
    assert set(gauges) == {(u.id, k) for u in region.units for k in QUEUE_KINDS}
    assert set(gauges.values()) == {(0, 0.0)}


def test_personal_queues_add_up_per_unit_and_only_new_cases_count_as_waiting(region):  # type: ignore[no-untyped-def]
    unit = region.units[0].id
    counts = [
        OpenQueueCount(unit, "personal:n-aino", "new", 2, NOW - timedelta(minutes=5)),
        OpenQueueCount(unit, "personal:n-eero", "new", 1, NOW - timedelta(minutes=30)),
        OpenQueueCount(unit, f"overflow:{unit}", "claimed", 4, NOW - timedelta(hours=3)),
    ]
    gauges = queue_gauges(region, counts, NOW)
    assert gauges[(unit, "personal")] == (3, 1800.0)
    assert gauges[(unit, "overflow")] == (4, 0.0)  # claimed work is depth, not waiting
