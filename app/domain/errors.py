"""Service failures a person can act on; the API maps each to its status code.

`detail` is the English sentence of the external contract (kept as it is); `extra` carries facts
a client needs besides it, and — for the failures a page explains to a person — a stable machine
`code` (e.g. `claimed_by` with `holder`, the colleague's name), from which the pages build their
own sentence in the reader's language. The codes are listed in docs/api-errors.md.
"""

from __future__ import annotations

from typing import Final

# Every `extra.code` the API answers with, and what it means (docs/api-errors.md has the table
# with each code's other `extra` fields; a test checks both lists and the pages' texts agree).
# Codes are only added; one never changes its meaning.
ERROR_CODES: Final[dict[str, str]] = {
    "claimed_by": "a colleague has claimed the case (extra.holder names them)",
    "already_claimed": "you have claimed the case already",
    "not_claimed": "nobody has claimed the case",
    "release_not_allowed": "only the claimer or a supervisor may release the case (extra.holder)",
    "already_resolved": "the case is resolved",
    "resolve_not_claimer": "only the claimer resolves the case (extra.holder)",
    "resolve_not_claimed": "claim the case before resolving it",
    "already_in_queue": "the case is in that queue already (extra.queue)",
    "not_overflow": "a patient is linked only to an overflow case (extra.queue)",
    "conversation_ended": "the conversation has ended",
    "unknown_queue": "no such queue (extra.queue)",
    "unknown_outcome": "no such outcome code (extra.outcome)",
    "unknown_pathway": "no such care pathway (extra.care_pathway)",
    "case_not_found": "no such case, or one you may not see",
    "patient_not_found": "no such patient",
    "invalid_body": "the request body does not fit (extra.errors names each field)",
    "invalid_parameter": "a query or path parameter does not fit (extra.errors names each)",
    "not_json": "the request body is not JSON",
    "not_utf8": "the request body is not UTF-8",
    "nul_character": "a NUL character in the body, path or query (no field may hold one)",
    "too_deep": "the request body's JSON nests deeper than the decoder allows",
    "unavailable": "the database is busy or not answering; nothing was stored",
    "unknown_professional": "no such professional (extra.professional)",
    "other_unit": "the professional or absence belongs to a unit you do not oversee",
    "self_substitute": "a professional cannot substitute for themselves",
    "absence_order": "the absence ends before it starts",
    "absence_not_found": "no such absence",
    "absence_over": "the absence is over already",
    "absence_changed": "the absence changed meanwhile",
    "bad_date": "a date or time that cannot be read (extra.field)",
    "survey_no_phone": "resolve with survey_sms on a case without a caller phone number",
    "survey_expired": "the survey link has expired (extra.expired_at)",
    "reply_unreadable": "a reply on an unidentified caller's case: they could not read it; link the patient first",
    "rate_limited": "too many requests from this source, unit or patient (extra.limit, extra.retry_after)",
    "chat_session_expired": "the chat closed more than an hour ago; its session token opens nothing",
    "follow_up_past": "a follow-up time that is not in the future",
    "follow_up_too_far": "a follow-up time more than a year ahead",
    "follow_up_no_offset": "a follow-up time without a UTC offset",
    "follow_up_note": "a follow-up whose note is blank",
    "follow_up_waiting": "the case already waits for a follow-up",
    "no_follow_up": "the case has no follow-up waiting",
    "follow_up_held": "only the holder of the follow-up or a supervisor may cancel it (extra.holder)",
    "case_waiting": "the case waits for a follow-up: cancel it to work on the case now",
    "report_date_range": "a report day outside the years the reports cover",
    "portal_disabled": "the patient portal is not configured on this hub (no retry will help)",
    "search_moved": "the patient search is POST /api/patients/search now (names stay out of URLs)",
    "not_coordinator": "only a coordinator takes a patient over",
    "taken_over": "another coordinator has taken the patient over (extra.holder)",
    "not_taken_over": "nobody has taken the patient over",
    "take_over_release": "only the coordinator who took the patient over or a supervisor may release",
    "take_over_past": "a take-over end that is not in the future",
    "take_over_too_far": "a take-over end further than the region allows",
    "concern_note": "a concern whose note is blank",
    "shared_clients_role": "only the unit's coordinators and supervisors see its shared clients",
    "unknown_patient": "no such patient (a no-show from the appointment system)",
    "unknown_unit": "no such unit (extra.unit)",
}


class ServiceError(Exception):
    status_code = 400

    def __init__(self, detail: str, **extra: object) -> None:
        super().__init__(detail)
        self.detail = detail
        self.extra = extra


class NotFound(ServiceError):
    status_code = 404


class Forbidden(ServiceError):
    status_code = 403


class Conflict(ServiceError):
    status_code = 409


class Invalid(ServiceError):
    status_code = 422


class Disabled(ServiceError):
    """A feature this hub is not configured for: 503 without Retry-After (waiting will not help)."""

    status_code = 503


class Gone(ServiceError):
    """It existed and is no longer there to act on (an expired survey link)."""

    status_code = 410
