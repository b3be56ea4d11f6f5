"""Survey rules (SPEC §9): the link's lifetime, its language, the survey SMS."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from app.domain.errors import Invalid
from app.domain.notifications import SMS_LANGUAGES, sms_text
from app.domain.survey import (
    SURVEY_VALID_FOR,
    language_from_accept,
    survey_expired,
    survey_language,
    survey_message,
    survey_path,
    survey_sms,
)

RESOLVED = datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)


def test_a_link_answers_for_fourteen_days_and_not_a_microsecond_more() -> None:
    assert SURVEY_VALID_FOR == timedelta(days=14)
    assert not survey_expired(RESOLVED, RESOLVED)
    assert not survey_expired(RESOLVED, RESOLVED + timedelta(days=14) - timedelta(microseconds=1))
    assert survey_expired(RESOLVED, RESOLVED + timedelta(days=14))
    assert survey_expired(RESOLVED, RESOLVED + timedelta(days=30))
    assert not survey_expired(None, RESOLVED + timedelta(days=30))  # not resolved: not open, not expired


def test_the_language_is_the_patients_or_finnish() -> None:
    assert [survey_language(x) for x in ("sv", "EN", "fi", None, "de", "")] == ["sv", "en", "fi", "fi", "fi", "fi"]
    assert survey_path("c1.abc", "sv") == "/survey/c1.abc?lang=sv"
    assert survey_path("c1.abc", "ru") == "/survey/c1.abc?lang=fi"


@pytest.mark.parametrize(
    ("header", "lang"),
    [
        ("sv-FI,sv;q=0.9,en;q=0.8", "sv"),
        ("de-DE,en;q=0.5,fi;q=0.7", "fi"),
        ("en-GB", "en"),
        ("fi;q=0, sv;q=0.2", "sv"),
        ("de", "fi"),
        ("", "fi"),
        (None, "fi"),
        ("en;q=abc, sv", "sv"),
    ],
)
def test_accept_language_picks_the_preferred_known_language(header: str | None, lang: str) -> None:
    assert language_from_accept(header) == lang


def test_the_thread_message_carries_the_link_in_the_patients_language() -> None:
    assert "/survey/c1.abc?lang=sv" in survey_message("c1.abc", "sv") and "enkät" in survey_message("c1.abc", "sv")
    assert "/survey/c1.abc?lang=fi" in survey_message("c1.abc", None) and "kysely" in survey_message("c1.abc", None)


def test_the_survey_sms_needs_a_number_and_is_a_template() -> None:
    assert survey_sms("+358401234567", False) is None
    assert survey_sms(None, False) is None
    notice = survey_sms("+358401234567", True)
    assert notice is not None and (notice.template, notice.recipient) == ("survey", "+358401234567")
    with pytest.raises(Invalid) as refused:
        survey_sms(None, True)
    assert refused.value.extra["code"] == "survey_no_phone" and "phone" in refused.value.detail
    for lang in SMS_LANGUAGES:
        assert "{url}" in sms_text("survey", lang)  # the sender puts the link there; nothing else
