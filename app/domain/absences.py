"""Absences of professionals: when one recorded ends, and what ending it early means."""

from __future__ import annotations

from datetime import datetime

from app.domain.errors import Conflict


def ended_at(starts_at: datetime, ends_at: datetime, now: datetime) -> datetime:
    """The new end of an absence a supervisor ends now. A running one ends this moment (the nurse
    is back: routing sends their patients to them again); one not yet begun is cancelled, kept as
    a zero-length row for the record. One already over cannot be ended again."""
    if ends_at <= now:
        raise Conflict("this absence is already over", code="absence_over")
    return max(starts_at, now)
