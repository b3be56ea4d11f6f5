"""SQLite: engine.begin() takes the write lock at BEGIN; engine.connect() reads beside a writer.

Real file databases (WAL), real concurrency; every wait has a timeout so a regression fails
instead of hanging.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import event, func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.clock import utcnow
from app.db import schema as t
from app.db.engine import make_engine


@pytest.fixture
async def engine(tmp_path: Path, sqlite_template: Path) -> AsyncIterator[AsyncEngine]:
    path = tmp_path / "lock.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite+aiosqlite:///{path}", pool_size=3)
    yield engine
    await engine.dispose()


async def _count(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return (await conn.execute(select(func.count()).select_from(t.revoked_tokens))).scalar_one()


async def test_a_read_completes_while_a_write_transaction_is_open(engine):  # type: ignore[no-untyped-def]
    async with engine.begin() as writer:
        await writer.execute(insert(t.revoked_tokens).values(jti="open-write", expires_at=utcnow()))
        # Under BEGIN IMMEDIATE for every transaction this read would wait busy_timeout (10 s).
        assert await asyncio.wait_for(_count(engine), timeout=2) == 0  # the uncommitted row is not seen
    assert await _count(engine) == 1


async def test_two_writers_serialise_without_database_is_locked(engine):  # type: ignore[no-untyped-def]
    seen: dict[str, int] = {}

    async def write(name: str, start_after: float, hold: float) -> None:
        await asyncio.sleep(start_after)
        async with engine.begin() as conn:
            # Read, then write: with a deferred BEGIN the later writer's snapshot would be stale
            # at its INSERT and SQLite would refuse it at once ("database is locked").
            seen[name] = (await conn.execute(select(func.count()).select_from(t.revoked_tokens))).scalar_one()
            await asyncio.sleep(hold)
            await conn.execute(insert(t.revoked_tokens).values(jti=name, expires_at=utcnow()))

    await asyncio.wait_for(asyncio.gather(write("first", 0, 0.3), write("second", 0.05, 0)), timeout=8)
    assert seen == {"first": 0, "second": 1}  # the second began only after the first committed
    assert await _count(engine) == 2


async def test_only_begin_takes_the_write_lock_and_the_option_does_not_stick(tmp_path, sqlite_template):  # type: ignore[no-untyped-def]
    path = tmp_path / "one.db"
    shutil.copy(sqlite_template, path)
    engine = make_engine(f"sqlite+aiosqlite:///{path}", pool_size=1)  # one connection, reused
    begins: list[str] = []

    @event.listens_for(engine.sync_engine, "before_cursor_execute")
    def _record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.startswith("BEGIN"):
            begins.append(statement)

    try:
        async with engine.connect() as conn:
            await conn.execute(select(1))
        async with engine.begin() as conn:
            await conn.execute(select(1))
        async with engine.connect() as conn:
            await conn.execute(select(1))
        async with engine.execution_options(logging_token="x").begin() as conn:
            await conn.execute(select(1))
    finally:
        await engine.dispose()
    assert begins == ["BEGIN", "BEGIN IMMEDIATE", "BEGIN", "BEGIN IMMEDIATE"]
