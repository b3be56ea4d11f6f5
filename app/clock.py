"""The one clock every service reads: aware UTC now (tests and jobs may pass their own)."""

from __future__ import annotations

from datetime import datetime, timezone


def utcnow() -> datetime:
    return datetime.now(timezone.utc)
