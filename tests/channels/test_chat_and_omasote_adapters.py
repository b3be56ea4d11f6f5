"""The chat and Omasote adapters: what each hands to intake, without a server or a database."""

from __future__ import annotations

from datetime import datetime, timezone

import msgspec
import pytest

from app.domain.errors import Invalid
from channels import chat, omasote

NOW = datetime(2025, 3, 4, 9, 30, tzinfo=timezone.utc)


def test_a_chat_form_becomes_a_chat_contact_of_its_own():
    form = chat.StartForm(reason="  Kysyisin rokotuksista \n", answers={"chest_pain": False})
    first = chat.to_contact(form, unit="kajaani", lang="sv", received_at=NOW, display_name="  Maija ", patient_id="p-0001")
    again = chat.to_contact(form, unit="kajaani", lang="sv", received_at=NOW)
    assert (first.channel, first.unit, first.lang, first.received_at) == ("chat", "kajaani", "sv", NOW)
    assert first.text == "Kysyisin rokotuksista" and first.display_name == "Maija" and first.patient_id == "p-0001"
    assert first.external_id != again.external_id, "two chats are never one contact"
    assert again.display_name is None and again.patient_id is None and again.emergency_flags == ()


def test_an_empty_reason_and_a_blank_name_are_absent_not_empty():
    contact = chat.to_contact(chat.StartForm(reason="   "), unit="kajaani", lang="fi", received_at=NOW, display_name="   ")
    assert contact.text is None and contact.display_name is None


def test_a_yes_to_a_red_flag_question_is_an_emergency_before_intake():
    form = chat.StartForm(reason="Hei", answers={"chest_pain": True})
    flags = chat.emergency_flags(form, "fi")
    assert "chest_pain" in flags
    contact = chat.to_contact(form, unit="kajaani", lang="fi", received_at=NOW, flags=flags)
    assert contact.emergency_flags == flags
    assert chat.emergency_flags(chat.StartForm(reason="Kysyisin rokotuksista", answers={"chest_pain": False}), "fi") == ()


def test_the_start_form_rejects_an_oversized_reason():
    with pytest.raises(msgspec.ValidationError, match="reason"):
        msgspec.convert({"reason": "x" * 4001}, chat.StartForm)


def test_a_secure_message_goes_to_the_chosen_unit_or_home(region):  # type: ignore[no-untyped-def]
    kw = {"patient_id": "p-0001", "home_unit": "kajaani", "received_at": NOW}

    def message(unit: str | None) -> omasote.NewSecureMessage:
        return omasote.NewSecureMessage(subject="Reseptit", text="Voinko kysyä?", unit=unit)

    home = omasote.to_contact(region, message(None), key=None, **kw)
    assert (home.channel, home.unit, home.patient_id, home.subject, home.text) == (
        "secure_message", "kajaani", "p-0001", "Reseptit", "Voinko kysyä?"
    )
    assert omasote.to_contact(region, message("sotkamo"), key=None, **kw).unit == "sotkamo"
    with pytest.raises(Invalid, match="no unit 'nowhere'"):
        omasote.to_contact(region, message("nowhere"), key=None, **kw)


def test_a_retried_secure_message_is_the_same_contact_only_with_a_key(region):  # type: ignore[no-untyped-def]
    msg = omasote.NewSecureMessage(subject="s", text="t")
    kw = {"home_unit": "kajaani", "received_at": NOW}
    keyed = omasote.to_contact(region, msg, patient_id="p-0001", key="k-1", **kw)
    assert keyed.external_id == omasote.to_contact(region, msg, patient_id="p-0001", key="k-1", **kw).external_id == "p-0001:k-1"
    assert omasote.to_contact(region, msg, patient_id="p-0002", key="k-1", **kw).external_id != keyed.external_id  # keys are per patient
    unkeyed = [omasote.to_contact(region, msg, patient_id="p-0001", key=None, **kw).external_id for _ in range(2)]
    assert unkeyed[0] != unkeyed[1]


def test_an_idempotency_key_is_1_to_100_characters():
    assert omasote.idempotency_key(None) is None and omasote.idempotency_key("k" * 100) == "k" * 100
    for bad in ("", "k" * 101):
        with pytest.raises(Invalid, match="Idempotency-Key"):
            omasote.idempotency_key(bad)
