"""The survey after a matter closes, on every channel (SPEC §9): how long a link answers, in
which language the patient reads it, and what the hub says when it hands the link over.

Pure rules: no web framework, no database. The link itself (`/survey/<token>?lang=<lang>`) names
no person — the token is a signed case id — so it may travel by SMS (SPEC §5) and in a URL.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Final, Literal

from app.domain.errors import Invalid
from app.domain.notifications import SmsNotice

SurveyLanguage = Literal["fi", "sv", "en"]
SURVEY_LANGUAGES: Final[tuple[SurveyLanguage, ...]] = ("fi", "sv", "en")

# A link answers for this long after the matter was resolved; later the page says it has expired
# and an answer is refused (410). Long enough for a patient who reads the portal weekly.
SURVEY_VALID_FOR: Final = timedelta(days=14)

# The system message a secure-message thread gets when its matter is resolved; {url} is the link.
SURVEY_MESSAGE: Final[dict[SurveyLanguage, str]] = {
    "fi": "Asiasi on käsitelty. Kerrothan, miten onnistuimme – kysely vie minuutin: {url}",
    "sv": "Ditt ärende är behandlat. Berätta gärna hur vi lyckades – enkäten tar en minut: {url}",
    "en": "Your matter has been handled. Please tell us how we did – the survey takes a minute: {url}",
}


def survey_language(lang: str | None) -> SurveyLanguage:
    """The patient's language as the survey speaks it; anything else (or unknown) is Finnish."""
    code = (lang or "").strip().lower()[:2]
    return code if code in SURVEY_LANGUAGES else "fi"  # type: ignore[return-value]  # checked


def language_from_accept(header: str | None) -> SurveyLanguage:
    """The first of fi/sv/en the browser prefers (Accept-Language, by q-value), else Finnish."""
    best: tuple[float, int, SurveyLanguage] | None = None
    for position, part in enumerate((header or "").split(",")):
        tag, _, params = part.strip().partition(";")
        code = tag.strip().lower()[:2]
        if code not in SURVEY_LANGUAGES:
            continue
        q = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                q = float(params[2:])
            except ValueError:
                continue
        if q <= 0:
            continue
        candidate = (-q, position, code)
        if best is None or candidate < best:
            best = candidate  # type: ignore[assignment]  # code is one of SURVEY_LANGUAGES
    return best[2] if best else "fi"


def survey_path(token: str, lang: str | None) -> str:
    """The link the hub hands out: relative to the hub's public address."""
    return f"/survey/{token}?lang={survey_language(lang)}"


def survey_expires_at(resolved_at: datetime) -> datetime:
    return resolved_at + SURVEY_VALID_FOR


def survey_expired(resolved_at: datetime | None, now: datetime) -> bool:
    """True once SURVEY_VALID_FOR has passed since the resolution (the boundary instant itself is
    expired). A matter not resolved (None) has not expired: it has not opened yet."""
    if resolved_at is None:
        return False
    return now >= survey_expires_at(resolved_at)


def survey_message(token: str, lang: str | None) -> str:
    """The thread's system message with the link, in the patient's language."""
    language = survey_language(lang)
    return SURVEY_MESSAGE[language].format(url=survey_path(token, language))


def survey_sms(caller_phone: str | None, wanted: bool) -> SmsNotice | None:
    """The content-free survey SMS a phone caller agreed to during the call (resolve with
    `survey_sms: true`), or None when not asked for. Asked for on a case without a number, it is
    refused rather than silently dropped: the nurse promised the patient a message."""
    if not wanted:
        return None
    if not caller_phone:
        raise Invalid("survey_sms needs a caller phone number, and this case has none", code="survey_no_phone")
    return SmsNotice("survey", caller_phone)
