"""Engine construction: the SQLite default tuned for a single writer, PostgreSQL pooled."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any

import asyncpg
from sqlalchemy import Connection, Engine, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.dialects.sqlite import Insert
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine


WRITE = "firstline_write"
"""Execution option set on the connections of `SQLiteEngine.begin()`: their BEGIN takes the write lock."""


class SQLiteEngine(AsyncEngine):
    """SQLite with one writer at a time and readers alongside it (WAL).

    The contract the rest of the code relies on: `async with engine.begin()` is a write
    transaction and takes the write lock at BEGIN (`BEGIN IMMEDIATE`), so two writers queue on
    busy_timeout instead of both reading and then failing to upgrade ("database is locked");
    `async with engine.connect()` is for reads: its autobegun transaction is a deferred `BEGIN`,
    which under WAL reads a snapshot and never waits for the writer (a nurse's inbox read does
    not queue behind intake).
    """

    def __init__(self, sync_engine: Engine) -> None:
        super().__init__(sync_engine)
        # Shares the pool and the event listeners; only its connections carry the WRITE option.
        self._writer = AsyncEngine(sync_engine.execution_options(**{WRITE: True}))

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        async with self._writer.begin() as conn:
            yield conn

    def execution_options(self, **opt: Any) -> SQLiteEngine:
        """Keeps the write/read contract on engines derived with other options."""
        return SQLiteEngine(self.sync_engine.execution_options(**opt))


def make_engine(database_url: str, pool_size: int = 10) -> AsyncEngine:
    """hide_parameters: a failed statement's message (logged with a 500's traceback) shows its
    SQL but not its values, which are names, phone numbers and messages."""
    if database_url.startswith("sqlite"):
        engine = SQLiteEngine(
            create_async_engine(
                database_url, pool_size=pool_size, max_overflow=0, pool_timeout=30, hide_parameters=True
            ).sync_engine
        )

        @event.listens_for(engine.sync_engine, "connect")
        def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            # The driver's own transaction handling is off (isolation_level None): "begin" below
            # decides how each transaction starts. busy_timeout makes a second writer wait.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA busy_timeout=10000")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(conn: Connection) -> None:
            # Fires for engine.begin() and for a read connection's autobegin alike; only the
            # former carries WRITE (see SQLiteEngine).
            conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")

        return engine
    return create_async_engine(
        database_url,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_timeout=10,
        pool_pre_ping=False,
        hide_parameters=True,
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
