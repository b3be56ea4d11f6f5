"""SPEC §6 routing rules as a pure function: examples for each rule, properties over all inputs."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain.region import queue_unit
from app.domain.routing import REASONS, Contact, PatientFacts, Staffing, route
from app.region_file import load_region
from app.settings import DEMO_REGION

REGION = load_region(DEMO_REGION)
NOW = datetime(2026, 11, 16, 8, 30, tzinfo=timezone.utc)
PHONE = Contact(channel="phone", unit="kajaani", line=1)
MATTI = PatientFacts(id="p-0001", named_nurse="n-aino")


def decide(contact=PHONE, patient=MATTI, staffing=Staffing()):  # type: ignore[no-untyped-def]
    d = route(contact, patient, staffing, REGION, NOW)
    return d.queue, d.reason


def test_emergency_beats_everything():
    c = Contact(channel="phone", unit="kajaani", line=3, emergency=True)
    assert decide(c) == ("urgent:kajaani", "emergency")


def test_line3_and_line2():
    assert decide(Contact(channel="phone", unit="kajaani", line=3)) == ("assistants:kajaani", "line3_assistants")
    assert decide(Contact(channel="phone", unit="kajaani", line=2)) == ("urgent:kajaani", "line2_urgent")


def test_chat_goes_to_chat_duty_even_when_identified():
    assert decide(Contact(channel="chat", unit="kajaani")) == ("chat:kajaani", "live_chat")


def test_unidentified_goes_to_overflow():
    assert decide(patient=None) == ("overflow:kajaani", "unidentified")


def test_open_case_attaches():
    p = PatientFacts(id="p", named_nurse="n-aino", open_case_id="c1", open_case_queue="team:kajaani-a")
    d = route(PHONE, p, Staffing(), REGION, NOW)
    assert (d.queue, d.reason, d.merge_into) == ("team:kajaani-a", "merged_open_case", "c1")


def test_responsible_worker_while_active():
    p = PatientFacts(id="p", named_nurse="n-aino", responsible_worker="c-helena", responsible_until=NOW + timedelta(days=3))
    assert decide(patient=p) == ("personal:c-helena", "responsible_worker")
    expired = PatientFacts(id="p", named_nurse="n-aino", responsible_worker="c-helena", responsible_until=NOW - timedelta(days=1))
    assert decide(patient=expired) == ("personal:n-aino", "named_nurse")


def test_named_nurse_substitute_team_capacity():
    assert decide() == ("personal:n-aino", "named_nurse")
    assert decide(staffing=Staffing(absent={"n-aino": "n-eero"})) == ("personal:n-eero", "substitute")
    assert decide(staffing=Staffing(absent={"n-aino": None})) == ("team:kajaani-a", "team_absence")
    # A substitute who is away too does not get the matter.
    assert decide(staffing=Staffing(absent={"n-aino": "n-eero", "n-eero": None})) == ("team:kajaani-a", "team_absence")
    assert decide(staffing=Staffing(open_cases={"n-aino": 25})) == ("team:kajaani-a", "capacity_spill")
    assert decide(staffing=Staffing(open_cases={"n-aino": 24})) == ("personal:n-aino", "named_nurse")


def test_no_named_nurse_or_unknown_nurse_goes_to_default_team():
    assert decide(patient=PatientFacts(id="p")) == ("team:kajaani-a", "no_named_nurse")
    assert decide(patient=PatientFacts(id="p", named_nurse="n-retired")) == ("team:kajaani-a", "no_named_nurse")


professionals = st.sampled_from([p.id for p in REGION.professionals] + ["n-gone", None])


@st.composite
def situations(draw):  # type: ignore[no-untyped-def]
    unit = draw(st.sampled_from([u.id for u in REGION.units]))
    contact = Contact(
        channel=draw(st.sampled_from(["phone", "chat", "secure_message", "sms"])),
        unit=unit,
        line=draw(st.sampled_from([None, 1, 2, 3])),
        emergency=draw(st.booleans()),
    )
    patient = None
    if draw(st.booleans()):
        open_case = draw(st.booleans())
        patient = PatientFacts(
            id="p",
            named_nurse=draw(professionals),
            responsible_worker=draw(professionals),
            responsible_until=NOW + timedelta(hours=draw(st.integers(-100, 100))),
            open_case_id="c" if open_case else None,
            open_case_queue=f"team:{REGION.unit_by_id[unit].default_team}" if open_case else None,
        )
    ids = [p.id for p in REGION.professionals]
    absent = draw(st.dictionaries(st.sampled_from(ids), st.one_of(st.none(), st.sampled_from(ids)), max_size=4))
    loads = draw(st.dictionaries(st.sampled_from(ids), st.integers(0, 60), max_size=4))
    return contact, patient, Staffing(absent=absent, open_cases=loads)


@settings(max_examples=500, deadline=None)
@given(situations())
def test_every_decision_names_a_real_queue_and_a_known_reason(s):  # type: ignore[no-untyped-def]
    contact, patient, staffing = s
    d = route(contact, patient, staffing, REGION, NOW)
    assert d.reason in REASONS
    assert queue_unit(REGION, d.queue) is not None, d
    if contact.emergency:
        assert d.queue == f"urgent:{contact.unit}"
    if d.queue.startswith("personal:"):
        who = d.queue.split(":", 1)[1]
        assert who not in staffing.absent, "never route to someone who is away"
        if d.reason == "named_nurse":
            nurse = REGION.professional_by_id[who]
            assert staffing.open_cases.get(who, 0) < nurse.capacity
    if patient is None and not contact.emergency and contact.line not in (2, 3) and contact.channel != "chat":
        assert d.reason == "unidentified"


@settings(max_examples=200, deadline=None)
@given(situations())
def test_routing_is_deterministic(s):  # type: ignore[no-untyped-def]
    contact, patient, staffing = s
    assert route(contact, patient, staffing, REGION, NOW) == route(contact, patient, staffing, REGION, NOW)
