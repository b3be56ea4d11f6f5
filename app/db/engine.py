"""Engine construction: the SQLite default tuned for a single writer, PostgreSQL pooled."""

from __future__ import annotations

import asyncpg
from sqlalchemy import Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.sqlite import Insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


def make_engine(database_url: str, pool_size: int = 10) -> AsyncEngine:
    if database_url.startswith("sqlite"):
        engine = create_async_engine(database_url, pool_size=pool_size, max_overflow=0, pool_timeout=30)

        @event.listens_for(engine.sync_engine, "connect")
        def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # SQLite allows one writer: take the write lock at BEGIN (IMMEDIATE) so that two
            # transactions never both read and then fail to upgrade; busy_timeout makes waiters wait.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn) -> None:  # type: ignore[no-untyped-def]
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=10,
        pool_pre_ping=False,
        connect_args={"server_settings": PG_SESSION},
    )


# Every query here is short OLTP work. PostgreSQL's JIT switches on by estimated cost, and a
# generic plan's pessimistic estimate (e.g. a nurse's open-case count over a big cases table)
# crossed it: 20-30 ms of compiling per execution of a query that runs in 0.3 ms.
PG_SESSION = {"jit": "off"}


def upsert_insert(conn: AsyncConnection, table: Table) -> Insert:
    """An INSERT with ON CONFLICT for this connection's database (both dialects spell it alike)."""
    if conn.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


# Failures raised by the database layer that the API answers for (app/api/errors.py), so that
# the HTTP layer needs no knowledge of SQLAlchemy or the drivers.
DATABASE_ERRORS: tuple[type[Exception], ...] = (
    OperationalError,
    InterfaceError,
    DBAPIError,
    PoolTimeout,
    asyncpg.exceptions.PostgresConnectionError,
    asyncpg.exceptions.InterfaceError,
    asyncpg.exceptions.CannotConnectNowError,
)


def is_statement_error(exc: BaseException) -> bool:
    """True when the database answered and refused a statement (a bug: 500); False when it
    could not be reached or gave up (busy, pool exhausted, connection lost: worth a retry)."""
    return (
        isinstance(exc, DBAPIError)
        and not isinstance(exc, (OperationalError, InterfaceError))
        and not exc.connection_invalidated
    )
