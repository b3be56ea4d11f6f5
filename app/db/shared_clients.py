"""The reads behind the shared-client triggers (SPEC §10): each patient's recent contacts, the
contacts on their open matters, no-shows and concerns as times (app.domain.shared_clients.
PatientData), and the stored hint kept in step with them.

Reads go by patient id in chunks; the unit's candidate list narrows by plain counts first (a
superset of the suggested: the domain rule then decides exactly on the few that pass).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from sqlalchemy import Row, func, select, union, update
from sqlalchemy.ext.asyncio import AsyncConnection

from app.db import schema as t
from app.domain.common import OPEN_STATUSES
from app.domain.routing import responsibility_active
from app.domain.shared_clients import PatientData, SharedClient, Thresholds, evaluate, summary_flag

CHUNK = 500  # patient ids per IN list


def chunks(ids: Iterable[str], size: int = CHUNK) -> list[list[str]]:
    items = sorted(set(ids))
    return [items[i : i + size] for i in range(0, len(items), size)]


def held(row: Row[Any] | Any, now: datetime) -> bool:
    """Does a coordinator hold the patient right now?"""
    return bool(row.responsible_worker) and responsibility_active(row.responsible_until, now)


async def patient_rows(conn: AsyncConnection, ids: list[str]) -> dict[str, Row[Any]]:
    out: dict[str, Row[Any]] = {}
    for part in chunks(ids):
        for r in (await conn.execute(select(t.patients).where(t.patients.c.id.in_(part)))).all():
            out[r.id] = r
    return out


async def patient_data(conn: AsyncConnection, rows: dict[str, Row[Any]], now: datetime, th: Thresholds) -> dict[str, PatientData]:
    """What the triggers look at, per patient."""
    contacts: dict[str, list[datetime]] = defaultdict(list)
    matters: dict[str, dict[str, list[datetime]]] = defaultdict(lambda: defaultdict(list))
    no_shows: dict[str, list[datetime]] = defaultdict(list)
    concerns: dict[str, list[datetime]] = defaultdict(list)
    k, c, n, w = t.contacts.c, t.cases.c, t.no_shows.c, t.concerns.c
    for part in chunks(rows):
        for pid, at in (await conn.execute(select(k.patient_id, k.received_at).where(k.patient_id.in_(part), k.received_at >= now - th.repeat_window))).all():
            contacts[pid].append(at)
        stmt = (
            select(c.patient_id, c.id, k.received_at)
            .select_from(t.cases.join(t.contacts, k.case_id == c.id))
            .where(c.patient_id.in_(part), c.status.in_(OPEN_STATUSES))
        )
        for pid, case_id, at in (await conn.execute(stmt)).all():
            matters[pid][case_id].append(at)
        for pid, at in (await conn.execute(select(n.patient_id, n.at).where(n.patient_id.in_(part), n.at >= now - th.no_show_window))).all():
            no_shows[pid].append(at)
        for pid, at in (await conn.execute(select(w.patient_id, func.max(w.at)).where(w.patient_id.in_(part)).group_by(w.patient_id))).all():
            if isinstance(at, str):  # SQLite's MAX() gives the stored text back
                at = t.UTC().process_result_value(datetime.fromisoformat(at), conn.dialect)
            concerns[pid].append(at)
    return {
        pid: PatientData(
            contacts=tuple(contacts[pid]),
            open_matters=tuple(tuple(times) for times in matters[pid].values()),
            no_shows=tuple(no_shows[pid]),
            concerns=tuple(concerns[pid]),
            counted_since=row.shared_reset_at,
        )
        for pid, row in rows.items()
    }


async def assess(conn: AsyncConnection, rows: dict[str, Row[Any]], now: datetime, th: Thresholds) -> dict[str, SharedClient]:
    """Each patient's suggestion and triggers (the domain rule over their data)."""
    data = await patient_data(conn, rows, now, th)
    return {pid: evaluate(data[pid], now, th, taken_over=held(rows[pid], now)) for pid in rows}


async def store_flags(conn: AsyncConnection, rows: dict[str, Row[Any]], found: dict[str, SharedClient], now: datetime) -> list[str]:
    """Write the summaries' hint where it changed (a conditional update: of two writers one
    flips it); returns the patients whose hint flipped."""
    flipped: list[str] = []
    p = t.patients.c
    for pid, suggestion in found.items():
        flag = summary_flag(suggestion, held(rows[pid], now))
        if flag != bool(rows[pid].shared_client):
            done = await conn.execute(update(t.patients).where(p.id == pid, p.shared_client == (not flag)).values(shared_client=flag))
            if done.rowcount == 1:
                flipped.append(pid)
    return flipped


async def unit_candidates(conn: AsyncConnection, unit: str, now: datetime, th: Thresholds, limit: int) -> list[str]:
    """Patients of the unit a trigger might fire for, or whom a coordinator holds (a superset)."""
    p, k, c, n = t.patients.c, t.contacts.c, t.cases.c, t.no_shows.c
    mine = p.unit == unit
    repeat = (
        select(k.patient_id.label("id"))
        .select_from(t.contacts.join(t.patients, p.id == k.patient_id))
        .where(mine, k.received_at >= now - th.repeat_window)
        .group_by(k.patient_id)
        .having(func.count() >= th.repeat_contacts)
    )
    matter = (
        select(c.patient_id.label("id"))
        .select_from(t.cases.join(t.patients, p.id == c.patient_id))
        .where(mine, c.status.in_(OPEN_STATUSES), c.contacts_count >= th.same_matter_contacts)
    )
    missed = (
        select(n.patient_id.label("id"))
        .select_from(t.no_shows.join(t.patients, p.id == n.patient_id))
        .where(mine, n.at >= now - th.no_show_window)
        .group_by(n.patient_id)
        .having(func.count() >= th.no_shows)
    )
    flagged = select(p.id.label("id")).where(mine, (p.concern == True) | p.responsible_worker.is_not(None))  # noqa: E712
    ids = union(repeat, matter, missed, flagged).subquery()
    return list((await conn.execute(select(ids.c.id).order_by(ids.c.id).limit(limit))).scalars())
