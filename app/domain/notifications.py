"""What the patient is told outside the portal, and when (SPEC §5: no health content by SMS).

An SMS can be read by anyone holding the phone, so it never carries what was said: it only says
that something waits in the portal. That is why an outbound SMS is a *template name* and never a
text — the texts below are the only words that can leave by SMS, in the patient's language.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

import msgspec

SmsTemplate = Literal["new_message", "callback_failed"]
SmsLanguage = Literal["fi", "sv", "en"]
SMS_LANGUAGES: tuple[SmsLanguage, ...] = ("fi", "sv", "en")

SMS_TEMPLATES: Mapping[SmsTemplate, Mapping[SmsLanguage, str]] = {
    "new_message": {
        "fi": "Sinulle on uusi viesti terveysasemalta. Lue se Omasotessa.",
        "sv": "Du har ett nytt meddelande från hälsostationen. Läs det i Omasote.",
        "en": "You have a new message from your health station. Read it in Omasote.",
    },
    "callback_failed": {
        "fi": "Terveysasema yritti soittaa sinulle. Katso viesti Omasotessa tai soita uudelleen.",
        "sv": "Hälsostationen försökte ringa dig. Läs meddelandet i Omasote eller ring igen.",
        "en": "Your health station tried to call you. Read the message in Omasote or call again.",
    },
}


class UnknownSmsTemplate(ValueError):
    """A programming error: something tried to send an SMS that is not one of SMS_TEMPLATES."""


def sms_template(name: str) -> SmsTemplate:
    """`name` as a template name, or UnknownSmsTemplate: the gate every outbound SMS passes."""
    if name not in SMS_TEMPLATES:
        raise UnknownSmsTemplate(f"no SMS template {name!r}; known: {', '.join(SMS_TEMPLATES)}")
    return name  # type: ignore[return-value]  # checked just above


def sms_text(template: str, lang: str) -> str:
    """The words an SMS carries. Raises on an unknown template or language rather than send
    something nobody reviewed."""
    texts = SMS_TEMPLATES[sms_template(template)]
    if lang not in texts:
        raise UnknownSmsTemplate(f"SMS template {template!r} has no {lang!r} text; languages: {', '.join(texts)}")
    return texts[lang]  # type: ignore[index]  # checked just above


class SmsNotice(msgspec.Struct, frozen=True):
    """A content-free SMS to send: which template, to which number."""

    template: SmsTemplate
    recipient: str


def reply_notice(channel: str, phone: str | None) -> SmsNotice | None:
    """A professional's reply waits in the portal; the patient gets a content-free SMS telling
    them so. Not for chat (the visitor sees the reply live) nor without a number to send to."""
    if not notifies_replies_by_sms(channel) or not phone:
        return None
    return SmsNotice("new_message", phone)


def notifies_replies_by_sms(channel: str) -> bool:
    """Phone, SMS and secure-message patients learn of a reply by SMS; a live chat does not."""
    return channel != "chat"
