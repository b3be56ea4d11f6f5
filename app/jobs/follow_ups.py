"""Follow-ups falling due, every `FIRSTLINE_SWEEP_SECONDS` (app.services.follow_ups.return_due;
rules in app.domain.follow_ups)."""

from __future__ import annotations

from app.jobs import Job
from app.services.follow_ups import return_due

JOBS = [Job("follow_ups", lambda hub: hub.settings.sweep_seconds, return_due)]
