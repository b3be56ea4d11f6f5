"""Shared clients, every `FIRSTLINE_SWEEP_SECONDS`: take-overs whose `until` has come end by
themselves, and the case summaries' shared-client hint follows the patients' new contacts
(app.services.shared_clients.end_expired / refresh_flags; rules in app.domain.shared_clients)."""

from __future__ import annotations

from app.jobs import Job
from app.services.shared_clients import FLAGS_JOB, end_expired, refresh_flags

JOBS = [
    Job("take_over_ends", lambda hub: hub.settings.sweep_seconds, end_expired),
    Job(FLAGS_JOB, lambda hub: hub.settings.sweep_seconds, refresh_flags),
]
