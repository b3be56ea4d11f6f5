"""Row ids: UUIDv7 layout as 32 hex characters, time-ordered across milliseconds."""

from __future__ import annotations

import time
import uuid

from app.db.schema import new_id


def test_ids_are_uuid7_hex() -> None:
    for _ in range(500):
        h = new_id()
        u = uuid.UUID(hex=h)
        assert len(h) == 32 and u.hex == h and u.version == 7 and u.variant == uuid.RFC_4122


def test_ids_sort_by_time_and_do_not_repeat() -> None:
    first = new_id()
    time.sleep(0.002)
    later = [new_id() for _ in range(1000)]
    assert all(first < x for x in later) and len(set(later)) == len(later)
