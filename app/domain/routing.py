"""Where a contact goes: SPEC §6 as one pure function.

Every decision returns the queue *and* the reason, because supervisors need to see why matters
land where they land (a rising `capacity_spill` or `unidentified` share is a staffing or a
directory problem, not a nurse's).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import msgspec

from app.domain.common import OPEN_STATUSES
from app.domain.region import Region, queue_kind

Reason = Literal[
    "emergency",
    "line3_assistants",
    "line2_urgent",
    "live_chat",
    "unidentified",
    "merged_open_case",
    "responsible_worker",
    "named_nurse",
    "substitute",
    "team_absence",
    "capacity_spill",
    "no_named_nurse",
    "sla_spill",
]
REASONS: tuple[str, ...] = Reason.__args__  # type: ignore[attr-defined]


class PatientFacts(msgspec.Struct, frozen=True):
    """What routing needs to know of an identified patient."""

    id: str
    named_nurse: str | None = None
    responsible_worker: str | None = None
    responsible_until: datetime | None = None
    open_case_id: str | None = None
    open_case_queue: str | None = None


class Contact(msgspec.Struct, frozen=True):
    channel: str
    unit: str
    line: int | None = None
    emergency: bool = False


class Staffing(msgspec.Struct, frozen=True):
    """Who is away right now (professional → substitute or None) and personal-queue loads."""

    absent: dict[str, str | None] = msgspec.field(default_factory=dict)
    open_cases: dict[str, int] = msgspec.field(default_factory=dict)


class Decision(msgspec.Struct, frozen=True):
    queue: str
    reason: str
    merge_into: str | None = None


# Rule 6, "the same open matter": a new contact of a patient joins their open case instead of
# opening another one — unless that case waits in one of these queues. A prescription renewal
# waiting with the assistants (line 3) is not the same matter as a call to the nurse, and a live
# chat session cannot take a callback into it. app/db/queries.py and the PostgreSQL intake SQL
# build their conditions from these two constants.
MERGE_EXCLUDED_QUEUE_KINDS: tuple[str, ...] = ("assistants", "chat")


def is_same_matter_candidate(status: str, queue: str) -> bool:
    """May a new contact of the same patient join this case (rule 6)? Only an open case
    (common.OPEN_STATUSES) outside the assistants' and chat queues."""
    return status in OPEN_STATUSES and queue_kind(queue) not in MERGE_EXCLUDED_QUEUE_KINDS


def emergency_queue(unit: str) -> Decision:
    """Rule 1: a red flag goes to the unit's urgent queue, whenever it is noticed — at intake or
    later in the conversation."""
    return Decision(f"urgent:{unit}", "emergency")


def responsibility_active(until: datetime | None, now: datetime) -> bool:
    """A responsible worker (a coordinator who took the patient over) holds the patient until
    the end of the agreed period; without an end date until someone ends it."""
    return until is None or until > now


def route(contact: Contact, patient: PatientFacts | None, staffing: Staffing, region: Region, now: datetime) -> Decision:
    unit = contact.unit
    if contact.emergency:
        return emergency_queue(unit)
    if contact.line == 3:
        return Decision(f"assistants:{unit}", "line3_assistants")
    if contact.line == 2:
        return Decision(f"urgent:{unit}", "line2_urgent")
    if contact.channel == "chat":
        return Decision(f"chat:{unit}", "live_chat")
    if patient is None:
        return Decision(f"overflow:{unit}", "unidentified")
    if patient.open_case_id is not None and patient.open_case_queue is not None:
        return Decision(patient.open_case_queue, "merged_open_case", merge_into=patient.open_case_id)
    return route_identified(patient, staffing, region, now, unit)


def route_identified(patient: PatientFacts, staffing: Staffing, region: Region, now: datetime, unit: str) -> Decision:
    """Rules 7–11: the patient is known and has no open matter to attach to."""
    worker = patient.responsible_worker
    if (
        worker is not None
        and worker in region.professional_by_id
        and responsibility_active(patient.responsible_until, now)
        and worker not in staffing.absent
    ):
        return Decision(f"personal:{worker}", "responsible_worker")
    nurse = region.professional_by_id.get(patient.named_nurse) if patient.named_nurse else None
    if nurse is None:
        return Decision(f"team:{_default_team(region, unit)}", "no_named_nurse")
    team = nurse.team or region.unit_by_id[nurse.unit].default_team
    if nurse.id in staffing.absent:
        substitute = staffing.absent[nurse.id]
        if substitute and substitute in region.professional_by_id and substitute not in staffing.absent:
            return Decision(f"personal:{substitute}", "substitute")
        return Decision(f"team:{team}", "team_absence")
    if staffing.open_cases.get(nurse.id, 0) >= nurse.capacity:
        return Decision(f"team:{team}", "capacity_spill")
    return Decision(f"personal:{nurse.id}", "named_nurse")


def _default_team(region: Region, unit: str) -> str:
    u = region.unit_by_id.get(unit)
    return u.default_team if u else region.units[0].default_team
