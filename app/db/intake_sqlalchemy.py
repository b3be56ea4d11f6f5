"""Intake's store on SQLAlchemy Core: the SQLite default, and any database without a faster store.

A batch is one transaction (on SQLite `BEGIN IMMEDIATE`: the only writer, so nothing changes
between its read and its write; elsewhere a merge is still guarded by the case's version). Idempotency rides on the unique (channel, external_id) of
`contacts`: each contact's row is inserted first with ON CONFLICT DO NOTHING, so a retry —
even a concurrent one — writes nothing else and gets the first attempt's stored answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

import msgspec
from sqlalchemy import FromClause, select, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from app.db import events as event_log
from app.db import schema as t
from app.db.engine import upsert_insert
from app.db.queries import mergeable_case, personal_load
from app.db.summaries import CASE_COLUMNS, OPEN_CASE_EXTRA, PATIENT_SUMMARY_COLUMNS, open_findings
from app.domain.summary import summary_from_row
from app.domain.intake import InboundContact, IntakeContext, IntakePlan, IntakeResult, MergeRecord, Outcome
from app.domain.routing import PatientFacts

_decode_result = msgspec.json.Decoder(IntakeResult).decode
_asdict = msgspec.structs.asdict


class _Changed(Exception):
    """The merge's case is no longer at the version read: undo this contact's rows."""


class SqlAlchemyIntakeBatch:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def read(self, contacts: Sequence[InboundContact]) -> list[IntakeContext]:
        return [await self._context(c) for c in contacts]

    async def _context(self, contact: InboundContact) -> IntakeContext:
        p = t.patients
        source: FromClause
        if contact.patient_id is not None:
            where, source = p.c.id == contact.patient_id, p
        elif contact.caller:
            where = t.patient_phones.c.phone == contact.caller
            source = t.patient_phones.join(p, p.c.id == t.patient_phones.c.patient_id)
        else:
            return IntakeContext()
        open_case = (
            select(t.cases.c.id)
            .where(t.cases.c.patient_id == p.c.id, mergeable_case())
            .order_by(t.cases.c.created_at.desc())
            .limit(1)
            .scalar_subquery()
        )
        row = (
            await self.conn.execute(
                select(
                    p.c.id,
                    p.c.name,
                    p.c.named_nurse,
                    p.c.responsible_worker,
                    p.c.responsible_until,
                    *PATIENT_SUMMARY_COLUMNS,
                    open_case.label("open_case"),
                )
                .select_from(source)
                .where(where)
            )
        ).first()
        if row is None:
            return IntakeContext()
        facts = PatientFacts(
            id=row.id,
            named_nurse=row.named_nurse,
            responsible_worker=row.responsible_worker,
            responsible_until=row.responsible_until,
        )
        needs = {
            "language": row.patient_language,
            "interpreter_language": row.patient_interpreter_language,
            "hearing_impaired": bool(row.patient_hearing_impaired),
            "shared_client": bool(row.patient_shared_client),
        }
        if row.open_case is None:
            load = await personal_load(self.conn, row.named_nurse) if row.named_nurse else 0
            return IntakeContext(facts, row.name, load, **needs)
        case = (await self.conn.execute(select(*CASE_COLUMNS, *OPEN_CASE_EXTRA).where(t.cases.c.id == row.open_case))).one()
        summary = summary_from_row(case._mapping, row._mapping)
        facts = msgspec.structs.replace(facts, open_case_id=summary.id, open_case_queue=summary.queue)
        return IntakeContext(facts, row.name, 0, summary, case.version, **needs, **open_findings(case.urgency_findings, case.red_flags))

    async def write(self, plans: Sequence[IntakePlan]) -> list[Outcome]:
        return [await self._write(p) for p in plans]

    async def _write(self, plan: IntakePlan) -> Outcome:
        if plan.merge is None:
            return await self._write_rows(plan)
        # On SQLite nothing changes between the read and the write (one writer); on another
        # database a professional may claim the case meanwhile: then this contact's rows are
        # undone (a savepoint) and it is planned again.
        try:
            async with self.conn.begin_nested():
                return await self._write_rows(plan)
        except _Changed:
            return "changed"

    async def _write_rows(self, plan: IntakePlan) -> Outcome:
        conn = self.conn
        contact = (
            upsert_insert(conn, t.contacts)
            .values(**_asdict(plan.contact))
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
            .returning(t.contacts.c.id)
        )
        if (await conn.execute(contact)).first() is None:
            return "duplicate"
        if plan.case is not None:
            await conn.execute(t.cases.insert().values(**_asdict(plan.case)))
        else:
            assert plan.merge is not None
            c = t.cases.c
            merged = await conn.execute(
                update(t.cases)
                .where(c.id == plan.merge.id, c.version == plan.merge.version)
                .values(contacts_count=c.contacts_count + 1, updated_at=plan.merge.updated_at, version=c.version + 1, **_findings(plan.merge))
                .returning(c.id)
            )
            if merged.first() is None:
                raise _Changed
        if plan.message is not None:
            await conn.execute(t.messages.insert().values(**_asdict(plan.message)))
        return [await event_log.append_body(conn, body, plan.unit) for body in plan.events]


def _findings(merge: MergeRecord) -> dict[str, str]:
    """The merge's changed findings and red flags, as column values (unchanged ones are left out)."""
    return {k: v for k, v in (("urgency_findings", merge.urgency_findings), ("red_flags", merge.red_flags)) if v is not None}


class SqlAlchemyIntakeStore:
    in_flight = 1  # SQLite has one writer: a second batch would only wait for the lock

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @asynccontextmanager
    async def batch(self) -> AsyncIterator[SqlAlchemyIntakeBatch]:
        async with self.engine.begin() as conn:
            yield SqlAlchemyIntakeBatch(conn)

    async def stored(self, contact: InboundContact) -> IntakeResult:
        async with self.engine.connect() as conn:
            response = (
                await conn.execute(
                    select(t.contacts.c.response).where(
                        t.contacts.c.channel == contact.channel, t.contacts.c.external_id == contact.external_id
                    )
                )
            ).scalar_one()
        return _decode_result(response)

    async def close(self) -> None:
        return None
