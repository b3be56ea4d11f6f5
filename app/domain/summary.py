"""A case as every list and every event shows it, and the event that carries it.

One shape for the inbox rows, the live stream, the replay and the case history: a nurse sees
the same summary whichever way it reached the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any

import msgspec


class PatientRef(msgspec.Struct):
    id: str
    display_name: str


class CaseSummary(msgspec.Struct):
    id: str
    status: str
    queue: str
    assignee: str | None
    urgency: str
    due_at: datetime
    at_risk: bool
    channel: str
    line: int | None
    unit: str
    patient: PatientRef | None
    routing_reason: str
    created_at: datetime
    updated_at: datetime
    contacts: int
    promised_at: datetime | None = None  # a callback carried over from an earlier day: the time first promised


def summary_from_row(m: Mapping[Any, Any], patient_name: str | None = None, prefix: str = "") -> CaseSummary:
    """From a mapping named like the `cases` columns (an SQLAlchemy row's `_mapping`, an asyncpg
    record, a new case's record), each name after `prefix`; the patient's name from a
    `patient_name` column or the argument. The one way a summary is built."""
    name = m.get("patient_name", patient_name) if not prefix else patient_name
    patient_id = m[prefix + "patient_id"]
    return CaseSummary(
        id=m[prefix + "id"],
        status=m[prefix + "status"],
        queue=m[prefix + "queue"],
        assignee=m[prefix + "assignee"],
        urgency=m[prefix + "urgency"],
        due_at=m[prefix + "due_at"],
        at_risk=bool(m[prefix + "at_risk"]),
        channel=m[prefix + "channel"],
        line=m[prefix + "line"],
        unit=m[prefix + "unit"],
        patient=PatientRef(patient_id, name or "") if patient_id else None,
        routing_reason=m[prefix + "routing_reason"],
        created_at=m[prefix + "created_at"],
        updated_at=m[prefix + "updated_at"],
        contacts=m[prefix + "contacts_count"],
        promised_at=m.get(prefix + "promised_at"),
    )


def event_body(type_: str, summary: CaseSummary, at: datetime, actor: str | None = None, extra: dict[str, Any] | None = None) -> dict[str, Any]:
    """An event as stored (without its seq) and published (with it).

    `extra` carries small facts a listener needs besides the summary (e.g. `from_queue` on a
    handover, so the old queue's viewers see the case leave).
    """
    body: dict[str, Any] = {"type": type_, "case_id": summary.id, "queue": summary.queue, "at": at, "case": summary}
    if actor:
        body["actor"] = actor
    if extra:
        body.update(extra)
    return body


def published(seq: int, body: dict[str, Any]) -> dict[str, Any]:
    """The event as live clients receive it: its seq first, plain JSON types."""
    return {"seq": seq, **msgspec.to_builtins(body)}
