"""The retention purge, hourly (app.services.retention; rules in app.domain.retention)."""

from __future__ import annotations

from app.jobs import Job
from app.services.retention import purge_job

EVERY_SECONDS = 3600.0

JOBS = [Job("retention", lambda hub: EVERY_SECONDS, purge_job)]
