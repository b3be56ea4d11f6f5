"""Intake's decision, pure: a contact and what the store read → the answer, rows and events."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import Invalid
from app.domain.intake import InboundContact, IntakeContext, IntakeResult, plan, received_time, triage
from app.domain.routing import PatientFacts, Staffing
from app.domain.summary import CaseSummary, PatientRef
from app.region_file import load_region
from app.settings import DEMO_REGION

REGION = load_region(DEMO_REGION)
TZ = ZoneInfo(REGION.region.timezone)
NOW = datetime(2026, 11, 25, 8, 30, tzinfo=timezone.utc)  # a Wednesday, 10:30 in Kajaani
MATTI = PatientFacts(id="p-0001", named_nurse="n-aino")


def call(text: str | None = None, line: int = 1, channel: str = "phone", **kw: object) -> InboundContact:
    return InboundContact(
        channel=channel, external_id="c-1", unit="kajaani", line=line, caller="+358401234567",
        dialed="+35886150000", text=text, received_at=NOW, **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def decide(contact: InboundContact, ctx: IntakeContext, staffing: Staffing | None = None):  # type: ignore[no-untyped-def]
    return plan(contact, ctx, staffing or Staffing(), REGION, TZ, NOW)


def open_matter(queue: str = "personal:n-aino", contacts: int = 1) -> CaseSummary:
    return CaseSummary(
        id="case-open", status="claimed", queue=queue, assignee="n-aino", urgency="unassessed",
        due_at=NOW + timedelta(hours=3), at_risk=False, channel="phone", line=1, unit="kajaani",
        patient=PatientRef("p-0001", "Matti"), routing_reason="named_nurse",
        created_at=NOW - timedelta(hours=1), updated_at=NOW - timedelta(hours=1), contacts=contacts,
    )  # fmt: skip


def test_a_known_caller_gets_a_new_case_in_their_nurses_queue() -> None:
    p = decide(call(), IntakeContext(MATTI, "Matti Meikäläinen", nurse_load=3))
    assert p.case is not None and p.merge is None
    assert p.result.queue == p.case.queue == "personal:n-aino" and p.result.routing_reason == "named_nurse"
    assert p.new_for_nurse == "n-aino"
    assert p.case.due_at == p.result.due_at > NOW and p.case.at_risk_at < p.case.due_at
    assert p.contact.case_id == p.case.id == p.result.case_id and p.contact.patient_id == "p-0001"
    assert [e["type"] for e in p.events] == ["case.created"]
    assert p.events[0]["case"].patient == PatientRef("p-0001", "Matti Meikäläinen")
    assert msgspec.json.decode(p.contact.response, type=IntakeResult) == p.result, "a retry gets this answer back"


def test_a_full_personal_queue_spills_to_the_team_and_adds_no_load() -> None:
    p = decide(call(), IntakeContext(MATTI, "Matti"), Staffing(open_cases={"n-aino": 25}))
    assert p.result.routing_reason == "capacity_spill" and p.result.queue.startswith("team:")
    assert p.new_for_nurse is None


def test_a_second_contact_joins_the_open_matter_and_keeps_its_promise() -> None:
    matter = open_matter(contacts=2)
    facts = msgspec.structs.replace(MATTI, open_case_id=matter.id, open_case_queue=matter.queue)
    p = decide(call(), IntakeContext(facts, "Matti", open_case=matter, open_version=7))
    assert p.case is None and p.merge is not None and (p.merge.id, p.merge.version) == ("case-open", 7)
    assert p.result.merged and p.result.case_id == "case-open" and p.result.due_at == matter.due_at
    assert p.result.routing_reason == "merged_open_case" and p.new_for_nurse is None
    (event,) = p.events
    assert event["type"] == "case.updated" and event["contact"] == "merged"
    assert event["case"].contacts == 3 and event["case"].assignee == "n-aino" and event["case"].updated_at == NOW
    assert p.contact.merged and p.contact.case_id == "case-open"


def test_a_red_flag_goes_to_the_urgent_queue_even_for_a_known_patient() -> None:
    p = decide(call("Isällä on kova rintakipu ja hän hikoilee"), IntakeContext(MATTI, "Matti"))
    assert p.result.urgency == "emergency" and p.result.queue == "urgent:kajaani" and p.result.red_flags
    assert p.case is not None and p.case.urgency_source == "rules" and p.case.due_at <= NOW + timedelta(minutes=15)


def test_line_2_is_urgent_when_the_words_say_nothing() -> None:
    tri = triage(call(line=2))
    assert (tri.urgency, tri.source, tri.emergency) == ("urgent", "line", False)


def test_text_channels_open_their_conversation_with_the_patients_words() -> None:
    p = decide(call("Voisinko saada reseptin uusittua?", channel="sms"), IntakeContext(MATTI, "Matti"))
    assert p.message is not None and p.message.text == "Voisinko saada reseptin uusittua?" and p.message.sender == "patient"
    assert [e["type"] for e in p.events] == ["case.created", "message.created"]
    assert p.events[1]["message"]["id"] == p.message.id


def test_a_voicemail_is_not_a_conversation() -> None:
    assert decide(call("Soittakaa takaisin"), IntakeContext()).message is None


@given(st.integers(min_value=-3600, max_value=600))
def test_a_contact_is_never_received_in_the_future(offset: int) -> None:
    contact = msgspec.structs.replace(call(), received_at=NOW + timedelta(seconds=offset))
    p = decide(contact, IntakeContext())
    assert p.contact.received_at <= NOW and p.case is not None and p.case.created_at <= NOW
    assert p.result.queue == "overflow:kajaani" and p.result.routing_reason == "unidentified"


def test_a_platform_clock_may_run_a_little_ahead_but_not_more() -> None:
    assert received_time(None, NOW) == NOW
    assert received_time(NOW + timedelta(minutes=5), NOW) == NOW + timedelta(minutes=5)
    with pytest.raises(Invalid, match="more than 5 minutes in the future"):
        received_time(NOW + timedelta(minutes=5, seconds=1), NOW)


def test_a_received_time_is_kept_in_utc_whatever_offset_the_platform_chose() -> None:
    from datetime import timezone

    odd = datetime(678, 6, 17, 19, 18, 5, tzinfo=timezone(timedelta(hours=22, minutes=59)))  # PostgreSQL refuses +22:59
    got = received_time(odd, NOW)
    assert got == odd and got.utcoffset() == timedelta(0)


def test_a_merged_contact_joins_its_findings_and_red_flags_to_the_open_matter() -> None:
    from app.domain import findings as found
    from app.domain.urgency import Finding

    matter = open_matter()
    facts = msgspec.structs.replace(MATTI, open_case_id=matter.id, open_case_queue=matter.queue)
    denied = Finding("chest_pain", "emergency", "negated", ("ei rintakipua",), "")
    ctx = IntakeContext(facts, "Matti", open_case=matter, open_version=7, open_findings=(denied,), open_red_flags=("x_old",))
    p = decide(call("kuumetta 40 astetta, rintakipua ei ole"), ctx)
    assert p.merge is not None and p.result.merged
    assert [(f.flag, f.status, f.matched) for f in found.decode(p.merge.urgency_findings)] == [
        ("high_fever", "counted", ("kuumetta 40",)),
        ("chest_pain", "negated", ("ei rintakipua", "rintakipua ei ole")),
    ]
    assert p.merge.red_flags == "high_fever,x_old"
    # nothing new found: nothing to write
    again = decide(call("rintakipua ei ole"), msgspec.structs.replace(ctx, open_findings=found.decode(p.merge.urgency_findings)))
    assert again.merge is not None and (again.merge.urgency_findings, again.merge.red_flags) == (None, None)
