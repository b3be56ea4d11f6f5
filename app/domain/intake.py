"""Intake's decisions: a channel's contact → its urgency, its route, and the rows and events to write.

Pure: the store reads what routing needs (`IntakeContext`) and writes what `plan` returns; every
rule between the two — triage precedence, rule 6's merge, the due time, the events — is here.
"""

from __future__ import annotations

from datetime import datetime

import msgspec

from app.domain.urgency import assess


class InboundContact(msgspec.Struct, kw_only=True):
    """What every channel adapter hands to intake."""

    channel: str
    external_id: str
    unit: str
    line: int | None = None
    caller: str | None = None  # E.164, already normalised by the adapter
    dialed: str | None = None
    text: str | None = None
    received_at: datetime
    patient_id: str | None = None  # for channels that authenticate the patient
    answers: dict[str, bool | str] | None = None
    lang: str = "fi"
    emergency_flags: tuple[str, ...] = ()  # red flags the channel already established (pre-form)
    display_name: str | None = None  # an anonymous chat visitor's own name for themselves
    subject: str | None = None  # a secure message's subject

    @property
    def is_thread(self) -> bool:
        """Text channels: what the patient wrote is also the first line of the conversation."""
        return self.channel in THREAD_CHANNELS


THREAD_CHANNELS = ("chat", "secure_message", "sms")


class IntakeResult(msgspec.Struct):
    contact_id: str
    case_id: str
    queue: str
    routing_reason: str
    urgency: str
    due_at: datetime
    promised_callback_by: datetime
    merged: bool
    red_flags: list[str] = msgspec.field(default_factory=list)


class Triage(msgspec.Struct):
    urgency: str
    source: str
    flags: list[str]
    emergency: bool


def triage(contact: InboundContact) -> Triage:
    """Urgency before routing: red flags (rules) first, then line 2, else unassessed."""
    assessment = assess(contact.text, contact.answers, contact.lang) if (contact.text or contact.answers) else None
    flags = sorted(set(contact.emergency_flags) | set(assessment.flags if assessment else ()))
    emergency = bool(contact.emergency_flags) or (assessment is not None and assessment.level == "emergency")
    if emergency:
        return Triage("emergency", "rules", flags, True)
    if assessment is not None and assessment.level != "unassessed":
        return Triage(assessment.level, "rules", flags, False)
    if contact.line == 2:
        return Triage("urgent", "line", flags, False)
    return Triage("unassessed", "none", flags, False)


