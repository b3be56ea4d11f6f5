"""SMS gateway → InboundContact: texts from patients who cannot use the phone (SPEC §5).

Outbound SMS are only ever content-free notifications (the `outbox` table; the development
adapter leaves them there, a vendor adapter would send and stamp `sent_at`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from app.domain.phones import PhoneError, normalise
from app.domain.region import Region
from app.domain.errors import Invalid
from app.domain.intake import InboundContact, received_time

# The only texts an outbound SMS may carry live in the domain, next to the rule that an SMS is
# content-free; a vendor adapter renders an outbox row with sms_text(row.template, language).
from app.domain.notifications import SMS_TEMPLATES, sms_text  # noqa: F401


class InboundSms(msgspec.Struct):
    message_id: Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]
    sender: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    recipient: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    text: Annotated[str, msgspec.Meta(min_length=1, max_length=1600)]
    received_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None


def receive(region: Region, sms: InboundSms, now: datetime) -> InboundContact:
    """The gateway's message → the contact to take in."""
    return to_contact(region, sms, received_time(sms.received_at, now))


def to_contact(region: Region, sms: InboundSms, received_at: datetime) -> InboundContact:
    try:
        recipient = normalise(sms.recipient)
    except PhoneError as exc:
        raise Invalid(f"recipient: {exc}") from None
    unit = region.unit_by_number.get(recipient)
    if unit is None:
        raise Invalid(f"recipient {recipient} is not the SMS number of any unit")
    try:
        sender = normalise(sms.sender)
    except PhoneError as exc:
        raise Invalid(f"sender: {exc}") from None
    return InboundContact(
        channel="sms",
        external_id=sms.message_id,
        unit=unit.id,
        caller=sender,
        dialed=recipient,
        text=sms.text,
        received_at=received_at,
    )
