"""The callback attempts policy (SPEC §5 phone): how often a nurse may try, and what the patient
is told when the tries run out. One rule, driven by the region's `[sla]` fields:

- `callback_max_attempts` — the unanswered attempt that reaches it is "the last": the patient is
  told once (not again on later attempts). Some regions try once, then text (`= 1`).
- `callback_min_gap_minutes` — an unanswered attempt logged sooner than this after the previous
  unanswered one is refused (409) with the time the next one may be made: three tries in two
  minutes are not three chances for the patient to answer. A `reached` attempt is never refused
  (the nurse did reach the patient; there is nothing to wait for). 0 = no minimum.
- `callback_after_last` — `portal_or_sms`: a secure message in the portal when the patient uses
  it, else a content-free SMS; `sms`: always the content-free SMS. Never an SMS to a number an
  attempt found wrong: it is someone else's phone.

"Uses the portal" is a fact the store finds (the patient has written a secure message before:
they have logged in to the portal and read their threads there); the rule only receives it.

Pure: the tests drive it with plain datetimes.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo

import msgspec

from app.domain.errors import Conflict
from app.domain.notifications import SmsNotice

AfterLast = Literal["portal_or_sms", "sms"]
AFTER_LAST: tuple[str, ...] = ("portal_or_sms", "sms")
CallbackResult = Literal["reached", "no_answer", "busy", "wrong_number"]


def failed(result: str) -> bool:
    """Every result but `reached` is an unanswered attempt (wrong_number included: it counts
    towards the limit, so the patient still hears from us in writing)."""
    return result != "reached"


def is_last(result: str, failed_before: int, max_attempts: int) -> bool:
    """This attempt is the unanswered one that reaches the limit: the patient is to be told."""
    return failed(result) and failed_before + 1 == max_attempts


def next_attempt_at(last_failed_at: datetime | None, min_gap: timedelta) -> datetime | None:
    """The earliest time the next unanswered attempt may be logged; None: any time."""
    if last_failed_at is None or min_gap <= timedelta(0):
        return None
    return last_failed_at + min_gap


def ensure_gap(result: str, last_failed_at: datetime | None, now: datetime, min_gap: timedelta, tz: ZoneInfo) -> None:
    """Refuse an unanswered attempt logged sooner than `min_gap` after the previous unanswered
    one, naming (in the unit's local time) when the next may be made."""
    if not failed(result):
        return
    earliest = next_attempt_at(last_failed_at, min_gap)
    if earliest is None or now >= earliest:
        return
    assert last_failed_at is not None
    minutes = int(min_gap.total_seconds() // 60)
    raise Conflict(
        f"the previous attempt went unanswered at {_local(last_failed_at, now, tz)}; the next attempt may be made "
        f"from {_local(earliest, now, tz)} (at least {minutes} minutes between attempts)",
        next_attempt_at=earliest.isoformat(),
    )


def _local(moment: datetime, now: datetime, tz: ZoneInfo) -> str:
    """HH:MM in local time; with the date when it is not today's."""
    local = moment.astimezone(tz)
    return local.strftime("%H:%M") if local.date() == now.astimezone(tz).date() else local.strftime("%Y-%m-%d %H:%M")


# --------------------------------------------------------------------------- after the last one

PortalLanguage = Literal["fi", "sv", "en"]

# The secure message the patient reads in the portal. It may name the unit and its number; it
# never carries the matter itself (the nurse writes that, if anything, as a reply of their own).
PORTAL_TEXTS: Mapping[str, str] = {
    "fi": "Yritimme soittaa sinulle {attempts} kertaa, mutta emme tavoittaneet sinua. "
    "Voit vastata tähän viestiin tai soittaa numeroon {number}.",
    "sv": "Vi försökte ringa dig {attempts} gånger men nådde dig inte. "
    "Du kan svara på det här meddelandet eller ringa {number}.",
    "en": "We tried to call you {attempts} times but could not reach you. "
    "You can reply to this message or call {number}.",
}


class PortalNotice(msgspec.Struct, frozen=True):
    """A secure message into the patient's portal (their thread of this case)."""

    patient_id: str
    text: str


class FailedCallback(msgspec.Struct, frozen=True):
    """The patient could not be reached: how they are told (at most one of `portal`, `sms`), and
    the internal note the case keeps about it for the professionals."""

    staff_note: str
    sms: SmsNotice | None = None
    portal: PortalNotice | None = None

    @property
    def via(self) -> str:
        """portal | sms | none — recorded on the attempt's event."""
        return "portal" if self.portal is not None else "sms" if self.sms is not None else "none"


class PatientReach(msgspec.Struct, frozen=True, kw_only=True):
    """How this case's patient can be told: a number to text, a portal they use, their language."""

    phone: str | None = None
    patient_id: str | None = None
    uses_portal: bool = False
    language: str = "fi"
    number_wrong: bool = False  # an attempt on this case reached a wrong number: no SMS goes to it


def after_failed_attempt(
    result: str,
    failed_attempts: int,
    max_attempts: int,
    after_last: str,
    reach: PatientReach,
    unit_number: str,
) -> FailedCallback | None:
    """What the patient is told after this attempt, or None. Once, on the unanswered attempt
    that reaches `max_attempts` (`failed_attempts` counts this attempt already): a portal user
    (when the region allows it) gets a secure message, anyone else with a number a content-free
    SMS — but never to a number an attempt found wrong (it is a stranger's); with neither there
    is nobody to tell and the case's note says so."""
    if not is_last(result, failed_attempts - 1, max_attempts):
        return None
    n = failed_attempts
    if after_last == "portal_or_sms" and reach.uses_portal and reach.patient_id:
        lang = reach.language if reach.language in PORTAL_TEXTS else "fi"
        return FailedCallback(
            staff_note=f"{n} callback attempts failed; the patient was sent a secure message in the portal.",
            portal=PortalNotice(reach.patient_id, PORTAL_TEXTS[lang].format(attempts=n, number=unit_number)),
        )
    if reach.phone and reach.number_wrong:
        return FailedCallback(staff_note=f"{n} callback attempts failed; the number is wrong, so no SMS was sent to it.")
    if reach.phone:
        return FailedCallback(
            staff_note=f"{n} callback attempts failed; the patient was sent a notification.",
            sms=SmsNotice("callback_failed", reach.phone),
        )
    return FailedCallback(staff_note=f"{n} callback attempts failed; there is no number or portal to notify the patient.")
