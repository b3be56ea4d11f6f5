"""read_statement runs one statement outside a transaction, and leaves the pooled connection as it was."""

from __future__ import annotations

from sqlalchemy import event, insert, select, text

from app.clock import utcnow
from app.db import schema as t
from app.db.engine import make_engine, read_statement


def _in_transaction(driver_connection) -> bool:  # type: ignore[no-untyped-def]
    probe = getattr(driver_connection, "is_in_transaction", None)  # asyncpg; aiosqlite has a property
    return bool(probe()) if probe is not None else bool(driver_connection.in_transaction)


async def test_one_statement_without_a_transaction_then_back_to_normal(database_url):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url, pool_size=1)  # one connection, so every block reuses it
    seen: list[tuple[str, bool]] = []

    @event.listens_for(engine.sync_engine, "after_cursor_execute")
    def _record(conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        seen.append((statement.split()[0] if not statement.startswith("BEGIN") else statement, _in_transaction(conn.connection.driver_connection)))

    try:
        async with engine.begin() as conn:
            await conn.execute(insert(t.revoked_tokens).values(jti="j-1", expires_at=utcnow()))
        seen.clear()
        rows = await read_statement(engine, select(t.revoked_tokens.c.jti))
        assert [r.jti for r in rows] == ["j-1"]
        assert seen == [("SELECT", False)]
        seen.clear()
        async with engine.connect() as conn:  # a read block still reads in a transaction
            await conn.execute(text("SELECT 1"))
        assert ("SELECT", True) in seen
        seen.clear()
        async with engine.begin() as conn:  # and a write still writes in one
            await conn.execute(insert(t.revoked_tokens).values(jti="j-2", expires_at=utcnow()))
        assert ("INSERT", True) in seen
        if engine.dialect.name == "sqlite":
            assert seen[0][0] == "BEGIN IMMEDIATE"  # the write lock, as before
    finally:
        await engine.dispose()
