"""Omasote (the patient portal) → InboundContact: a new secure message from an identified patient.

The portal has already proven who the patient is (patient JWT) and the service has looked up
their home unit; this module decides the rest: which unit it goes to and how a retried post
is recognised (the portal's Idempotency-Key, scoped to the patient).
"""

from __future__ import annotations

from datetime import datetime

from app.domain.common import new_id
from app.domain.errors import Invalid
from app.domain.intake import InboundContact
from app.domain.region import Region


def to_contact(
    region: Region,
    *,
    patient_id: str,
    home_unit: str,
    subject: str,
    text: str,
    unit: str | None,
    key: str | None,
    received_at: datetime,
) -> InboundContact:
    """To the unit the patient chose, else their home unit; one contact per (patient, key)."""
    unit = unit or home_unit
    if unit not in region.unit_by_id:
        raise Invalid(f"no unit {unit!r}")
    return InboundContact(
        channel="secure_message",
        external_id=f"{patient_id}:{key}" if key else new_id(),
        unit=unit,
        patient_id=patient_id,
        text=text,
        subject=subject,
        received_at=received_at,
    )
