"""The clock: work that happens because time passes, not because someone asked.

Each job is a thin shell (`Job`) over a service in app/services/ whose decisions are pure
functions in app/domain/. `Clock` runs them with APScheduler's AsyncIOScheduler (in-memory job
store) inside every instance's event loop; `FIRSTLINE_RUN_JOBS=0` leaves it off (benchmarks, test
servers). Every run takes the job's advisory lock (app/db/locks.py), so of several instances one
acts per round; `run_all` runs each job once, for `firstline jobs --once` and for tests.

A job that fails logs the exception and counts it (`firstline_job_runs_total{job,result}`); the
next run starts as usual.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Awaitable, Callable
from datetime import datetime

import msgspec
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from app.clock import utcnow
from app.db.locks import job_lock
from app.hub import Hub

log = logging.getLogger("firstline.jobs")


class JobReport(msgspec.Struct):
    """What one run did, in counts (never patient data): logged and returned by `jobs --once`."""

    job: str
    ran: bool  # False: another instance held the lock this round
    counts: dict[str, int] = msgspec.field(default_factory=dict)


class Job(msgspec.Struct, frozen=True):
    name: str
    every: Callable[[Hub], float]  # seconds between runs, from the settings
    run: Callable[[Hub, datetime], Awaitable[dict[str, int]]]


def registered() -> list[Job]:
    """Every job, in the order `jobs --once` runs them."""
    from app.jobs import end_of_day, follow_ups, retention, shared_clients, sla_sweep

    return [*sla_sweep.JOBS, *follow_ups.JOBS, *end_of_day.JOBS, *retention.JOBS, *shared_clients.JOBS]


async def run_job(hub: Hub, job: Job, now: datetime | None = None) -> JobReport:
    """One run of a job under its lock; a failure is logged and counted, never raised."""
    started = time.monotonic()
    try:
        async with job_lock(hub.engine, job.name) as mine:
            if not mine:
                hub.metrics.job_runs.labels(job.name, "skipped").inc()
                return JobReport(job.name, False)
            counts = await job.run(hub, now or utcnow())
    except Exception:  # noqa: BLE001 — the clock keeps ticking; the next round tries again
        log.exception("job %s failed", job.name)
        hub.metrics.job_runs.labels(job.name, "failed").inc()
        return JobReport(job.name, False, {"failed": 1})
    hub.metrics.job_runs.labels(job.name, "done").inc()
    hub.metrics.job_seconds.labels(job.name).observe(time.monotonic() - started)
    if any(counts.values()):
        log.info("job %s: %s", job.name, " ".join(f"{k}={v}" for k, v in counts.items() if v))
    return JobReport(job.name, True, counts)


async def run_all(hub: Hub, now: datetime | None = None) -> list[JobReport]:
    return [await run_job(hub, job, now) for job in registered()]


class Clock:
    """The scheduler of one instance."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.scheduler = AsyncIOScheduler(timezone="UTC")

    def start(self) -> None:
        # APScheduler logs every run at INFO; run_job logs what a run did (and any failure) itself
        logging.getLogger("apscheduler").setLevel(logging.WARNING)
        for job in registered():
            self.scheduler.add_job(
                run_job,
                IntervalTrigger(seconds=job.every(self.hub)),
                args=[self.hub, job],
                id=job.name,
                name=job.name,
                max_instances=1,  # a slow round is not overtaken by the next one
                coalesce=True,  # after a stall, one catch-up run, not a burst
                misfire_grace_time=None,
            )
        self.scheduler.start()

    def stop(self) -> None:
        if self.scheduler.running:
            self.scheduler.shutdown(wait=False)
