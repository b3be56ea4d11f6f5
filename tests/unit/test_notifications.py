"""Outbound SMS: only the reviewed, content-free templates; when the patient is notified."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.notifications import (
    SMS_LANGUAGES,
    SMS_TEMPLATES,
    SmsTemplate,
    UnknownSmsTemplate,
    reply_notice,
    sms_template,
    sms_text,
)

PHONE = "+358401234567"


def test_every_template_has_a_text_in_finnish_swedish_and_english():
    assert set(SMS_TEMPLATES) == set(SmsTemplate.__args__)  # type: ignore[attr-defined]
    for name, texts in SMS_TEMPLATES.items():
        assert set(texts) == set(SMS_LANGUAGES) == {"fi", "sv", "en"}, name
        for lang in SMS_LANGUAGES:
            assert sms_text(name, lang).strip()
            assert "{" not in sms_text(name, lang)  # nothing gets filled in: the text is all there is


def test_the_languages_differ():
    for name in SMS_TEMPLATES:
        assert len({sms_text(name, lang) for lang in SMS_LANGUAGES}) == 3


def test_unknown_templates_and_languages_raise():
    with pytest.raises(UnknownSmsTemplate, match="no SMS template 'Your test result is positive'"):
        sms_text("Your test result is positive", "fi")
    with pytest.raises(UnknownSmsTemplate):
        sms_template("")
    with pytest.raises(UnknownSmsTemplate, match="no 'ru' text"):
        sms_text("new_message", "ru")
    assert sms_template("callback_failed") == "callback_failed"


@given(st.text().filter(lambda s: s not in SMS_TEMPLATES))
def test_no_free_text_passes_as_a_template(text):  # type: ignore[no-untyped-def]
    with pytest.raises(UnknownSmsTemplate):
        sms_template(text)


def test_a_reply_is_announced_by_sms_except_in_chat():
    for channel in ("phone", "sms", "secure_message"):
        notice = reply_notice(channel, PHONE)
        assert notice is not None and (notice.template, notice.recipient) == ("new_message", PHONE)
    assert reply_notice("chat", PHONE) is None
    assert reply_notice("phone", None) is None
