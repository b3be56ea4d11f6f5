"""Intake's store on PostgreSQL: raw asyncpg, one read and one atomic write per batch of contacts.

Why not SQLAlchemy here: intake is the hot path (every call, chat and message). Measured on a
2-core machine an SQLAlchemy Core statement costs ≈ 0.4 ms of CPU against ≈ 0.08 ms for the
same statement on raw asyncpg, and a transaction took 7 round trips. Here a batch is two
statements on one connection, each atomic by itself, with no transaction around them:

- the read (READ): every caller number and authenticated patient id of the batch at once —
  the patient, their newest open matter (rule 6's candidate) with its version, and their named
  nurse's open-case load;
- the write (WRITE): one statement of data-modifying CTEs — new cases, merges (each applied
  only if its case is still at the version read), contacts, patient messages, and the events,
  which take the event log's advisory lock in the same statement (app/db/events.py), so seq
  still follows commit order.

Rows travel as JSON documents, one per table: encoding a handful of JSON texts costs a fraction
of asyncpg encoding dozens of arrays element by element. Column lists and JSON record types
are generated from the domain's record Structs and the tables, so there is one list of columns.

A retried contact (its channel id already in `contacts`) makes the write fail as a whole; the
store then finds which contacts were taken before, answers them "duplicate", and writes the
rest again. SQLAlchemy paths cover everything else; the tests run the API suite on both
databases, so this store and app/db/intake_sqlalchemy.py are held to the same behaviour.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from typing import Any

import asyncpg
import msgspec
from sqlalchemy import Boolean, Integer, String, Table, Text

from app.db import schema as t
from app.db.events import APPEND_SQL, EVENT_LOCK_KEY
from app.db.summaries import CASE_COLUMNS, OPEN_CASE_EXTRA, PATIENT_SUMMARY_COLUMNS, open_findings
from app.domain.summary import summary_from_row
from app.domain.common import OPEN_STATUSES
from app.domain.intake import (
    CaseRecord,
    ContactRecord,
    InboundContact,
    IntakeContext,
    IntakePlan,
    IntakeResult,
    MergeRecord,
    Outcome,
    MessageRecord,
)
from app.domain.routing import MERGE_EXCLUDED_QUEUE_KINDS, PatientFacts

IN_FLIGHT = 2  # one batch in the database while the next is read and routed
_encode = msgspec.json.Encoder().encode
_decode_result = msgspec.json.Decoder(IntakeResult).decode


def _pg_type(table: Table, column: str) -> str:
    kind = table.c[column].type
    if isinstance(kind, t.UTC):
        return "timestamptz"
    if isinstance(kind, Boolean):
        return "bool"
    if isinstance(kind, Integer):
        return "int"
    assert isinstance(kind, (String, Text)), f"{table.name}.{column}: no JSON record type for {kind!r}"
    return "text"


def _columns(record: type[msgspec.Struct]) -> tuple[str, ...]:
    return tuple(f.name for f in msgspec.structs.fields(record))


def _insert_from_json(table: Table, record: type[msgspec.Struct], param: str, where: str = "") -> str:
    """INSERT INTO table (the record's fields) SELECT them FROM a JSON array of records."""
    cols = _columns(record)
    typed = ", ".join(f"{c} {_pg_type(table, c)}" for c in cols)
    names = ", ".join(cols)
    return (
        f"INSERT INTO {table.name} ({names})\n  SELECT {', '.join('x.' + c for c in cols)}"
        f" FROM json_to_recordset({param}::json) AS x({typed}){where}"
    )


_STATUSES = ", ".join(f"'{s}'" for s in OPEN_STATUSES)
_NOT_EXCLUDED = "".join(f" AND c.queue NOT LIKE '{kind}:%'" for kind in MERGE_EXCLUDED_QUEUE_KINDS)
_OPEN_COLUMNS = [c.name for c in (*CASE_COLUMNS, *OPEN_CASE_EXTRA)]

# $1 caller numbers, $2 authenticated patient ids; each row keyed by what it was found by.
READ = f"""
WITH wanted AS (
  SELECT ph.phone AS key, ph.patient_id FROM patient_phones ph WHERE ph.phone = ANY($1::text[])
  UNION ALL
  SELECT p0.id, p0.id FROM patients p0 WHERE p0.id = ANY($2::text[])
)
SELECT w.key, p.id, p.name, p.named_nurse, p.responsible_worker, p.responsible_until,
       {", ".join(f"p.{c.name.removeprefix('patient_')} AS {c.name}" for c in PATIENT_SUMMARY_COLUMNS)},
       {", ".join(f"oc.{c} AS open_{c}" for c in _OPEN_COLUMNS)},
       CASE WHEN p.named_nurse IS NULL OR oc.id IS NOT NULL THEN 0 ELSE (
         SELECT count(*) FROM cases n WHERE n.queue = 'personal:' || p.named_nurse AND n.status IN ({_STATUSES})
       ) END AS nurse_load
FROM wanted w JOIN patients p ON p.id = w.patient_id
LEFT JOIN LATERAL (
  SELECT {", ".join(f"c.{c}" for c in _OPEN_COLUMNS)}
  FROM cases c
  WHERE c.patient_id = p.id AND c.status IN ({_STATUSES}){_NOT_EXCLUDED}
  ORDER BY c.created_at DESC LIMIT 1
) oc ON true
"""

# $1 new cases, $2 merges, $3 the merged case ids again as an array (so that the UPDATE stays on
# the primary key whatever the statistics say), $4 contacts, $5 patient messages, $6 the event
# log's lock key, $7 events. A merge whose case changed since the read is simply not applied —
# no contact, message or event of it is written.
_APPLIED = "(SELECT id FROM applied)"
WRITE = f"""
WITH
k AS (
  {_insert_from_json(t.cases, CaseRecord, "$1")}
  RETURNING id, queue, unit
),
u AS (
  UPDATE cases SET contacts_count = cases.contacts_count + 1, updated_at = mk.updated_at, version = cases.version + 1,
    urgency_findings = COALESCE(mk.urgency_findings, cases.urgency_findings), red_flags = COALESCE(mk.red_flags, cases.red_flags)
  FROM json_to_recordset($2::json) AS mk(id text, version int, updated_at timestamptz, urgency_findings text, red_flags text)
  WHERE cases.id = ANY($3::text[]) AND cases.id = mk.id AND cases.version = mk.version
  RETURNING cases.id, cases.queue, cases.unit
),
applied AS (SELECT id, queue, unit FROM k UNION ALL SELECT id, queue, unit FROM u),
c AS (
  {_insert_from_json(t.contacts, ContactRecord, "$4", f" WHERE x.case_id IN {_APPLIED}")}
  RETURNING case_id
),
m AS (
  {_insert_from_json(t.messages, MessageRecord, "$5", f" WHERE x.case_id IN {_APPLIED}")}
  RETURNING id
),
{APPEND_SQL.format(
    lock_key="$6",
    cases="applied",
    rows="json_to_recordset($7::json) AS e(case_id text, type text, data text, at timestamptz, ord int)",
)}"""

TAKEN = """
SELECT channel, external_id FROM contacts
WHERE (channel, external_id) IN (SELECT * FROM unnest($1::text[], $2::text[]))
"""
STORED = "SELECT response FROM contacts WHERE channel = $1 AND external_id = $2"


def _context(row: asyncpg.Record | None) -> IntakeContext:
    if row is None:
        return IntakeContext()
    open_case = summary_from_row(row, prefix="open_") if row["open_id"] is not None else None
    facts = PatientFacts(
        id=row["id"],
        named_nurse=row["named_nurse"],
        responsible_worker=row["responsible_worker"],
        responsible_until=row["responsible_until"],
        open_case_id=open_case.id if open_case else None,
        open_case_queue=open_case.queue if open_case else None,
    )
    return IntakeContext(
        facts,
        row["name"],
        row["nurse_load"],
        open_case,
        row["open_version"],
        language=row["patient_language"],
        interpreter_language=row["patient_interpreter_language"],
        hearing_impaired=row["patient_hearing_impaired"],
        **(open_findings(row["open_urgency_findings"], row["open_red_flags"]) if open_case else {}),
        shared_client=row["patient_shared_client"],
    )


# A connection that died while pooled: the server's end is gone (a restart or a failover),
# which the driver learns when it sends. asyncpg's pool replaces connections it already knows
# are closed; these it cannot know of.
CONNECTION_LOST: tuple[type[Exception], ...] = (
    asyncpg.exceptions.ConnectionDoesNotExistError,
    asyncpg.exceptions.InterfaceError,  # "connection is closed"
    ConnectionError,  # reset, aborted, broken pipe
)


def _lost(conn: asyncpg.Connection) -> bool:
    """Whether a pooled connection is dead: closed, or — what asyncpg does with a connection
    lost mid-statement — already handed back to its pool, which reconnects that slot."""
    try:
        return conn.is_closed()
    except asyncpg.exceptions.InterfaceError:  # "released back to the pool"
        return True


class PgIntakeBatch:
    def __init__(self, pool: asyncpg.Pool, conn: asyncpg.Connection) -> None:
        self.pool = pool
        self.conn = conn
        self.held = True  # conn is ours to give back
        self.answered = False  # conn has answered a statement of this batch

    async def fetch(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        """Run a statement; the batch's first, when it finds its pooled connection dead, runs
        once more on a new connection. Safe because that statement is the read (read-only) or,
        in a batch with nothing to read, the write — which cannot take a contact twice: had the
        lost attempt committed, the retry meets the channel id key and the contacts get their
        stored answers ("duplicate"). Later statements follow on a connection that has just
        answered, and are never retried: the client's retry of the 503 is safe the same way."""
        if self.answered:
            return await self.conn.fetch(sql, *args)
        try:
            rows = await self.conn.fetch(sql, *args)
        except CONNECTION_LOST:
            if not _lost(self.conn):
                raise
            await self._replace_connection()
            rows = await self.conn.fetch(sql, *args)
        self.answered = True
        return rows

    async def _replace_connection(self) -> None:
        self.held = False
        await self.pool.release(self.conn)  # (a no-op when already handed back) the slot connects anew
        self.conn = await self.pool.acquire()
        self.held = True

    async def read(self, contacts: Sequence[InboundContact]) -> list[IntakeContext]:
        phones = [c.caller for c in contacts if c.caller and not c.patient_id]
        patient_ids = [c.patient_id for c in contacts if c.patient_id]
        found = {r["key"]: r for r in await self.fetch(READ, phones, patient_ids)} if phones or patient_ids else {}
        return [_context(found.get(c.patient_id or c.caller or "")) for c in contacts]

    async def write(self, plans: Sequence[IntakePlan]) -> list[Outcome]:
        taken: set[tuple[str, str]] = set()
        for _ in range(5):  # a retry arriving on another instance meanwhile may need another round
            todo = [p for p in plans if (p.contact.channel, p.contact.external_id) not in taken]
            try:
                rows = await self._write(todo) if todo else []
            except asyncpg.UniqueViolationError:
                found = await self.fetch(
                    TAKEN, [p.contact.channel for p in todo], [p.contact.external_id for p in todo]
                )
                taken |= {(r["channel"], r["external_id"]) for r in found}
                continue
            seqs: dict[str, list[int]] = defaultdict(list)
            for r in rows:
                seqs[r["case_id"]].append(r["seq"])
            out: list[Outcome] = []
            for p in plans:
                if (p.contact.channel, p.contact.external_id) in taken:
                    out.append("duplicate")
                else:
                    got = sorted(seqs.get(p.result.case_id, ()))
                    out.append(got if got else "changed")
            return out
        raise RuntimeError("intake write kept meeting retried contacts; giving up on this batch")

    async def _write(self, plans: Sequence[IntakePlan]) -> list[asyncpg.Record]:
        cases: list[CaseRecord] = [p.case for p in plans if p.case is not None]
        merges: list[MergeRecord] = [p.merge for p in plans if p.merge is not None]
        messages = [p.message for p in plans if p.message is not None]
        events: list[dict[str, Any]] = []
        for p in plans:
            for body in p.events:
                events.append(
                    {"case_id": p.result.case_id, "type": body["type"], "data": _encode(body).decode(), "at": body["at"], "ord": len(events)}
                )
        return await self.fetch(
            WRITE,
            _encode(cases).decode(),
            _encode(merges).decode(),
            [m.id for m in merges],
            _encode([p.contact for p in plans]).decode(),
            _encode(messages).decode(),
            EVENT_LOCK_KEY,
            _encode(events).decode(),
        )


class PgIntakeStore:
    in_flight = IN_FLIGHT

    def __init__(self, pool: asyncpg.Pool) -> None:
        self.pool = pool  # its own connections (app.db.pools.intake_pool)

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[PgIntakeBatch]:
        batch = PgIntakeBatch(self.pool, await self.pool.acquire())
        try:
            yield batch
        finally:
            if batch.held:
                await self.pool.release(batch.conn)

    async def stored(self, contact: InboundContact) -> IntakeResult:
        async with self.batch() as b:  # for its retry on a dead pooled connection
            rows = await b.fetch(STORED, contact.channel, contact.external_id)
            return _decode_result(rows[0]["response"])

    async def close(self) -> None:
        await self.pool.close()
