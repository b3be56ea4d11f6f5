"""Whose patient data a professional may read (SPEC §11, patient data only where needed): the
patients of their own unit, and anyone with a case in a queue they may see (or a case they
hold). A supervisor is thereby limited to their unit; an admin reads every unit's.

Anything else answers as if the patient did not exist (404, never 403), so a patient id is not
confirmed to someone who may not read it.
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from app.domain.access import may_see, visible_queues
from app.domain.region import Professional, Region


class PatientScope(msgspec.Struct, frozen=True):
    """The patients a professional may read, as a search filters them: every one (`everyone`),
    else those of `unit` and those with a case in one of `queues` or held by `professional`."""

    everyone: bool
    unit: str
    queues: tuple[str, ...]
    professional: str


def patient_scope(region: Region, who: Professional) -> PatientScope:
    if who.role == "admin":
        return PatientScope(True, who.unit, (), who.id)
    return PatientScope(False, who.unit, tuple(visible_queues(region, who)), who.id)


def may_read_patient(region: Region, who: Professional, patient_unit: str, cases: Iterable[tuple[str, str | None]]) -> bool:
    """`cases`: the patient's cases as (queue, assignee)."""
    if who.role == "admin" or patient_unit == who.unit:
        return True
    return any(may_see(region, who, queue, assignee) for queue, assignee in cases)
