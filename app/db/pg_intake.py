"""Intake on PostgreSQL in two round trips of raw asyncpg: one read, one atomic write —
per batch of contacts (CONTEXT_MANY, WRITE_BATCH; app/services/intake_batch.py), or per
contact on the single path (CONTEXT_BY_*, CREATE, MERGE) that retries and changed merges take.

Why not SQLAlchemy here: intake is the hot path (every call, chat and message), and measured on
this 2-core machine an SQLAlchemy Core statement costs ≈ 0.4 ms of CPU against ≈ 0.08 ms for
the same statement on raw asyncpg, and the transaction took 7 round trips (BEGIN, reads, three
inserts, COMMIT). Here the write is one statement of data-modifying CTEs, atomic by itself:
contact (ON CONFLICT DO NOTHING — a retry inserts nothing, so nothing after it happens either),
case (or the merge's UPDATE), the patient's message, and the events. The events take the event
log's advisory lock in the same statement (see app/services/views.write_event), so seq still
follows commit order.

Every other path keeps SQLAlchemy; the tests run the API suite on both databases, so this file
and the generic path in app/services/intake.py are held to the same behaviour.
"""

from __future__ import annotations

from typing import Any

import asyncpg
import msgspec

from app.db.events import EVENT_LOCK_KEY

_OPEN = "('new','claimed','waiting')"

_CONTEXT = f"""
SELECT {{key}} AS key, p.id, p.name, p.named_nurse, p.responsible_worker, p.responsible_until,
       oc.id AS open_case, oc.queue AS open_queue, oc.urgency AS open_urgency, oc.due_at AS open_due,
       oc.status AS open_status, oc.assignee AS open_assignee, oc.at_risk AS open_at_risk,
       oc.channel AS open_channel, oc.line AS open_line, oc.unit AS open_unit,
       oc.routing_reason AS open_reason, oc.created_at AS open_created, oc.contacts_count AS open_contacts,
       oc.version AS open_version,
       CASE WHEN p.named_nurse IS NULL OR oc.id IS NOT NULL THEN 0 ELSE (
         SELECT count(*) FROM cases n WHERE n.queue = 'personal:' || p.named_nurse AND n.status IN {_OPEN}
       ) END AS nurse_load
FROM {{source}}
LEFT JOIN LATERAL (
  SELECT c.id, c.queue, c.urgency, c.due_at, c.status, c.assignee, c.at_risk, c.channel, c.line, c.unit,
         c.routing_reason, c.created_at, c.contacts_count, c.version
  FROM cases c
  WHERE c.patient_id = p.id AND c.status IN {_OPEN}
    AND c.queue NOT LIKE 'assistants:%' AND c.queue NOT LIKE 'chat:%'
  ORDER BY c.created_at DESC LIMIT 1
) oc ON true
WHERE {{where}}
"""
CONTEXT_BY_PHONE = _CONTEXT.format(
    key="ph.phone", source="patient_phones ph JOIN patients p ON p.id = ph.patient_id", where="ph.phone = $1"
)
CONTEXT_BY_PATIENT = _CONTEXT.format(key="p.id", source="patients p", where="p.id = $1")
# A batch's read: every caller number ($1) and authenticated patient id ($2) at once, each row
# keyed by what it was found by.
CONTEXT_MANY = "WITH wanted AS (\n" + (
    "  SELECT ph.phone AS key, ph.patient_id FROM patient_phones ph WHERE ph.phone = ANY($1::text[])\n"
    "  UNION ALL\n"
    "  SELECT p0.id, p0.id FROM patients p0 WHERE p0.id = ANY($2::text[])\n)"
) + _CONTEXT.format(key="w.key", source="wanted w JOIN patients p ON p.id = w.patient_id", where="true")

_CONTACT = """
c AS (
  INSERT INTO contacts (id, channel, external_id, case_id, patient_id, unit, line, caller, dialed, text,
                        received_at, created_at, merged, display_name, response)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)
  ON CONFLICT (channel, external_id) DO NOTHING
  RETURNING case_id
)"""

# $16… : the new case's values; $27/$28 the message (id or NULL); $29 the lock key;
# $30/$31 the events' types and JSON bodies, in order.
CREATE = f"""
WITH {_CONTACT},
k AS (
  INSERT INTO cases (id, status, queue, unit, urgency, urgency_rank, urgency_source, red_flags, due_at,
                     at_risk_at, at_risk, channel, line, patient_id, caller_phone, routing_reason, subject,
                     contacts_count, handovers, failed_attempts, created_at, updated_at, version)
  SELECT c.case_id, 'new', $16, $17, $18, $19, $20, $21, $22, $23, false, $2, $7, $5, $8, $24, $25,
         1, 0, 0, $26, $12, 1
  FROM c
  RETURNING id, queue, unit
),
m AS (
  INSERT INTO messages (id, case_id, sender, author, text, at)
  SELECT $27::varchar, k.id, 'patient', NULL, $28::text, $12 FROM k WHERE $27::varchar IS NOT NULL
  RETURNING id
),
l AS (SELECT pg_advisory_xact_lock($29::bigint) AS locked FROM k)
INSERT INTO events (type, case_id, queue, unit, actor, at, data)
SELECT e.type, k.id, k.queue, k.unit, NULL, $12, e.data
FROM k, l, unnest($30::text[], $31::text[]) WITH ORDINALITY AS e(type, data, ord)
ORDER BY e.ord
RETURNING seq, type
"""

# A merge applies only if the case is still as the read saw it (same version): then the event's
# summary, built in Python from that read, is exact. Otherwise the statement writes nothing and
# the caller takes the general path. The contact is a plain INSERT here: a retry's duplicate
# call id aborts the whole statement (UniqueViolationError), so nothing is half-applied.
MERGE = """
WITH u AS (
  UPDATE cases SET contacts_count = contacts_count + 1, updated_at = $12, version = version + 1
  WHERE id = $4 AND version = $16
  RETURNING id, queue, unit
),
c AS (
  INSERT INTO contacts (id, channel, external_id, case_id, patient_id, unit, line, caller, dialed, text,
                        received_at, created_at, merged, display_name, response)
  SELECT $1, $2, $3, u.id, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15 FROM u
  RETURNING case_id
),
m AS (
  INSERT INTO messages (id, case_id, sender, author, text, at)
  SELECT $17::varchar, c.case_id, 'patient', NULL, $18::text, $12 FROM c WHERE $17::varchar IS NOT NULL
  RETURNING id
),
l AS (SELECT pg_advisory_xact_lock($19::bigint) AS locked FROM c)
INSERT INTO events (type, case_id, queue, unit, actor, at, data)
SELECT e.type, u.id, u.queue, u.unit, NULL, $12, e.data
FROM u, l, unnest($20::text[], $21::text[]) WITH ORDINALITY AS e(type, data, ord)
ORDER BY e.ord
RETURNING seq, type
"""

# A batch of contacts in one statement (app/services/intake_batch.py). Rows travel as JSON
# documents, one per table ($1 new cases, $2 merges, $4 contacts, $5 patient messages, $7
# events): encoding a handful of JSON texts costs a fraction of asyncpg encoding dozens of
# arrays element by element. $3 is the merged case ids again as an array, so that the UPDATE
# stays on the primary key whatever the statistics say; $6 is the event log's lock key.
# A merge whose case changed since the read is simply not applied — no contact, message or
# event of it is written — and the caller takes it through the single path. A duplicate
# contact (a retry) aborts the whole statement (plain INSERT), and the caller takes every
# contact of the batch through the single path.
WRITE_BATCH = """
WITH
k AS (
  INSERT INTO cases (id, status, queue, unit, urgency, urgency_rank, urgency_source, red_flags, due_at,
                     at_risk_at, at_risk, channel, line, patient_id, caller_phone, routing_reason, subject,
                     contacts_count, handovers, failed_attempts, created_at, updated_at, version)
  SELECT id, 'new', queue, unit, urgency, urgency_rank, urgency_source, red_flags, due_at, at_risk_at, false,
         channel, line, patient_id, caller_phone, routing_reason, subject, 1, 0, 0, created_at, updated_at, 1
  FROM json_to_recordset($1::json) AS x(
    id text, queue text, unit text, urgency text, urgency_rank int, urgency_source text, red_flags text,
    due_at timestamptz, at_risk_at timestamptz, channel text, line int, patient_id text, caller_phone text,
    routing_reason text, subject text, created_at timestamptz, updated_at timestamptz)
  RETURNING id, queue, unit
),
u AS (
  UPDATE cases SET contacts_count = cases.contacts_count + 1, updated_at = mk.updated_at, version = cases.version + 1
  FROM json_to_recordset($2::json) AS mk(id text, version int, updated_at timestamptz)
  WHERE cases.id = ANY($3::text[]) AND cases.id = mk.id AND cases.version = mk.version
  RETURNING cases.id, cases.queue, cases.unit
),
applied AS (SELECT id, queue, unit FROM k UNION ALL SELECT id, queue, unit FROM u),
c AS (
  INSERT INTO contacts (id, channel, external_id, case_id, patient_id, unit, line, caller, dialed, text,
                        received_at, created_at, merged, display_name, response)
  SELECT x.* FROM json_to_recordset($4::json) AS x(
    id text, channel text, external_id text, case_id text, patient_id text, unit text, line int, caller text,
    dialed text, text text, received_at timestamptz, created_at timestamptz, merged bool, display_name text,
    response text)
  WHERE x.case_id IN (SELECT id FROM applied)
  RETURNING case_id
),
m AS (
  INSERT INTO messages (id, case_id, sender, author, text, at)
  SELECT x.id, x.case_id, 'patient', NULL, x.text, x.at
  FROM json_to_recordset($5::json) AS x(id text, case_id text, text text, at timestamptz)
  WHERE x.case_id IN (SELECT id FROM applied)
  RETURNING id
),
l AS (SELECT pg_advisory_xact_lock($6::bigint) AS locked FROM (SELECT 1 FROM applied LIMIT 1) one)
INSERT INTO events (type, case_id, queue, unit, actor, at, data)
SELECT e.type, a.id, a.queue, a.unit, NULL, e.at, e.data
FROM json_to_recordset($7::json) AS e(case_id text, type text, data text, at timestamptz, ord int)
JOIN applied a ON a.id = e.case_id
CROSS JOIN l
ORDER BY e.ord
RETURNING seq, case_id
"""

STORED = "SELECT response FROM contacts WHERE channel = $1 AND external_id = $2"


def contact_args(c: dict[str, Any]) -> list[Any]:
    return [
        c["id"], c["channel"], c["external_id"], c["case_id"], c["patient_id"], c["unit"], c["line"], c["caller"],
        c["dialed"], c["text"], c["received_at"], c["created_at"], c["merged"], c["display_name"], c["response"],
    ]  # fmt: skip


async def context(conn: asyncpg.Connection, *, phone: str | None, patient_id: str | None) -> asyncpg.Record | None:
    if patient_id is not None:
        return await conn.fetchrow(CONTEXT_BY_PATIENT, patient_id)
    if phone is not None:
        return await conn.fetchrow(CONTEXT_BY_PHONE, phone)
    return None


async def contexts(conn: asyncpg.Connection, phones: list[str], patient_ids: list[str]) -> list[asyncpg.Record]:
    return await conn.fetch(CONTEXT_MANY, phones, patient_ids)


_rows = msgspec.json.Encoder().encode


async def write_batch(
    conn: asyncpg.Connection,
    *,
    cases: list[dict[str, Any]],
    merges: list[dict[str, Any]],
    contacts: list[dict[str, Any]],
    messages: list[dict[str, Any]],
    events: list[dict[str, Any]],
) -> list[asyncpg.Record]:
    """(seq, case_id) of every event written. Rows as dicts named like the statement's columns:
    merges {id, version, updated_at}; messages {id, case_id, text, at}; events {case_id, type,
    data (the JSON body as text), at, ord}."""
    return await conn.fetch(
        WRITE_BATCH,
        _rows(cases).decode(),
        _rows(merges).decode(),
        [m["id"] for m in merges],
        _rows(contacts).decode(),
        _rows(messages).decode(),
        EVENT_LOCK_KEY,
        _rows(events).decode(),
    )


async def create(
    conn: asyncpg.Connection,
    contact: dict[str, Any],
    case: dict[str, Any],
    message: tuple[str, str] | None,
    events: list[tuple[str, str]],
) -> list[asyncpg.Record]:
    """Empty when the contact was seen before (nothing written)."""
    return await conn.fetch(
        CREATE,
        *contact_args(contact),
        case["queue"], case["unit"], case["urgency"], case["urgency_rank"], case["urgency_source"], case["red_flags"],
        case["due_at"], case["at_risk_at"], case["routing_reason"], case["subject"], case["created_at"],
        message[0] if message else None, message[1] if message else None,
        EVENT_LOCK_KEY, [e[0] for e in events], [e[1] for e in events],
    )  # fmt: skip


async def merge(
    conn: asyncpg.Connection,
    contact: dict[str, Any],
    version: int,
    message: tuple[str, str] | None,
    events: list[tuple[str, str]],
) -> list[asyncpg.Record] | None:
    """Events written, [] when the case changed since it was read, None when the contact is a retry."""
    try:
        return await conn.fetch(
            MERGE,
            *contact_args(contact),
            version,
            message[0] if message else None, message[1] if message else None,
            EVENT_LOCK_KEY, [e[0] for e in events], [e[1] for e in events],
        )  # fmt: skip
    except asyncpg.UniqueViolationError:
        return None


async def stored_response(conn: asyncpg.Connection, channel: str, external_id: str) -> str:
    return await conn.fetchval(STORED, channel, external_id)  # type: ignore[no-any-return]


def asyncpg_dsn(database_url: str) -> str:
    return database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
