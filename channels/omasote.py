"""Omasote (the patient portal) → InboundContact: a new secure message from an identified patient.

The portal has already proven who the patient is (patient JWT) and the service has looked up
their home unit; this module decides the rest: which unit it goes to and how a retried post
is recognised (the portal's Idempotency-Key, scoped to the patient).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from app.domain.common import new_id
from app.domain.errors import Invalid
from app.domain.intake import InboundContact
from app.domain.region import Region


class NewSecureMessage(msgspec.Struct):
    """`POST /channels/omasote/messages`: what the portal sends for a new matter."""

    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=200)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=8000)]
    unit: Annotated[str, msgspec.Meta(max_length=64)] | None = None


def idempotency_key(header: str | None) -> str | None:
    """The portal's Idempotency-Key header, checked: a retried post must find the first one."""
    if header is not None and not (0 < len(header) <= 100):
        raise Invalid("Idempotency-Key must be 1–100 characters")
    return header


def to_contact(
    region: Region,
    message: NewSecureMessage,
    *,
    patient_id: str,
    home_unit: str,
    key: str | None,
    received_at: datetime,
) -> InboundContact:
    """To the unit the patient chose, else their home unit; one contact per (patient, key)."""
    subject, text = message.subject, message.text
    unit = message.unit or home_unit
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
