"""The migrations against the model (app/db/schema.py), on SQLite and PostgreSQL: head matches
the model, and 0005 (urgency findings) gives the cases that already exist an empty list and
goes down again cleanly."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, bindparam, inspect, text

from app.db.engine import make_engine
from app.db.migrate import alembic_config, upgrade
from app.db.schema import UTC, metadata
from tests.conftest import PG_ADMIN, REQUIRE, _pg_exec, _pg_reachable

T = TypeVar("T")


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The URL of a database with no tables yet."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'm.db'}"
        return
    problem = _pg_reachable()
    if problem:
        message = f"PostgreSQL not reachable at {PG_ADMIN} ({problem}); PostgreSQL migration test skipped"
        if REQUIRE:
            pytest.fail(message + " — but FIRSTLINE_REQUIRE_SERVICES=1 requires it", pytrace=False)
        pytest.skip(message)
    name = f"firstline_mig_{uuid.uuid4().hex[:10]}"
    asyncio.run(_pg_exec(PG_ADMIN, f'CREATE DATABASE "{name}"'))
    try:
        yield f"{PG_ADMIN.rpartition('/')[0]}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    finally:
        asyncio.run(_pg_exec(PG_ADMIN, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


def _differences(conn: Connection) -> list[object]:
    ctx = MigrationContext.configure(conn, opts={"compare_type": True})
    return list(compare_metadata(ctx, metadata))


def _columns(conn: Connection) -> set[str]:
    return {c["name"] for c in inspect(conn).get_columns("cases")}


def _on(url: str, work: Callable[[Connection], T]) -> T:
    """Run `work` on a connection of its own (Alembic must run outside any event loop)."""

    async def go() -> T:
        engine = make_engine(url)
        try:
            async with engine.begin() as conn:
                return await conn.run_sync(work)
        finally:
            await engine.dispose()

    return asyncio.run(go())


def _seed_case(conn: Connection) -> None:
    at = datetime(2026, 11, 30, 8, tzinfo=timezone.utc)
    conn.execute(
        text(
            "INSERT INTO cases (id, status, queue, unit, urgency, urgency_rank, urgency_source, red_flags, due_at, at_risk_at,"
            " channel, routing_reason, created_at, updated_at)"
            " VALUES ('c-old', 'new', 'team:kajaani', 'kajaani', 'unassessed', 4, 'none', '', :t, :t, 'phone', 'team', :t, :t)"
        ).bindparams(bindparam("t", type_=UTC)),
        {"t": at},
    )


def test_0005_gives_existing_cases_no_findings_and_head_matches_the_model(empty_db: str) -> None:
    upgrade(empty_db, "0004")
    assert "urgency_findings" not in _on(empty_db, _columns)
    _on(empty_db, _seed_case)
    upgrade(empty_db)
    assert _on(empty_db, lambda c: c.execute(text("SELECT urgency_findings FROM cases WHERE id = 'c-old'")).scalar_one()) == "[]"
    assert _on(empty_db, _differences) == [], "the migrations and app/db/schema.py disagree"
    command.downgrade(alembic_config(empty_db), "0004")
    assert "urgency_findings" not in _on(empty_db, _columns)
    assert _on(empty_db, lambda c: c.execute(text("SELECT count(*) FROM cases")).scalar_one()) == 1
