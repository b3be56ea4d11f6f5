"""Intake: one inbound contact → an identified, routed, committed case and its event.

This is the hot path (every call, chat and message passes here), so it is written for few
round trips: one read of everything routing needs, then the writes. Idempotency rides on the
unique (channel, external_id) of `contacts`: the contact row is inserted with ON CONFLICT DO
NOTHING before anything else is written, so a retry — even a concurrent one — finds the first
attempt's stored answer and writes nothing.

Two stores do the I/O: on PostgreSQL raw asyncpg, one read and one atomic write statement
(app/db/pg_intake.py) — normally for a batch of concurrent contacts (app/services/
intake_batch.py), this file's single path for retries and changed merges; elsewhere (the
SQLite default, one writer anyway) SQLAlchemy Core in one transaction.
Everything between the read and the write — urgency, routing, due times, the answer and the
events — is decided here once, for both.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import msgspec
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import pg_intake
from app.db import schema as t
from app.db.queries import mergeable_case, personal_load
from app.domain import sla
from app.domain.common import URGENCY_RANK
from app.domain.region import queue_unit
from app.domain.routing import Contact, Decision, PatientFacts, Staffing, route
from app.domain.intake import InboundContact, IntakeResult, Triage, triage
from app.clock import utcnow
from app.hub import Hub
from app.db import events as event_log
from app.db.summaries import CASE_COLUMNS, summary_from_row
from app.domain.summary import CaseSummary, PatientRef, event_body


class Context(msgspec.Struct):
    """What the one read returns: the patient, their open matter, their nurse's load."""

    facts: PatientFacts | None = None
    name: str | None = None
    nurse_load: int = 0
    open_urgency: str | None = None
    open_due: datetime | None = None
    open_case: CaseSummary | None = None  # the open matter as read (PostgreSQL store)
    open_version: int | None = None


Written = tuple[IntakeResult, list[dict[str, Any]] | None]

_decode_result = msgspec.json.Decoder(IntakeResult).decode
_encode = msgspec.json.Encoder().encode


async def intake(hub: Hub, contact: InboundContact) -> tuple[IntakeResult, bool]:
    """Returns (result, created). created=False means the channel id was seen before."""
    now = utcnow()
    tri = triage(contact)
    if hub.intake_batcher is not None:  # PostgreSQL: written (and published) with concurrent contacts
        written = await hub.intake_batcher.submit(contact, tri, now)
        if written is not None:
            result, events = written
            if events is None:
                return result, False
            _count(hub, contact, tri, result)
            return result, True
    result, events = await write_one(hub, contact, tri, now)
    if events is None:
        return result, False
    _count(hub, contact, tri, result)
    await hub.publish(events)
    return result, True


async def write_one(hub: Hub, contact: InboundContact, tri: Triage, now: datetime) -> Written:
    """One contact, one read and one write: the answer and its committed events, or the
    stored answer and None when the contact is a retry of one already taken."""
    store = PgStore(hub) if hub.pg_pool is not None else CoreStore(hub)
    absent = await hub.absences.active(hub.engine, now)  # before the store: SQLite has one writer
    async with store:
        ctx = await store.context(contact)
        loads = {ctx.facts.named_nurse: ctx.nurse_load} if ctx.facts and ctx.facts.named_nurse else {}
        result, case, summary = plan(hub, contact, tri, ctx, Staffing(absent=absent, open_cases=loads), now)
        if case is None:
            events = await store.merge(contact, result, ctx, now)
        else:
            assert summary is not None
            events = await store.create(contact, result, case, summary, now)
        if events is None:
            return await store.stored(contact), None
    return result, events


def plan(
    hub: Hub, contact: InboundContact, tri: Triage, ctx: Context, staffing: Staffing, now: datetime
) -> tuple[IntakeResult, dict[str, Any] | None, CaseSummary | None]:
    """Routing's decision as the caller's answer, plus the new case (None for a merge)."""
    decision = route(
        Contact(channel=contact.channel, unit=contact.unit, line=contact.line, emergency=tri.emergency),
        ctx.facts,
        staffing,
        hub.region,
        now,
    )
    if decision.merge_into is not None:
        return _merged_result(hub, decision, ctx, tri), None, None
    return _new_case(hub, contact, decision, ctx, tri, now)


def _count(hub: Hub, contact: InboundContact, tri: Triage, result: IntakeResult) -> None:
    hub.metrics.contact_received(contact.channel, contact.unit, contact.line, result.routing_reason, result.merged, tri.flags)


def _merged_result(hub: Hub, decision: Decision, ctx: Context, tri: Triage) -> IntakeResult:
    assert decision.merge_into is not None and ctx.open_due is not None and ctx.open_urgency is not None
    due = ctx.open_due.astimezone(hub.tz)
    return IntakeResult(
        contact_id=t.new_id(),
        case_id=decision.merge_into,
        queue=decision.queue,
        routing_reason=decision.reason,
        urgency=ctx.open_urgency,
        due_at=due,
        promised_callback_by=due,
        merged=True,
        red_flags=tri.flags,
    )


def _new_case(
    hub: Hub, contact: InboundContact, decision: Decision, ctx: Context, tri: Triage, now: datetime
) -> tuple[IntakeResult, dict[str, Any], CaseSummary]:
    region = hub.region
    received = min(contact.received_at, now)
    due = sla.due_at(received, tri.urgency, region.unit_by_id[contact.unit], region.sla, hub.tz)
    case_id = t.new_id()
    result = IntakeResult(
        contact_id=t.new_id(),
        case_id=case_id,
        queue=decision.queue,
        routing_reason=decision.reason,
        urgency=tri.urgency,
        due_at=due,
        promised_callback_by=due,  # the promise told to the caller is the due time (sla.promised_callback_by)
        merged=False,
        red_flags=tri.flags,
    )
    unit = queue_unit(region, decision.queue) or contact.unit
    patient_id = ctx.facts.id if ctx.facts else None
    case = {
        "id": case_id,
        "status": "new",
        "queue": decision.queue,
        "unit": unit,
        "urgency": tri.urgency,
        "urgency_rank": URGENCY_RANK[tri.urgency],
        "urgency_source": tri.source,
        "red_flags": ",".join(tri.flags),
        "due_at": due,
        "at_risk_at": sla.at_risk_at(received, due, region.sla.at_risk_fraction),
        "at_risk": False,
        "channel": contact.channel,
        "line": contact.line,
        "patient_id": patient_id,
        "caller_phone": contact.caller,
        "routing_reason": decision.reason,
        "subject": contact.subject,
        "contacts_count": 1,
        "created_at": received,
        "updated_at": now,
    }
    summary = CaseSummary(
        id=case_id,
        status="new",
        queue=decision.queue,
        assignee=None,
        urgency=tri.urgency,
        due_at=due,
        at_risk=False,
        channel=contact.channel,
        line=contact.line,
        unit=unit,
        patient=PatientRef(patient_id, ctx.name or "") if patient_id else None,
        routing_reason=decision.reason,
        created_at=received,
        updated_at=now,
        contacts=1,
    )
    return result, case, summary


def _contact_row(contact: InboundContact, result: IntakeResult, ctx: Context, now: datetime) -> dict[str, Any]:
    return {
        "id": result.contact_id,
        "channel": contact.channel,
        "external_id": contact.external_id,
        "case_id": result.case_id,
        "patient_id": ctx.facts.id if ctx.facts else None,
        "unit": contact.unit,
        "line": contact.line,
        "caller": contact.caller,
        "dialed": contact.dialed,
        "text": contact.text,
        "received_at": min(contact.received_at, now),
        "created_at": now,
        "merged": result.merged,
        "display_name": contact.display_name,
        "response": _encode(result).decode(),
    }


def _thread_message(contact: InboundContact, now: datetime) -> dict[str, Any] | None:
    """The patient's text as the first line of a text channel's conversation."""
    if not (contact.is_thread and contact.text):
        return None
    return {"id": t.new_id(), "from": "patient", "text": contact.text, "at": now, "author": None}


class CoreStore:
    """SQLAlchemy Core in one transaction (SQLite's BEGIN IMMEDIATE makes it the only writer)."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self._tx: Any = None
        self.conn: AsyncConnection

    async def __aenter__(self) -> "CoreStore":
        self._tx = self.hub.engine.begin()
        self.conn = await self._tx.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self._tx.__aexit__(*exc)

    async def context(self, contact: InboundContact) -> Context:
        p = t.patients

        def newest_open(column):  # type: ignore[no-untyped-def]
            return (
                select(column)
                .where(t.cases.c.patient_id == p.c.id, mergeable_case())
                .order_by(t.cases.c.created_at.desc())
                .limit(1)
                .scalar_subquery()
            )

        if contact.patient_id is not None:
            where, source = p.c.id == contact.patient_id, p
        elif contact.caller:
            where = t.patient_phones.c.phone == contact.caller
            source = t.patient_phones.join(p, p.c.id == t.patient_phones.c.patient_id)
        else:
            return Context()
        row = (
            await self.conn.execute(
                select(
                    p.c.id, p.c.name, p.c.named_nurse, p.c.responsible_worker, p.c.responsible_until,
                    newest_open(t.cases.c.id).label("open_case"),
                    newest_open(t.cases.c.queue).label("open_queue"),
                    newest_open(t.cases.c.urgency).label("open_urgency"),
                    newest_open(t.cases.c.due_at).label("open_due"),
                )
                .select_from(source)
                .where(where)
            )
        ).first()  # fmt: skip
        if row is None:
            return Context()
        load = 0
        load = await personal_load(self.conn, row.named_nurse) if row.named_nurse and row.open_case is None else 0
        return Context(_facts(row._mapping), row.name, load, row.open_urgency, row.open_due)

    async def _insert_contact(self, row: dict[str, Any]) -> bool:
        stmt = (
            self.hub.insert(t.contacts)
            .values(**row)
            .on_conflict_do_nothing(index_elements=["channel", "external_id"])
            .returning(t.contacts.c.id)
        )
        if (await self.conn.execute(stmt)).first() is None:
            await self.conn.rollback()
            return False
        return True

    async def create(
        self, contact: InboundContact, result: IntakeResult, case: dict[str, Any], summary: CaseSummary, now: datetime
    ) -> list[dict[str, Any]] | None:
        if not await self._insert_contact(_contact_row(contact, result, Context(), now) | {"patient_id": case["patient_id"]}):
            return None
        await self.conn.execute(t.cases.insert().values(**case))
        events = [await event_log.append(self.conn, "case.created", summary, now)]
        return events + await self._message(contact, summary, now)

    async def merge(self, contact: InboundContact, result: IntakeResult, ctx: Context, now: datetime) -> list[dict[str, Any]] | None:
        if not await self._insert_contact(_contact_row(contact, result, ctx, now)):
            return None
        row = (
            await self.conn.execute(
                update(t.cases)
                .where(t.cases.c.id == result.case_id)
                .values(contacts_count=t.cases.c.contacts_count + 1, updated_at=now, version=t.cases.c.version + 1)
                .returning(*CASE_COLUMNS)
            )
        ).one()
        summary = summary_from_row(row._mapping, ctx.name)
        events = [await event_log.append(self.conn, "case.updated", summary, now, extra={"contact": "merged"})]
        return events + await self._message(contact, summary, now)

    async def _message(self, contact: InboundContact, summary: CaseSummary, now: datetime) -> list[dict[str, Any]]:
        message = _thread_message(contact, now)
        if message is None:
            return []
        await self.conn.execute(
            t.messages.insert().values(id=message["id"], case_id=summary.id, sender="patient", author=None, text=message["text"], at=now)
        )
        return [await event_log.append(self.conn, "message.created", summary, now, extra={"message": message})]

    async def stored(self, contact: InboundContact) -> IntakeResult:
        async with self.hub.engine.connect() as conn:
            response = (
                await conn.execute(
                    select(t.contacts.c.response).where(
                        t.contacts.c.channel == contact.channel, t.contacts.c.external_id == contact.external_id
                    )
                )
            ).scalar_one()
        return _decode_result(response)


class PgStore:
    """Raw asyncpg: one read, one atomic write (see app/db/pg_intake.py for the why)."""

    def __init__(self, hub: Hub) -> None:
        assert hub.pg_pool is not None
        self.hub = hub
        self.pool = hub.pg_pool
        self.conn: Any = None

    async def __aenter__(self) -> "PgStore":
        self.conn = await self.pool.acquire()
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.pool.release(self.conn)

    async def context(self, contact: InboundContact) -> Context:
        return pg_context(await pg_intake.context(self.conn, phone=contact.caller, patient_id=contact.patient_id))

    async def create(
        self, contact: InboundContact, result: IntakeResult, case: dict[str, Any], summary: CaseSummary, now: datetime
    ) -> list[dict[str, Any]] | None:
        message, bodies = created_events(contact, summary, now)
        row = _contact_row(contact, result, Context(), now) | {"patient_id": case["patient_id"]}
        rows = await pg_intake.create(
            self.conn,
            row,
            case,
            (message["id"], message["text"]) if message else None,
            [(b["type"], _encode(b).decode()) for b in bodies],
        )
        if not rows:
            return None
        seqs = sorted(r["seq"] for r in rows)
        return [{"seq": seq, **msgspec.to_builtins(body)} for seq, body in zip(seqs, bodies, strict=True)]

    async def merge(self, contact: InboundContact, result: IntakeResult, ctx: Context, now: datetime) -> list[dict[str, Any]] | None:
        assert ctx.open_version is not None
        message, bodies = merged_events(contact, ctx, now)
        rows = await pg_intake.merge(
            self.conn,
            _contact_row(contact, result, ctx, now),
            ctx.open_version,
            (message["id"], message["text"]) if message else None,
            [(b["type"], _encode(b).decode()) for b in bodies],
        )
        if rows is None:
            return None  # a retry of a contact already taken
        if not rows:
            # The case changed between the read and the write (claimed, released…): take the
            # general path, whose UPDATE … RETURNING reads the case as it is now.
            async with CoreStore(self.hub) as core:
                return await core.merge(contact, result, ctx, now)
        seqs = sorted(r["seq"] for r in rows)
        return [{"seq": seq, **msgspec.to_builtins(body)} for seq, body in zip(seqs, bodies, strict=True)]

    async def stored(self, contact: InboundContact) -> IntakeResult:
        return _decode_result(await pg_intake.stored_response(self.conn, contact.channel, contact.external_id))


def pg_context(row: Any) -> Context:
    """The PostgreSQL read (app/db/pg_intake._CONTEXT) as routing's context."""
    if row is None:
        return Context()
    open_case = None
    if row["open_case"] is not None:
        open_case = CaseSummary(
            id=row["open_case"],
            status=row["open_status"],
            queue=row["open_queue"],
            assignee=row["open_assignee"],
            urgency=row["open_urgency"],
            due_at=row["open_due"],
            at_risk=row["open_at_risk"],
            channel=row["open_channel"],
            line=row["open_line"],
            unit=row["open_unit"],
            patient=PatientRef(row["id"], row["name"]),
            routing_reason=row["open_reason"],
            created_at=row["open_created"],
            updated_at=row["open_created"],
            contacts=row["open_contacts"],
        )
    return Context(_facts(row), row["name"], row["nurse_load"], row["open_urgency"], row["open_due"], open_case, row["open_version"])


def created_events(contact: InboundContact, summary: CaseSummary, now: datetime) -> tuple[dict[str, Any] | None, list[Any]]:
    """A new case's thread message (text channels) and its event bodies, in order."""
    message = _thread_message(contact, now)
    bodies = [event_body("case.created", summary, now)]
    if message is not None:
        bodies.append(event_body("message.created", summary, now, extra={"message": message}))
    return message, bodies


def merged_events(contact: InboundContact, ctx: Context, now: datetime) -> tuple[dict[str, Any] | None, list[Any]]:
    """A merge's thread message and event bodies, the summary built from the read (exact as
    long as the case's version is still the one read)."""
    assert ctx.open_case is not None
    summary = msgspec.structs.replace(ctx.open_case, contacts=ctx.open_case.contacts + 1, updated_at=now)
    message = _thread_message(contact, now)
    bodies = [event_body("case.updated", summary, now, extra={"contact": "merged"})]
    if message is not None:
        bodies.append(event_body("message.created", summary, now, extra={"message": message}))
    return message, bodies


def _facts(m: Any) -> PatientFacts:
    """Routing's view of the patient, from either store's read (same column names)."""
    return PatientFacts(
        id=m["id"],
        named_nurse=m["named_nurse"],
        responsible_worker=m["responsible_worker"],
        responsible_until=m["responsible_until"],
        open_case_id=m["open_case"],
        open_case_queue=m["open_queue"],
    )
