"""The patient's side of secure messaging: their own threads only, and who read their data."""

from __future__ import annotations

from datetime import datetime

import msgspec
from sqlalchemy import exists, select

from app.db import schema as t
from app.hub import Hub
from app.services import cases as case_svc
from app.domain.errors import Conflict, Forbidden, NotFound
from app.domain.intake import InboundContact
from app.services.intake import intake


class ThreadSummary(msgspec.Struct):
    id: str
    subject: str | None
    status: str
    channel: str
    created_at: datetime
    updated_at: datetime


class ThreadMessage(msgspec.Struct):
    id: str
    sender: str  # patient | professional | system
    text: str
    at: datetime


class Thread(ThreadSummary):
    messages: list[ThreadMessage] = msgspec.field(default_factory=list)


class NewThread(msgspec.Struct):
    thread_id: str
    case_id: str


class PatientAccessEntry(msgspec.Struct):
    at: datetime
    professional_name: str
    role: str
    unit: str
    action: str


async def home_unit(hub: Hub, patient_id: str) -> str:
    """The patient's own health station; a patient outside the directory may not write."""
    async with hub.engine.connect() as conn:
        home = (await conn.execute(select(t.patients.c.unit).where(t.patients.c.id == patient_id))).scalar_one_or_none()
    if home is None:
        raise Forbidden("you are not listed in this region's patient directory; please call your health station")
    return home  # type: ignore[no-any-return]


async def start_thread(hub: Hub, contact: InboundContact) -> NewThread:
    """A new secure message (built by channels/omasote.py) becomes a case whose thread it opens."""
    result, _ = await intake(hub, contact)
    return NewThread(thread_id=result.case_id, case_id=result.case_id)


def _has_messages():  # type: ignore[no-untyped-def]
    return exists().where(t.messages.c.case_id == t.cases.c.id)


async def list_threads(hub: Hub, patient_id: str) -> list[ThreadSummary]:
    c = t.cases.c
    async with hub.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(c.id, c.subject, c.status, c.channel, c.created_at, c.updated_at)
                .where(c.patient_id == patient_id, _has_messages())
                .order_by(c.updated_at.desc())
                .limit(200)
            )
        ).all()
    return [ThreadSummary(r.id, r.subject, _patient_status(r.status), r.channel, r.created_at, r.updated_at) for r in rows]


def _patient_status(status: str) -> str:
    """A patient sees 'open' or 'closed'; who holds the matter inside the station is not theirs to track."""
    return "closed" if status == "resolved" else "open"


async def get_thread(hub: Hub, patient_id: str, thread_id: str) -> Thread:
    c = t.cases.c
    async with hub.engine.connect() as conn:
        row = (
            await conn.execute(
                select(c.id, c.subject, c.status, c.channel, c.created_at, c.updated_at).where(c.id == thread_id, c.patient_id == patient_id)
            )
        ).first()
        if row is None:
            raise NotFound(f"no thread {thread_id!r}")
        msgs = (
            await conn.execute(select(t.messages).where(t.messages.c.case_id == thread_id).order_by(t.messages.c.at, t.messages.c.id))
        ).all()
    return Thread(
        row.id, row.subject, _patient_status(row.status), row.channel, row.created_at, row.updated_at,
        messages=[ThreadMessage(m.id, m.sender, m.text, m.at) for m in msgs],
    )


async def reply(hub: Hub, patient_id: str, thread_id: str, text: str) -> ThreadMessage:
    async with hub.engine.connect() as conn:
        status = (
            await conn.execute(select(t.cases.c.status).where(t.cases.c.id == thread_id, t.cases.c.patient_id == patient_id))
        ).scalar_one_or_none()
    if status is None:
        raise NotFound(f"no thread {thread_id!r}")
    if status == "resolved":
        raise Conflict("this matter is closed; please start a new message")
    m = await case_svc.add_patient_message(hub, thread_id, text)
    return ThreadMessage(m.id, m.sender, m.text, m.at)


async def own_access_log(hub: Hub, patient_id: str) -> list[PatientAccessEntry]:
    async with hub.engine.connect() as conn:
        rows = (
            await conn.execute(
                select(t.access_log).where(t.access_log.c.patient_id == patient_id).order_by(t.access_log.c.at.desc()).limit(1000)
            )
        ).all()
    out = []
    for r in rows:
        p = hub.region.professional_by_id.get(r.professional)
        out.append(PatientAccessEntry(r.at, p.name if p else r.professional, p.role if p else "", p.unit if p else "", r.action))
    return out
