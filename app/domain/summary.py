"""A case as every list and every event shows it, and the event that carries it.

One shape for the inbox rows, the live stream, the replay and the case history: a nurse sees
the same summary whichever way it reached the page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Annotated, Any

import msgspec

# The patient-record columns a summary shows, as a row carries them (the SQL join labels them so;
# intake's plan builds the same names from what its read found).
PATIENT_COLUMNS: tuple[str, ...] = (
    "patient_name",
    "patient_language",
    "patient_interpreter_language",
    "patient_hearing_impaired",
    "patient_shared_client",
)


class PatientRef(msgspec.Struct):
    """Who the case is about, with what a nurse must know before calling back: the language to
    speak, whether an interpreter is needed (and for which language), whether the patient is hearing
    or speech impaired (then a call is the wrong way to reach them: SMS or chat). From the patient
    record (`patients` table, `import-patients` CSV); the defaults only read an older stored event."""

    id: str
    display_name: str
    language: Annotated[
        str | None, msgspec.Meta(description="The patient's language, ISO 639-1 (e.g. fi, sv); null when the record is missing.")
    ] = None
    interpreter_language: Annotated[
        str | None, msgspec.Meta(description="The language an interpreter is needed for (ISO 639), or null: no interpreter.")
    ] = None
    hearing_impaired: Annotated[
        bool, msgspec.Meta(description="Hearing or speech impaired: reach them by SMS or chat, not a call.")
    ] = False
    shared_client: Annotated[
        bool,
        msgspec.Meta(
            description="A possible shared client (SPEC §10): a trigger fires or a coordinator holds the patient "
            "(GET /api/patients/{id} says which; an extension)."
        ),
    ] = False


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
    overdue: Annotated[
        bool, msgspec.Meta(description="Past its due time, as the SLA sweep found it (an extension; false in events stored before it).")
    ] = False
    promised_at: Annotated[
        datetime | None,
        msgspec.Meta(description="A callback carried over at the end of a working day: the time first promised (an extension)."),
    ] = None


def summary_from_row(m: Mapping[Any, Any], patient: Mapping[Any, Any] | None = None, prefix: str = "") -> CaseSummary:
    """From a mapping named like the `cases` columns (an SQLAlchemy row's `_mapping`, an asyncpg
    record, a new case's record), each name after `prefix`; the patient's facts from the
    `PATIENT_COLUMNS` (never prefixed) of `patient`, or of `m` itself. The one way a summary is
    built — a builder that forgets a patient column fails here, not in a nurse's inbox."""
    patient_id = m[prefix + "patient_id"]
    p = m if patient is None else patient
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
        patient=_patient_ref(patient_id, p) if patient_id else None,
        routing_reason=m[prefix + "routing_reason"],
        created_at=m[prefix + "created_at"],
        updated_at=m[prefix + "updated_at"],
        contacts=m[prefix + "contacts_count"],
        overdue=bool(m[prefix + "overdue"]),
        promised_at=m.get(prefix + "promised_at"),  # a new case's record has none
    )


def _patient_ref(patient_id: str, p: Mapping[Any, Any]) -> PatientRef:
    return PatientRef(
        patient_id,
        p["patient_name"] or "",
        p["patient_language"],
        p["patient_interpreter_language"],
        bool(p["patient_hearing_impaired"]),
        bool(p["patient_shared_client"]),
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
