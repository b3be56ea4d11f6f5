"""Connection pools besides SQLAlchemy's: the PostgreSQL intake store's own asyncpg pool."""

from __future__ import annotations

import asyncpg

from app.db.engine import PG_SESSION


def asyncpg_dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)


async def _keep_session(_conn: asyncpg.Connection) -> None:
    """asyncpg's default reset (UNLISTEN, RESET ALL, advisory unlock…) is a round trip per
    checkout; intake's statements leave no session state behind (its lock is per transaction)."""
    return None


async def intake_pool(database_url: str, size: int) -> asyncpg.Pool:
    """The intake store's connections (app/db/intake_pg.py), which run nothing else.

    Opened lazily (min_size=0) so that a database outage at start-up still lets the app answer
    503. PostgreSQL caches a generic plan per prepared statement; one made while `cases` was
    nearly empty (a new installation) kept a sequential scan per batch for as long as
    autovacuum had not yet analysed the table — 1,657 scans of a growing table in one bench
    run. Every access these statements make has an index, so sequential scans are switched off
    for them (planning every execution instead cost ~0.5 ms of PostgreSQL CPU a statement).

    After a database restart or failover no request meets a dead connection, at no cost per
    batch: the pool reconnects a slot whose connection it knows is closed when it hands it out,
    and a batch whose first statement finds its connection dead anyway runs it again on a new
    one (PgIntakeBatch.fetch). A ping per checkout would add a round trip to every batch."""
    return await asyncpg.create_pool(
        asyncpg_dsn(database_url),
        min_size=0,
        max_size=size,
        timeout=10,
        reset=_keep_session,
        server_settings=PG_SESSION | {"enable_seqscan": "off"},
    )
