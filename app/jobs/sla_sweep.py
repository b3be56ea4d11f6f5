"""The SLA sweep, every `FIRSTLINE_SWEEP_SECONDS` (app.services.sweep; rules in app.domain.escalation)."""

from __future__ import annotations

from app.jobs import Job
from app.services.sweep import sweep

JOBS = [Job("sla_sweep", lambda hub: hub.settings.sweep_seconds, sweep)]
