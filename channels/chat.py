"""Chat widget → InboundContact: the pre-information form a visitor sends to start a chat.

The socket (`app/live/chat.py`) speaks the protocol and resolves who the visitor is; this
module only turns the form into what intake takes. The red flags are read here as well, but
separately (`emergency_flags`), because the socket must show 112 before any database work.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

from app.domain import chat_form
from app.domain.common import new_id
from app.domain.intake import InboundContact


class StartForm(msgspec.Struct):
    """The answers to `GET /channels/chat/form`: the reason in the visitor's words, yes/no red flags."""

    reason: Annotated[str, msgspec.Meta(max_length=4000)] = ""
    answers: dict[str, bool | str] = msgspec.field(default_factory=dict)


def emergency_flags(form: StartForm, lang: str) -> tuple[str, ...]:
    """The red flags that make this chat an emergency by themselves; () when it is not one."""
    assessment = chat_form.assess_form(form.answers, form.reason, lang)
    return tuple(assessment.flags) if assessment.level == "emergency" else ()


def to_contact(
    form: StartForm,
    *,
    unit: str,
    lang: str,
    received_at: datetime,
    flags: tuple[str, ...] = (),
    patient_id: str | None = None,
    display_name: str | None = None,
) -> InboundContact:
    """A new chat as a contact: every chat is its own (a fresh external id), its reason the first line."""
    return InboundContact(
        channel="chat",
        external_id=new_id(),
        unit=unit,
        text=form.reason.strip() or None,
        received_at=received_at,
        patient_id=patient_id,
        lang=lang,
        emergency_flags=flags,
        display_name=(display_name or "").strip() or None,
    )
