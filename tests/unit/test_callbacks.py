"""The callback attempts policy (app.domain.callbacks) with a fake clock: gap, limit, portal or SMS."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import cases as rules
from app.domain.callbacks import PatientReach, after_failed_attempt, ensure_gap, next_attempt_at
from app.domain.errors import Conflict
from app.region_file import RegionFileError, load_region, parse_region
from app.settings import DEMO_REGION

TZ = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 11, 16, 8, 30, tzinfo=timezone.utc)  # Monday 10:30 in Kajaani
PHONE = "+358401234567"
NUMBER = "+35886150000"
GAP = timedelta(minutes=15)
RESULTS = ["reached", "no_answer", "busy", "wrong_number"]
PORTAL_USER = PatientReach(phone=PHONE, patient_id="p-0001", uses_portal=True, language="sv")
PHONE_ONLY = PatientReach(phone=PHONE, patient_id="p-0001", uses_portal=False)

REGION = load_region(DEMO_REGION)
AINO = REGION.professional_by_id["n-aino"]
CASE = rules.CaseState(
    status="claimed", queue="personal:n-aino", unit="kajaani", channel="phone", assignee="n-aino", first_handler="n-aino",
    created_at=NOW - timedelta(hours=1), due_at=NOW, caller_phone=PHONE, patient_id="p-0001", first_callback_at=NOW - timedelta(minutes=40),
)  # fmt: skip


def with_sla(**fields: object):  # type: ignore[no-untyped-def]
    return msgspec.structs.replace(REGION, sla=msgspec.structs.replace(REGION.sla, **fields))


# ------------------------------------------------------------------------------------------ gap


def test_an_unanswered_attempt_too_soon_is_refused_naming_the_time():
    last = NOW - timedelta(minutes=5)  # 10:25 local
    with pytest.raises(Conflict) as exc:
        ensure_gap("no_answer", last, NOW, GAP, TZ)
    assert exc.value.detail == (
        "the previous attempt went unanswered at 10:25; the next attempt may be made from 10:40 (at least 15 minutes between attempts)"
    )
    assert exc.value.extra == {"next_attempt_at": (last + GAP).isoformat()}


def test_the_gap_allows_at_its_end_and_never_holds_back_a_reached_call():
    ensure_gap("busy", NOW - GAP, NOW, GAP, TZ)  # exactly at the end: allowed
    ensure_gap("reached", NOW - timedelta(minutes=1), NOW, GAP, TZ)
    ensure_gap("no_answer", None, NOW, GAP, TZ)  # the first attempt
    ensure_gap("no_answer", NOW - timedelta(seconds=1), NOW, timedelta(0), TZ)  # no minimum
    assert next_attempt_at(None, GAP) is None and next_attempt_at(NOW, timedelta(0)) is None


def test_a_gap_into_another_day_names_the_date():
    last = datetime(2026, 11, 16, 21, 55, tzinfo=timezone.utc)  # 23:55 local
    with pytest.raises(Conflict, match=r"from 2026-11-17 00:10"):
        ensure_gap("no_answer", last, last + timedelta(minutes=1), GAP, TZ)


@given(st.sampled_from(RESULTS), st.integers(0, 120), st.integers(0, 120))
def test_refused_exactly_when_failed_and_inside_the_gap(result, minutes_since, gap_minutes):  # type: ignore[no-untyped-def]
    refused = False
    try:
        ensure_gap(result, NOW - timedelta(minutes=minutes_since), NOW, timedelta(minutes=gap_minutes), TZ)
    except Conflict:
        refused = True
    assert refused == (result != "reached" and minutes_since < gap_minutes)


# ------------------------------------------------------------------------------ after the last


def test_the_last_attempt_goes_to_the_portal_for_a_portal_user():
    notice = after_failed_attempt("no_answer", 3, 3, "portal_or_sms", PORTAL_USER, NUMBER)
    assert notice is not None and notice.via == "portal" and notice.sms is None
    assert notice.portal is not None and notice.portal.patient_id == "p-0001"
    assert notice.portal.text.startswith("Vi försökte ringa dig 3 gånger") and NUMBER in notice.portal.text
    assert notice.staff_note == "3 callback attempts failed; the patient was sent a secure message in the portal."


def test_else_a_content_free_sms():
    notice = after_failed_attempt("busy", 3, 3, "portal_or_sms", PHONE_ONLY, NUMBER)
    assert notice is not None and notice.via == "sms" and notice.portal is None
    assert notice.sms is not None and (notice.sms.template, notice.sms.recipient) == ("callback_failed", PHONE)
    assert notice.staff_note == "3 callback attempts failed; the patient was sent a notification."


def test_a_region_that_always_texts_texts_portal_users_too():
    notice = after_failed_attempt("no_answer", 1, 1, "sms", PORTAL_USER, NUMBER)
    assert notice is not None and notice.via == "sms"


def test_an_anonymous_caller_is_texted_and_nobody_to_tell_is_said_so():
    anonymous = PatientReach(phone=PHONE, uses_portal=True)  # no patient: no portal to write into
    assert after_failed_attempt("no_answer", 3, 3, "portal_or_sms", anonymous, NUMBER).via == "sms"  # type: ignore[union-attr]
    nobody = after_failed_attempt("no_answer", 3, 3, "portal_or_sms", PatientReach(), NUMBER)
    assert nobody is not None and nobody.via == "none" and "no number or portal" in nobody.staff_note


def test_no_sms_goes_to_a_number_found_wrong_but_the_portal_still_may():
    wrong = msgspec.structs.replace(PHONE_ONLY, number_wrong=True)
    notice = after_failed_attempt("wrong_number", 3, 3, "portal_or_sms", wrong, NUMBER)
    assert notice is not None and notice.via == "none" and "the number is wrong" in notice.staff_note
    portal = msgspec.structs.replace(PORTAL_USER, number_wrong=True)
    assert after_failed_attempt("wrong_number", 3, 3, "portal_or_sms", portal, NUMBER).via == "portal"  # type: ignore[union-attr]


def test_not_before_the_limit_not_after_it_and_not_when_reached():
    for failed in (2, 4):
        assert after_failed_attempt("no_answer", failed, 3, "portal_or_sms", PHONE_ONLY, NUMBER) is None
    assert after_failed_attempt("reached", 3, 3, "portal_or_sms", PHONE_ONLY, NUMBER) is None


def test_an_unknown_language_gets_finnish():
    odd = msgspec.structs.replace(PORTAL_USER, language="ru")
    notice = after_failed_attempt("no_answer", 3, 3, "portal_or_sms", odd, NUMBER)
    assert notice is not None and notice.portal is not None and notice.portal.text.startswith("Yritimme")


@given(st.sampled_from(RESULTS), st.integers(0, 25), st.integers(1, 20), st.booleans(), st.sampled_from(["portal_or_sms", "sms"]))
def test_told_exactly_once_at_the_limit(result, failed, limit, portal, after_last):  # type: ignore[no-untyped-def]
    reach = PatientReach(phone=PHONE, patient_id="p-1", uses_portal=portal, number_wrong=result == "wrong_number")
    notice = after_failed_attempt(result, failed, limit, after_last, reach, NUMBER)
    assert (notice is not None) == (result != "reached" and failed == limit)
    if notice is not None:
        texted = "none" if result == "wrong_number" else "sms"
        assert notice.via == ("portal" if portal and after_last == "portal_or_sms" else texted)


# --------------------------------------------------------------------------- the rule on a case


def test_the_case_rule_refuses_too_soon_and_tells_the_patient_at_the_limit():
    region = with_sla(callback_max_attempts=2, callback_min_gap_minutes=15)
    one_failed = msgspec.structs.replace(CASE, failed_attempts=1)
    with pytest.raises(Conflict, match="next attempt may be made from 10:35"):
        rules.record_callback_attempt(one_failed, AINO, region, "no_answer", NOW, last_failed_at=NOW - timedelta(minutes=10))
    attempt = rules.record_callback_attempt(
        one_failed, AINO, region, "no_answer", NOW, last_failed_at=NOW - timedelta(minutes=20), reach=PORTAL_USER
    )
    assert attempt.change.changed() == {"failed_attempts": 2} and attempt.notify is not None and attempt.notify.via == "portal"
    # without `reach` the case's caller number is what there is
    plain = rules.record_callback_attempt(one_failed, AINO, region, "busy", NOW, last_failed_at=NOW - timedelta(minutes=20))
    assert plain.notify is not None and plain.notify.via == "sms"


def test_one_attempt_then_sms():
    region = with_sla(callback_max_attempts=1, callback_after_last="sms")
    attempt = rules.record_callback_attempt(CASE, AINO, region, "no_answer", NOW, reach=PORTAL_USER)
    assert attempt.notify is not None and attempt.notify.via == "sms"


def test_someone_elses_case_is_a_conflict_before_the_gap():
    region = with_sla(callback_min_gap_minutes=15)
    eero = REGION.professional_by_id["n-eero"]
    with pytest.raises(Conflict, match="claimed by Aino Nurminen"):
        rules.record_callback_attempt(CASE, eero, region, "no_answer", NOW, last_failed_at=NOW)


# ----------------------------------------------------------------------------- the region file

BASE = DEMO_REGION.read_text(encoding="utf-8")


def test_the_new_fields_have_defaults_and_broken_values_name_the_field():
    old_style = BASE.replace("callback_min_gap_minutes", "# callback_min_gap_minutes").replace(
        "callback_after_last", "# callback_after_last"
    )
    sla = parse_region(old_style).sla
    assert (sla.callback_min_gap_minutes, sla.callback_after_last) == (0, "portal_or_sms")
    with pytest.raises(RegionFileError, match=r"line \d+.*sla.callback_after_last"):
        parse_region(BASE.replace('callback_after_last = "portal_or_sms"', 'callback_after_last = "pigeon"'))
    with pytest.raises(RegionFileError, match=r"sla.callback_min_gap_minutes"):
        parse_region(BASE.replace("callback_min_gap_minutes = 15", "callback_min_gap_minutes = -1"))
