"""Telephony platform → InboundContact: callback requests left on a unit's callback number."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo
from typing import Annotated, Literal

import msgspec

from app.domain.deprecated_numbers import redirect_for
from app.domain.phones import PhoneError, normalise
from app.domain.region import Region
from app.domain.errors import Invalid
from app.domain.intake import InboundContact, received_time


class CallbackRequest(msgspec.Struct):
    call_id: Annotated[str, msgspec.Meta(min_length=1, max_length=128, pattern=r"^[\x21-\x7e]+$")]
    caller: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    dialed: Annotated[str, msgspec.Meta(min_length=1, max_length=32)]
    line: Literal[1, 2, 3]
    received_at: Annotated[datetime, msgspec.Meta(tz=True)] | None = None
    voicemail_text: Annotated[str, msgspec.Meta(max_length=8000)] | None = None


class DeprecatedNumberAnswer(msgspec.Struct):
    deprecated_number: bool
    redirect_to: str
    message_fi: str
    message_sv: str
    message_en: str


def redirect_answer(region: Region, dialed: str, today: date) -> DeprecatedNumberAnswer | None:
    """Old direct numbers answer with the unit's callback number until their `until` date
    (inclusive, local; app.domain.deprecated_numbers); after that the number is simply unknown."""
    old = redirect_for(region, dialed, today)
    if old is None:
        return None
    unit = region.unit_by_id[old.unit]
    n = unit.callback_number
    return DeprecatedNumberAnswer(
        deprecated_number=True,
        redirect_to=n,
        message_fi=f"Tämä numero ei ole enää käytössä. Soita {unit.name}n takaisinsoittonumeroon {n}.",
        message_sv=f"Detta nummer används inte längre. Ring {unit.name} på {n}.",
        message_en=f"This number is no longer in use. Please call {unit.name} on {n}.",
    )


class Redirect(msgspec.Struct):
    """A call to a retired number: the caller is told the new one, nothing is taken in."""

    answer: DeprecatedNumberAnswer
    unit: str  # whose old number it was (counted, not shown)
    number: str  # the retired number dialled (a public service number, not a patient's: a metric label)


def receive(region: Region, req: CallbackRequest, now: datetime) -> InboundContact | Redirect:
    """The platform's request → the contact to take in, or the redirect of a retired number."""
    dialed = normalise_dialed(req.dialed)
    redirect = redirect_answer(region, dialed, now.astimezone(ZoneInfo(region.region.timezone)).date())
    if redirect is not None:
        return Redirect(redirect, region.deprecated_by_number[dialed].unit, dialed)
    return to_contact(region, req, dialed, received_time(req.received_at, now))


def to_contact(region: Region, req: CallbackRequest, dialed: str, received_at: datetime) -> InboundContact:
    unit = region.unit_by_number.get(dialed)
    if unit is None:
        raise Invalid(f"dialed number {dialed} is not the callback number of any unit")
    if req.line not in unit.lines:
        raise Invalid(f"unit {unit.id} has no line {req.line} (its lines: {', '.join(map(str, unit.lines))})")
    try:
        caller = normalise(req.caller)
    except PhoneError as exc:
        raise Invalid(f"caller: {exc}") from None
    return InboundContact(
        channel="phone",
        external_id=req.call_id,
        unit=unit.id,
        line=req.line,
        caller=caller,
        dialed=dialed,
        text=req.voicemail_text or None,
        received_at=received_at,
    )


def normalise_dialed(raw: str) -> str:
    try:
        return normalise(raw)
    except PhoneError as exc:
        raise Invalid(f"dialed: {exc}") from None
