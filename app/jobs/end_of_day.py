"""The end of each unit's working day, checked every `FIRSTLINE_SWEEP_SECONDS`
(app.services.end_of_day.close_days; rules in app.domain.end_of_day)."""

from __future__ import annotations

from app.jobs import Job
from app.services.end_of_day import close_days

JOBS = [Job("end_of_day", lambda hub: hub.settings.sweep_seconds, close_days)]
