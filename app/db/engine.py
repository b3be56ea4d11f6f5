"""Engine construction: the SQLite default tuned for a single writer, PostgreSQL pooled."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import time
from collections.abc import AsyncIterator, Sequence
from typing import Any

import aiosqlite
import asyncpg
import sqlalchemy
from sqlalchemy import Connection, Engine, Executable, Row, Table, event
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import DBAPIError, DisconnectionError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, create_async_engine
from sqlalchemy.pool import ConnectionPoolEntry

try:  # the bridge SQLAlchemy's own asyncpg dialect pings with: `await_` in 2.1, `await_only` in 2.0
    from sqlalchemy.util import await_
except ImportError:  # pragma: no cover - SQLAlchemy 2.0
    from sqlalchemy.util import await_only as await_


WRITE = "firstline_write"
"""Execution option on the connections of `SQLiteEngine.begin()`: their BEGIN takes the write lock."""
NO_TRANSACTION = "firstline_no_transaction"
"""Execution option on `read_statement`'s connections on SQLite: no BEGIN at all (autocommit)."""


class FirstlineEngine(AsyncEngine):
    """An AsyncEngine that can also run a single statement outside a transaction (`read_statement`)."""

    # SQLAlchemy's own autocommit level; SQLiteEngine has its own way.
    autocommit_options: dict[str, Any] = {"isolation_level": "AUTOCOMMIT"}

    def __init__(self, sync_engine: Engine) -> None:
        super().__init__(sync_engine)
        # Shares the pool and the event listeners; its connections carry autocommit_options.
        self.autocommit = AsyncEngine(sync_engine.execution_options(**self.autocommit_options))

    def execution_options(self, **opt: Any) -> FirstlineEngine:
        """Derived engines keep this class's behaviour (AsyncEngine's would drop it)."""
        return type(self)(self.sync_engine.execution_options(**opt))


class SQLiteEngine(FirstlineEngine):
    """SQLite with one writer at a time and readers alongside it (WAL).

    The contract the rest of the code relies on: `async with engine.begin()` is a write
    transaction and takes the write lock at BEGIN (`BEGIN IMMEDIATE`), so two writers queue on
    busy_timeout instead of both reading and then failing to upgrade ("database is locked");
    `async with engine.connect()` is for reads: its autobegun transaction is a deferred `BEGIN`,
    which under WAL reads a snapshot and never waits for the writer (a nurse's inbox read does
    not queue behind intake).
    """

    # Not SQLAlchemy's AUTOCOMMIT level: resetting it afterwards hands the pysqlite connection
    # its own transaction handling back, which make_engine's "begin" listener replaces.
    autocommit_options = {NO_TRANSACTION: True}

    def __init__(self, sync_engine: Engine) -> None:
        super().__init__(sync_engine)
        self._writer = AsyncEngine(sync_engine.execution_options(**{WRITE: True}))

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[AsyncConnection]:
        async with self._writer.begin() as conn:
            yield conn


def make_engine(database_url: str, pool_size: int = 10) -> FirstlineEngine:
    """hide_parameters: a failed statement's message (logged with a 500's traceback) shows its
    SQL but not its values, which are names, phone numbers and messages."""
    if database_url.startswith("sqlite"):
        engine: FirstlineEngine = SQLiteEngine(
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
            # Fires for engine.begin() and for a read connection's autobegin alike: only the
            # former carries WRITE (see SQLiteEngine), and read_statement's carry NO_TRANSACTION.
            options = conn.get_execution_options()
            if not options.get(NO_TRANSACTION):
                conn.exec_driver_sql("BEGIN IMMEDIATE" if options.get(WRITE) else "BEGIN")

        return engine
    engine = FirstlineEngine(
        create_async_engine(
            database_url,
            pool_size=pool_size,
            max_overflow=pool_size,
            pool_timeout=10,
            pool_pre_ping=False,  # see check_on_checkout
            hide_parameters=True,
            connect_args={"server_settings": PG_SESSION},
        ).sync_engine
    )
    event.listen(engine.sync_engine, "checkin", _idle_from)
    event.listen(engine.sync_engine, "checkout", check_on_checkout)
    return engine


IDLE_CHECK_SECONDS = 1.0
"""A pooled connection idle longer than this is pinged before use (check_on_checkout)."""
PING_TIMEOUT_SECONDS = 5.0
_IDLE_SINCE = "firstline_idle_since"


def _idle_from(_dbapi_connection: Any, record: ConnectionPoolEntry) -> None:
    record.info[_IDLE_SINCE] = time.monotonic()


def check_on_checkout(dbapi_connection: Any, record: ConnectionPoolEntry, _proxy: Any) -> None:
    """Hand out no dead connection after the database restarted or moved.

    The pool would otherwise give each dead connection to a request, which fails (503) before
    SQLAlchemy invalidates the pool: after an outage, users still met errors. SQLAlchemy's
    `pool_pre_ping` costs three round trips per checkout on asyncpg (BEGIN, ping, ROLLBACK),
    on every request. Instead, two checks:

    - a connection the driver already knows is closed (a restart's FATAL and FIN, a reset) is
      replaced: a flag read, no round trip;
    - a connection idle longer than IDLE_CHECK_SECONDS is pinged first (`SELECT 1`, one round
      trip), which catches those that look alive but are not (a failover; a firewall that
      dropped an idle connection). Under load connections return within milliseconds, so the
      hot path never pings; in a quiet spell a round trip is nobody's cost. (Not `;` as
      SQLAlchemy pings: asyncpg's simple-query protocol fails on an empty query's answer.)

    Measured (sequential single-statement reads, local PostgreSQL, this 2-core machine): no
    difference from no check at all within the noise (≈0.3–0.45 ms a read either way), against
    +0.2–0.4 ms a read with pool_pre_ping.

    Raising DisconnectionError makes the pool discard this connection and connect anew in
    its place (SQLAlchemy retries the checkout). What stays: a connection that dies while in
    use, or within IDLE_CHECK_SECONDS of its last use, fails its request with a 503 and is
    replaced then (SQLAlchemy invalidates the pool on a disconnect).
    """
    driver = dbapi_connection.driver_connection  # the asyncpg.Connection
    if driver.is_closed():
        raise DisconnectionError("the pooled connection was closed (database restarted?)")
    idle_since = record.info.get(_IDLE_SINCE)
    if idle_since is None or time.monotonic() - idle_since < IDLE_CHECK_SECONDS:
        return  # a new connection, or one in use a moment ago
    try:
        await_(driver.execute("SELECT 1", timeout=PING_TIMEOUT_SECONDS))  # simple protocol: one round trip
    except Exception as exc:  # noqa: BLE001 - whatever went wrong, this connection is not to be trusted
        raise DisconnectionError(f"the pooled connection failed its ping ({type(exc).__name__})") from exc


async def read_statement(engine: AsyncEngine, statement: Executable) -> Sequence[Row[Any]]:
    """All rows of one read-only statement, run outside a transaction.

    A transaction gives a single statement nothing (it sees one committed state either way) and
    costs two round trips of its own, BEGIN and ROLLBACK: three instead of one on PostgreSQL.
    For checks on every request (is this token revoked?) and probes (readiness, gauges). Never
    for writes, nor for reads of several statements that must agree: use connect() for those.
    (An engine not made by make_engine reads in a transaction as usual.)
    """
    single = engine.autocommit if isinstance(engine, FirstlineEngine) else engine
    async with single.connect() as conn:
        return (await conn.execute(statement)).all()


# Every query here is short OLTP work. PostgreSQL's JIT switches on by estimated cost, and a
# generic plan's pessimistic estimate (e.g. a nurse's open-case count over a big cases table)
# crossed it: 20-30 ms of compiling per execution of a query that runs in 0.3 ms.
PG_SESSION = {"jit": "off"}


def upsert_insert(conn: AsyncConnection, table: Table) -> sqlite.Insert | postgresql.Insert:
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
    asyncpg.exceptions.OperatorInterventionError,  # 57xxx: admin shutdown, cannot connect now
    asyncpg.exceptions.InsufficientResourcesError,  # 53xxx: too many connections, disk full
)


def is_statement_error(exc: BaseException) -> bool:
    """True when the database answered and refused a statement (a bug: 500); False when it
    could not be reached or gave up (busy, pool exhausted, connection lost: worth a retry)."""
    return (
        isinstance(exc, DBAPIError)
        and not isinstance(exc, (OperationalError, InterfaceError))
        and not exc.connection_invalidated
    )


# Where the drivers live: an OSError or TimeoutError raised from their code is the database's
# (refused, reset, timed out connecting); the same error raised anywhere else is a bug.
_DRIVERS = tuple(
    os.path.dirname(m.__file__ or "") + os.sep
    for m in (asyncpg, aiosqlite, sqlalchemy, sqlite3)
)


def raised_by_driver(exc: BaseException) -> bool:
    """True when a frame of `exc`'s traceback, or of the exception it was raised from (a
    timeout's cancelled wait), runs in a database driver's or SQLAlchemy's code.

    asyncpg lets a refused or reset connection through as a plain ConnectionRefusedError or
    ConnectionResetError, SQLAlchemy passes it on unwrapped, and asyncpg's pool and connect
    time out with a plain TimeoutError: their type alone cannot tell them from an app bug."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        e = todo.pop()
        if e is None or id(e) in seen:
            continue
        seen.add(id(e))
        tb = e.__traceback__
        while tb is not None:
            if tb.tb_frame.f_code.co_filename.startswith(_DRIVERS):
                return True
            tb = tb.tb_next
        todo += [e.__cause__, e.__context__]
    return False


def database_unavailable(exc: BaseException) -> bool:
    """Whether `exc` means the database could not be reached or gave up (answered 503 with
    Retry-After): a driver's connection error, a lost connection, a pool or connect timeout.
    A refused statement, or an OSError/TimeoutError that no driver raised, is a bug (500)."""
    if isinstance(exc, DATABASE_ERRORS):
        return not is_statement_error(exc)
    if isinstance(exc, (OSError, TimeoutError)):
        return raised_by_driver(exc)
    return False
