"""Who runs a job this round, when several instances share a database.

PostgreSQL: a session advisory lock named after the job, tried (never waited for): the instance
that gets it runs the job, the others skip this round. The lock lives on one connection held for
the job's length and is released with it, so a crashed instance frees it at once. SQLite: the
demo's single instance is the only writer, so the lock is always granted. Either way the jobs also
change rows with conditional updates, so an instance that raced past the lock still acts once.
"""

from __future__ import annotations

import hashlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


def lock_key(name: str) -> int:
    """A stable signed 64-bit key for the job's name (Python's hash() changes per process)."""
    return int.from_bytes(hashlib.sha256(f"firstline:{name}".encode()).digest()[:8], "big", signed=True)


@asynccontextmanager
async def job_lock(engine: AsyncEngine, name: str) -> AsyncIterator[bool]:
    """Yields True when this instance holds the job's lock, False when another one does."""
    if engine.dialect.name != "postgresql":
        yield True
        return
    key = lock_key(name)
    async with engine.connect() as conn:
        got = bool((await conn.execute(text("SELECT pg_try_advisory_lock(:k)"), {"k": key})).scalar())
        await conn.commit()
        try:
            yield got
        finally:
            if got:
                await conn.execute(text("SELECT pg_advisory_unlock(:k)"), {"k": key})
                await conn.commit()
