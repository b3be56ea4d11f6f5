"""Retention (SPEC §11): a closed case's free text goes when the region's period has passed.

"Closed" is `resolved` (merged cases included: they are resolved into another); its age is
measured from `resolved_at`. A case resolved more than `[retention] days` ago loses:

- the text of its contacts (voicemail transcripts, SMS, the chat pre-form's reason) and a chat
  visitor's self-given `display_name`, and a secure-message thread's `subject`;
- the text of its messages (chat transcripts, secure messages, replies) and notes, the notes of
  its callback attempts and follow-ups, and the case's `follow_up` text;
- the patient's words the urgency findings quote (`purged_findings`: flag, level, status and
  rule stay, `matched` goes);
- the same words where the event log repeats them: a `message.created` event's `message.text` and
  a `case.urgency` event's `urgency.reason` (`redact_event`).

What stays: every structured field (status, queue, outcome, codes, times, counts, urgency and red
flag codes, who acted) and the audit trail — the access log, and the event log's rows with their
type, time, actor, queue and case summary. The summary names the patient as the directory does;
that is directory data, kept as long as the patient is in the directory, not the case's text.

Text columns that may not be NULL become "" (`PURGED_TEXT`); the others NULL. `purged_at` marks
the case, so the work is done once: the store purges a batch with a conditional update
(`purged_at IS NULL`), and of two instances each case falls to exactly one.

A professional's concern note and a coordinator's take-over note are about the patient rather
than a case: they go when the period has passed since the concern was raised, or since the
take-over ended (a running take-over keeps its note).

Survey answers carry no free text (a score and two yes/no answers), so there is none to purge.
"""

from __future__ import annotations

import copy
from datetime import datetime, timedelta
from typing import Any

from app.domain import findings

PURGED_TEXT = ""  # what a NOT NULL text column holds after the purge
REDACTED_EVENT_TYPES: tuple[str, ...] = ("message.created", "case.urgency")


def purge_cutoff(now: datetime, days: int) -> datetime:
    """Cases resolved before this moment are due for the purge."""
    return now - timedelta(days=days)


def due_for_purge(status: str, resolved_at: datetime | None, purged_at: datetime | None, now: datetime, days: int) -> bool:
    """The rule the store's query implements: closed, closed longer than the period, not yet done."""
    return status == "resolved" and resolved_at is not None and purged_at is None and resolved_at < purge_cutoff(now, days)


def redact_event(body: dict[str, Any]) -> dict[str, Any] | None:
    """The event's body without the patient's or professional's words; None when it holds none."""
    out: dict[str, Any] | None = None
    message = body.get("message")
    if isinstance(message, dict) and message.get("text"):
        out = copy.deepcopy(body)
        out["message"]["text"] = PURGED_TEXT
    urgency = body.get("urgency")
    if isinstance(urgency, dict) and urgency.get("reason"):
        out = out or copy.deepcopy(body)
        out["urgency"]["reason"] = PURGED_TEXT
    return out


def purged_findings(stored: str) -> str:
    """A case's stored urgency findings without the patient's words (their codes stay)."""
    return findings.encode(findings.without_words(findings.decode(stored)))
