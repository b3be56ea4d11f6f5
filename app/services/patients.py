"""The patient directory: import, look-up (always access-logged), absences of professionals."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

import msgspec
from sqlalchemy import bindparam, delete, func, insert, or_, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import schema as t
from app.domain.patient_csv import PatientRow, parse_patients
from app.domain.phones import PhoneError, normalise
from app.domain.access import history_shown, may_override, oversees_unit
from app.domain.region import Professional, Region
from app.domain.routing import responsibility_active
from app.domain.shared_clients import SharedClient
from app.clock import utcnow
from app.hub import Hub
from app.services.cases import log_access
from app.services.shared_clients import suggestion as shared_client_suggestion
from app.domain.absences import ended_at
from app.domain.errors import Conflict, Forbidden, Invalid, NotFound
from app.domain.care_pathways import AttachedPathway
from app.domain.patient_access import patient_scope
from app.services.care_pathways import attached_of
from app.services.patient_access import in_scope, readable_patient
from app.db.summaries import summary_select
from app.domain.summary import CaseSummary, summary_from_row


class ImportReport(msgspec.Struct):
    created: int
    updated: int


async def import_patients(engine: AsyncEngine, region: Region, text: str) -> ImportReport:
    """All rows or none: parsing collects every error first; the writes share one transaction."""
    rows = parse_patients(
        text,
        known_units=set(region.unit_by_id),
        known_professionals={p.id: p.role for p in region.professionals},
    )
    now = utcnow()
    async with engine.begin() as conn:
        existing = set((await conn.execute(select(t.patients.c.id))).scalars())
        ids = [r.id for r in rows]
        all_phones = [ph for r in rows for ph in r.phones]
        # Numbers move with the file: a number now listed for another patient leaves its old owner.
        # In batches: PostgreSQL takes at most 32,767 parameters in one statement.
        for batch in _batches(ids):
            await conn.execute(delete(t.patient_phones).where(t.patient_phones.c.patient_id.in_(batch)))
        for batch in _batches(all_phones):
            await conn.execute(delete(t.patient_phones).where(t.patient_phones.c.phone.in_(batch)))
        new_rows = [_values(r, now) for r in rows if r.id not in existing]
        if new_rows:
            await conn.execute(insert(t.patients), new_rows)
        changed = [{**_values(r, now), "b_id": r.id} for r in rows if r.id in existing]
        if changed:
            columns: dict[str, Any] = {k: bindparam(k) for k in changed[0] if k not in ("id", "b_id")}
            for batch in _batches(changed):
                await conn.execute(update(t.patients).where(t.patients.c.id == bindparam("b_id")).values(columns), batch)
        phone_rows = [{"phone": ph, "patient_id": r.id} for r in rows for ph in r.phones]
        if phone_rows:
            await conn.execute(insert(t.patient_phones), phone_rows)
    if engine.dialect.name == "postgresql":
        # Fresh statistics now rather than at autovacuum's next turn: until then the planner
        # guesses the directory's size, and the intake lookup scanned it whole per batch.
        async with engine.connect() as conn:
            await conn.exec_driver_sql("ANALYZE patients, patient_phones")
    return ImportReport(created=len(new_rows), updated=len(rows) - len(new_rows))


def _batches(items: list[Any], size: int = 5000) -> list[list[Any]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _values(r: PatientRow, now: datetime) -> dict[str, Any]:
    return {
        "id": r.id,
        "name": r.name,
        "language": r.language,
        "named_nurse": r.named_nurse,
        "named_doctor": r.named_doctor,
        "unit": r.unit,
        "hearing_impaired": r.hearing_impaired,
        "interpreter_language": r.interpreter_language,
        "updated_at": now,
    }


class ResponsibleWorker(msgspec.Struct):
    professional: str
    until: datetime | None


class PatientView(msgspec.Struct):
    id: str
    name: str
    language: str
    interpreter_language: str | None
    hearing_impaired: bool
    named_nurse: str | None
    named_doctor: str | None
    unit: str
    phones: list[str]
    responsible_worker: ResponsibleWorker | None
    shared_client: SharedClient
    care_pathways: list[AttachedPathway]  # newest first, titled in the patient's language
    recent_cases: list[CaseSummary]


class PatientHit(msgspec.Struct):
    id: str
    name: str
    unit: str
    named_nurse: str | None


async def get_patient(hub: Hub, who: Professional, patient_id: str) -> PatientView:
    now = utcnow()
    async with hub.engine.begin() as conn:
        p = await readable_patient(conn, hub.region, who, patient_id)
        pathways = await attached_of(conn, hub.region, p.id, p.language)
        phones = list((await conn.execute(select(t.patient_phones.c.phone).where(t.patient_phones.c.patient_id == p.id))).scalars())
        rows = (
            await conn.execute(
                summary_select().where(t.cases.c.patient_id == p.id).order_by(t.cases.c.created_at.desc()).limit(20)
            )
        ).all()
        recent = [summary_from_row(r._mapping) for r in rows]
        shared_client = await shared_client_suggestion(conn, hub, p, now)  # SPEC §10 (app.services.shared_clients)
        await log_access(conn, p.id, who.id, None, "patient_view")
    worker = None
    if p.responsible_worker and responsibility_active(p.responsible_until, now):
        worker = ResponsibleWorker(p.responsible_worker, p.responsible_until)
    return PatientView(
        id=p.id,
        name=p.name,
        language=p.language,
        interpreter_language=p.interpreter_language,
        hearing_impaired=bool(p.hearing_impaired),
        named_nurse=p.named_nurse,
        named_doctor=p.named_doctor,
        unit=p.unit,
        phones=phones,
        responsible_worker=worker,
        shared_client=shared_client,
        care_pathways=pathways,
        recent_cases=history_shown(who, recent),
    )


async def search_patients(hub: Hub, who: Professional, q: str, limit: int = 20) -> list[PatientHit]:
    """By name, id or phone, among the patients `who` may read. The search leaves an access-log
    entry of its own (who, how many hits — never the query text) and one per patient shown."""
    q = q.strip()
    if len(q) < 2:
        raise Invalid("search needs at least 2 characters")
    conditions = [func.lower(t.patients.c.name).contains(q.lower(), autoescape=True), t.patients.c.id == q]
    try:
        conditions.append(t.patients.c.id.in_(select(t.patient_phones.c.patient_id).where(t.patient_phones.c.phone == normalise(q))))
    except PhoneError:
        pass
    stmt = select(t.patients.c.id, t.patients.c.name, t.patients.c.unit, t.patients.c.named_nurse).where(or_(*conditions))
    allowed = in_scope(patient_scope(hub.region, who))
    if allowed is not None:
        stmt = stmt.where(allowed)
    async with hub.engine.begin() as conn:
        rows = (await conn.execute(stmt.order_by(t.patients.c.name, t.patients.c.id).limit(limit))).all()
        entry = {"at": utcnow(), "professional": who.id, "case_id": None, "action": "patient_search"}
        searched = {**entry, "patient_id": None, "hits": len(rows)}
        await conn.execute(insert(t.access_log), [searched, *({**entry, "patient_id": r.id, "hits": None} for r in rows)])
    return [PatientHit(r.id, r.name, r.unit, r.named_nurse) for r in rows]


class AccessEntry(msgspec.Struct):
    at: datetime
    professional: str
    professional_name: str
    role: str
    unit: str
    case_id: str | None
    action: str


async def access_log(hub: Hub, who: Professional, patient_id: str) -> list[AccessEntry]:
    if not may_override(who):
        raise Forbidden("only a supervisor may read a patient's access log")
    async with hub.engine.begin() as conn:
        await readable_patient(conn, hub.region, who, patient_id)
        rows = (
            await conn.execute(
                select(t.access_log).where(t.access_log.c.patient_id == patient_id).order_by(t.access_log.c.at.desc()).limit(1000)
            )
        ).all()
        await log_access(conn, patient_id, who.id, None, "access_log_view")  # reading who read is a read too
    out = []
    for r in rows:
        p = hub.region.professional_by_id.get(r.professional)
        out.append(
            AccessEntry(r.at, r.professional, p.name if p else r.professional, p.role if p else "", p.unit if p else "", r.case_id, r.action)
        )
    return out


# ------------------------------------------------------------------------------------ absences


class AbsenceView(msgspec.Struct):
    id: str
    professional: str
    starts_at: datetime
    ends_at: datetime
    substitute: str | None


def absence_bounds(start: date | datetime, end: date | datetime, hub: Hub) -> tuple[datetime, datetime]:
    """Dates are inclusive whole local days; datetimes are taken as given."""

    def bound(value: date | datetime, is_end: bool) -> datetime:
        if isinstance(value, datetime):
            if value.tzinfo is None:
                raise Invalid("absence times need a UTC offset, e.g. 2026-11-23T08:00:00+02:00")
            return value.astimezone(timezone.utc)
        day = value + timedelta(days=1) if is_end else value
        return datetime.combine(day, time(0), tzinfo=hub.tz).astimezone(timezone.utc)

    return bound(start, False), bound(end, True)


async def add_absence(
    hub: Hub, who: Professional, professional: str, start: date | datetime, end: date | datetime, substitute: str | None
) -> AbsenceView:
    region = hub.region
    if not may_override(who):
        raise Forbidden("only a supervisor may record absences")
    target = region.professional_by_id.get(professional)
    if target is None:
        raise Invalid(f"no professional {professional!r}", code="unknown_professional", professional=professional)
    if not oversees_unit(who, target.unit):
        raise Forbidden(f"{professional!r} works in another unit", code="other_unit")
    if substitute is not None:
        if substitute not in region.professional_by_id:
            raise Invalid(f"no professional {substitute!r} to substitute", code="unknown_professional", professional=substitute)
        if substitute == professional:
            raise Invalid("a professional cannot substitute for themselves", code="self_substitute")
    starts_at, ends_at = absence_bounds(start, end, hub)
    if ends_at <= starts_at:
        raise Invalid("absence ends before it starts", code="absence_order")
    view = AbsenceView(t.new_id(), professional, starts_at, ends_at, substitute)
    async with hub.engine.begin() as conn:
        await conn.execute(
            insert(t.absences).values(
                id=view.id,
                professional=professional,
                starts_at=starts_at,
                ends_at=ends_at,
                substitute=substitute,
                created_by=who.id,
                created_at=utcnow(),
            )
        )
    hub.absences.invalidate()
    return view


async def end_absence(hub: Hub, who: Professional, absence_id: str) -> AbsenceView:
    """End an absence early (back from sick leave) or cancel one not yet begun."""
    if not may_override(who):
        raise Forbidden("only a supervisor may end absences")
    a = t.absences.c
    async with hub.engine.begin() as conn:
        row = (await conn.execute(select(t.absences).where(a.id == absence_id))).first()
        if row is None:
            raise NotFound(f"no absence {absence_id!r}", code="absence_not_found")
        target = hub.region.professional_by_id.get(row.professional)
        if not oversees_unit(who, target.unit if target else None):
            raise Forbidden("that absence belongs to another unit", code="other_unit")
        ends_at = ended_at(row.starts_at, row.ends_at, utcnow())
        changed = await conn.execute(update(t.absences).where(a.id == absence_id, a.ends_at == row.ends_at).values(ends_at=ends_at))
        if changed.rowcount != 1:
            raise Conflict("the absence changed meanwhile; reload and try again", code="absence_changed")
    hub.absences.invalidate()
    return AbsenceView(row.id, row.professional, row.starts_at, ends_at, row.substitute)


async def list_absences(hub: Hub, who: Professional) -> list[AbsenceView]:
    if not may_override(who):
        raise Forbidden("only a supervisor may list absences")
    async with hub.engine.connect() as conn:
        rows = (
            await conn.execute(select(t.absences)
                .where(t.absences.c.ends_at > utcnow(), t.absences.c.ends_at > t.absences.c.starts_at)  # not cancelled
                .order_by(t.absences.c.starts_at))
        ).all()
    units = {p.id: p.unit for p in hub.region.professionals}
    return [
        AbsenceView(r.id, r.professional, r.starts_at, r.ends_at, r.substitute)
        for r in rows
        if oversees_unit(who, units.get(r.professional))
    ]
