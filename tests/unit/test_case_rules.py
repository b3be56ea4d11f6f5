"""Case-work rules (app.domain.cases) without a database: who may do what, and what changes."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec
import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain import cases as rules
from app.domain.access import INBOX_FILTERS, lists_my_claimed_cases, may_override, oversees_unit
from app.domain.errors import Conflict, Invalid
from app.domain.outcomes import first_contact_resolution
from app.domain.routing import Decision, is_same_matter_candidate
from app.domain.urgency import Assessment
from app.region_file import load_region
from app.settings import DEMO_REGION

REGION = load_region(DEMO_REGION)
TZ = ZoneInfo(REGION.region.timezone)
AINO, EERO = REGION.professional_by_id["n-aino"], REGION.professional_by_id["n-eero"]
PAULA, ADMIN = REGION.professional_by_id["s-paula"], REGION.professional_by_id["x-admin"]
SARI, MIKKO = REGION.professional_by_id["a-sari"], REGION.professional_by_id["d-mikko"]
NOW = datetime(2026, 11, 16, 8, 30, tzinfo=timezone.utc)  # a Monday, 10:30 in Kajaani

NEW = rules.CaseState(status="new", queue="personal:n-aino", unit="kajaani", channel="phone", created_at=NOW, due_at=NOW + timedelta(hours=1))
AINOS = msgspec.structs.replace(NEW, status="claimed", assignee="n-aino", first_handler="n-aino")
RESOLVED = msgspec.structs.replace(AINOS, status="resolved")


def conflict(call) -> Conflict:  # type: ignore[no-untyped-def]
    with pytest.raises(Conflict) as exc:
        call()
    return exc.value


# ------------------------------------------------------------------------------------- claiming


def test_claiming_an_unclaimed_case_remembers_the_first_handler():
    change = rules.claim(NEW, AINO, REGION, NOW)
    assert change.changed() == {"status": "claimed", "assignee": "n-aino", "claimed_at": NOW, "first_handler": "n-aino"}
    released_before = msgspec.structs.replace(NEW, first_handler="n-eero")
    assert "first_handler" not in rules.claim(released_before, AINO, REGION, NOW).changed()


def test_claim_conflicts_name_who_has_it():
    mine = conflict(lambda: rules.claim(AINOS, AINO, REGION, NOW))
    assert mine.detail == "you have already claimed this case" and mine.extra == {"code": "already_claimed", "assignee": "n-aino"}
    theirs = conflict(lambda: rules.claim(AINOS, EERO, REGION, NOW))
    assert theirs.detail == "claimed by Aino Nurminen"
    assert theirs.extra == {"code": "claimed_by", "assignee": "n-aino", "holder": "Aino Nurminen"}
    assert conflict(lambda: rules.claim(RESOLVED, EERO, REGION, NOW)).detail == "case is already resolved"
    gone = msgspec.structs.replace(AINOS, assignee="n-gone")
    assert conflict(lambda: rules.claim(gone, EERO, REGION, NOW)).detail == "claimed by n-gone"


def test_release_by_the_claimer_or_a_supervisor():
    assert rules.release(AINOS, AINO, REGION).changed() == {"status": "new", "assignee": None, "claimed_at": None}
    assert rules.release(AINOS, PAULA, REGION).changed()["status"] == "new"
    assert rules.release(AINOS, ADMIN, REGION).changed()["status"] == "new"
    other = conflict(lambda: rules.release(AINOS, EERO, REGION))
    assert other.detail == "claimed by Aino Nurminen; only they or a supervisor may release it"
    assert conflict(lambda: rules.release(NEW, AINO, REGION)).detail == "case is not claimed"
    assert conflict(lambda: rules.release(RESOLVED, AINO, REGION)).detail == "case is not claimed"


def test_taking_up_claims_an_unclaimed_case_and_keeps_ones_own():
    assert rules.take_up(NEW, AINO, REGION, NOW).changed()["assignee"] == "n-aino"
    assert rules.take_up(AINOS, AINO, REGION, NOW) == rules.NO_CHANGE
    assert conflict(lambda: rules.take_up(AINOS, PAULA, REGION, NOW)).detail == "claimed by Aino Nurminen"
    assert conflict(lambda: rules.take_up(RESOLVED, AINO, REGION, NOW)).detail == "case is already resolved"


def test_the_role_checks():
    assert [may_override(p) for p in (AINO, SARI, MIKKO, PAULA, ADMIN)] == [False, False, False, True, True]
    assert oversees_unit(PAULA, "kajaani") and not oversees_unit(PAULA, "sotkamo")
    assert oversees_unit(ADMIN, "sotkamo") and not oversees_unit(AINO, "kajaani")


# ------------------------------------------------------------------------------------ callbacks


def test_callback_attempts_count_failures_and_notify_once():
    phone_case = msgspec.structs.replace(NEW, caller_phone="+358401234567")
    first = rules.record_callback_attempt(phone_case, AINO, REGION, "no_answer", NOW)
    assert first.first and first.notify is None
    assert first.change.changed() == {
        "status": "claimed", "assignee": "n-aino", "claimed_at": NOW, "first_handler": "n-aino",
        "first_callback_at": NOW, "failed_attempts": 1,
    }
    third = msgspec.structs.replace(phone_case, status="claimed", assignee="n-aino", failed_attempts=2, first_callback_at=NOW)
    attempt = rules.record_callback_attempt(third, AINO, REGION, "busy", NOW)
    assert not attempt.first and attempt.change.changed() == {"failed_attempts": 3}
    assert attempt.notify is not None and attempt.notify.sms.template == "callback_failed"
    assert attempt.notify.sms.recipient == "+358401234567"
    fourth = msgspec.structs.replace(third, failed_attempts=3)
    assert rules.record_callback_attempt(fourth, AINO, REGION, "no_answer", NOW).notify is None
    reached = rules.record_callback_attempt(third, AINO, REGION, "reached", NOW)
    assert reached.notify is None and reached.change.changed() == {"failed_attempts": 2}


def test_someone_elses_case_cannot_be_called_back():
    assert conflict(lambda: rules.record_callback_attempt(AINOS, EERO, REGION, "reached", NOW)).detail == "claimed by Aino Nurminen"


# ------------------------------------------------------------------------------------- messages


def test_replies_and_patient_lines_only_on_open_cases():
    rules.ensure_may_reply(msgspec.structs.replace(NEW, patient_id="p-0001"))
    rules.ensure_may_reply(msgspec.structs.replace(NEW, channel="chat"))  # an anonymous visitor reads it live
    rules.ensure_patient_may_write(AINOS)
    assert conflict(lambda: rules.ensure_may_reply(RESOLVED)).detail == "case is already resolved"
    for channel in ("phone", "sms", "secure_message"):  # an unidentified caller could not read it
        refused = conflict(lambda: rules.ensure_may_reply(msgspec.structs.replace(NEW, channel=channel)))
        assert refused.extra["code"] == "reply_unreadable"
    assert conflict(lambda: rules.ensure_patient_may_write(RESOLVED)).detail == "this conversation has ended"


RED = Assessment(level="emergency", flags=("chest_pain",), explanation="rintakipu")


def test_a_red_flag_moves_an_unclaimed_matter_to_the_urgent_queue():
    case = msgspec.structs.replace(NEW, queue="chat:kajaani", channel="chat", red_flags=("breathing",))
    escalation = rules.escalate_on_red_flag(case, RED, REGION, NOW, TZ)
    assert escalation is not None
    change = escalation.change
    assert (change.queue, change.routing_reason) == ("urgent:kajaani", "emergency")
    assert (change.urgency, change.urgency_rank, change.urgency_source) == ("emergency", 0, "rules")
    assert change.red_flags == ("breathing", "chest_pain")
    assert change.due_at <= NOW + timedelta(minutes=REGION.sla.emergency_minutes)  # type: ignore[operator]
    assert escalation.urgency == {"from": "unassessed", "to": "emergency", "reason": "rintakipu", "flags": ["chest_pain"]}


def test_a_red_flag_leaves_a_claimed_matter_with_its_nurse():
    escalation = rules.escalate_on_red_flag(AINOS, RED, REGION, NOW, TZ)
    assert escalation is not None and escalation.change.urgency == "emergency"
    assert "queue" not in escalation.change.changed() and "routing_reason" not in escalation.change.changed()


def test_no_escalation_without_a_red_flag_or_twice():
    calm = Assessment(level="soon", flags=(), explanation="")
    assert rules.escalate_on_red_flag(NEW, calm, REGION, NOW, TZ) is None
    already = msgspec.structs.replace(NEW, urgency="emergency")
    assert rules.escalate_on_red_flag(already, RED, REGION, NOW, TZ) is None


# -------------------------------------------------------------------------------------- urgency


def test_a_professional_changes_urgency_with_a_fresh_clock():
    change = rules.change_urgency(AINOS, "urgent", REGION, NOW, TZ)
    assert (change.urgency, change.urgency_rank, change.urgency_source, change.at_risk) == ("urgent", 1, "professional", False)
    assert rules.urgency_note("unassessed", "urgent", "kuume 40") == "Urgency unassessed → urgent: kuume 40"
    assert conflict(lambda: rules.change_urgency(RESOLVED, "urgent", REGION, NOW, TZ)).detail == "case is already resolved"


# ------------------------------------------------------------------------------------- handover


def test_handover_unclaims_and_counts():
    change = rules.hand_over(AINOS, AINO, REGION, "coordinator:kajaani", "kajaani")
    assert change.changed() == {
        "queue": "coordinator:kajaani", "unit": "kajaani", "status": "new", "assignee": None, "claimed_at": None, "handovers": 1,
    }
    assert rules.hand_over(AINOS, PAULA, REGION, "team:kajaani-a", "kajaani").handovers == 1
    # A claimed case handed to its own queue is released there.
    assert rules.hand_over(AINOS, AINO, REGION, "personal:n-aino", "kajaani").status == "new"


def test_handover_conflicts():
    assert conflict(lambda: rules.hand_over(AINOS, EERO, REGION, "team:kajaani-a", "kajaani")).detail == "claimed by Aino Nurminen"
    assert conflict(lambda: rules.hand_over(NEW, AINO, REGION, "personal:n-aino", "kajaani")).detail == "case is already in personal:n-aino"
    assert conflict(lambda: rules.hand_over(RESOLVED, AINO, REGION, "team:kajaani-a", "kajaani")).detail == "case is already resolved"
    with pytest.raises(Invalid, match="no queue 'team:nowhere'"):
        rules.handover_target_unit(REGION, "team:nowhere")
    assert rules.handover_target_unit(REGION, "personal:n-veera") == "sotkamo"
    assert rules.handover_note("team:a", "team:b", None) == "Handed over team:a → team:b"
    assert rules.handover_note("team:a", "team:b", "Monta") == "Handed over team:a → team:b: Monta"


# -------------------------------------------------------------------------------------- resolve


def test_only_the_claimer_resolves():
    change = rules.resolve(AINOS, AINO, REGION, "ADVICE", "Soitan torstaina", True, "asthma", NOW)
    assert change.changed() == {
        "status": "resolved", "outcome": "ADVICE", "follow_up": "Soitan torstaina", "patient_informed": True,
        "care_pathway": "asthma", "resolved_by": "n-aino", "resolved_at": NOW,
    }
    by_other = conflict(lambda: rules.resolve(AINOS, PAULA, REGION, "ADVICE", None, None, None, NOW))
    assert by_other.detail == "only the professional who claimed the case may resolve it (it is claimed by Aino Nurminen)"
    unclaimed = conflict(lambda: rules.resolve(NEW, AINO, REGION, "ADVICE", None, None, None, NOW))
    assert unclaimed.detail == "only the professional who claimed the case may resolve it (it is not claimed)"
    assert conflict(lambda: rules.resolve(RESOLVED, AINO, REGION, "ADVICE", None, None, None, NOW)).detail == "case is already resolved"


def test_outcome_codes_and_pathways_come_from_the_region():
    assert rules.outcome_code(REGION, "ADVICE", None).kind == "value"
    with pytest.raises(Invalid, match="unknown outcome code 'NOPE'; known: ADVICE, "):
        rules.outcome_code(REGION, "NOPE", None)
    with pytest.raises(Invalid, match="unknown care pathway 'gout'"):
        rules.outcome_code(REGION, "ADVICE", "gout")


def test_first_contact_resolution():
    assert first_contact_resolution(handovers=0, contacts=1, first_handler=None, resolved_by="n-aino")
    assert first_contact_resolution(handovers=0, contacts=1, first_handler="n-aino", resolved_by="n-aino")
    assert not first_contact_resolution(handovers=1, contacts=1, first_handler="n-aino", resolved_by="n-aino")
    assert not first_contact_resolution(handovers=0, contacts=2, first_handler="n-aino", resolved_by="n-aino")
    assert not first_contact_resolution(handovers=0, contacts=1, first_handler="n-eero", resolved_by="n-aino")


@given(st.integers(0, 5), st.integers(1, 5), st.sampled_from([None, "n-aino", "n-eero"]))
def test_fcr_needs_all_three_conditions(handovers, contacts, first):  # type: ignore[no-untyped-def]
    fcr = first_contact_resolution(handovers, contacts, first, "n-aino")
    assert fcr == (handovers == 0 and contacts == 1 and first != "n-eero")


# --------------------------------------------------------------------------------- link patient


def test_only_overflow_cases_get_a_patient_linked(region):  # type: ignore[no-untyped-def]
    overflow = msgspec.structs.replace(NEW, queue="overflow:kajaani")
    aino = region.professional_by_id["n-aino"]
    rules.ensure_linkable(overflow, aino, region)
    assert conflict(lambda: rules.ensure_linkable(NEW, aino, region)).detail == "case is not in an overflow queue (it is in personal:n-aino)"
    closed = msgspec.structs.replace(overflow, status="resolved")
    assert conflict(lambda: rules.ensure_linkable(closed, aino, region)).detail == "case is already resolved"


def test_a_claimed_case_is_linked_only_by_its_holder_or_a_supervisor(region):  # type: ignore[no-untyped-def]
    held = msgspec.structs.replace(NEW, queue="overflow:kajaani", status="claimed", assignee="n-eero")
    eero, aino = region.professional_by_id["n-eero"], region.professional_by_id["n-aino"]
    supervisor = next(p for p in region.professionals if p.role == "supervisor" and p.unit == "kajaani")
    rules.ensure_linkable(held, eero, region)
    rules.ensure_linkable(held, supervisor, region)
    refused = conflict(lambda: rules.ensure_linkable(held, aino, region))
    assert refused.detail.startswith("claimed by") and refused.extra["code"] == "claimed_by"


def test_linking_merges_or_reroutes():
    closing = rules.merge_into_open_case(AINO, "p-0001", "case-open", NOW)
    assert closing.changed() == {"status": "resolved", "patient_id": "p-0001", "merged_into": "case-open", "resolved_at": NOW, "resolved_by": "n-aino"}
    assert rules.join_contacts(2, 1).contacts_count == 3
    overflow = msgspec.structs.replace(NEW, queue="overflow:kajaani", status="claimed", assignee="n-eero")
    change = rules.reroute_identified(overflow, REGION, "p-0003", Decision("personal:n-eero", "named_nurse"))
    assert change.changed() == {
        "patient_id": "p-0003", "queue": "personal:n-eero", "unit": "kajaani", "routing_reason": "named_nurse",
        "status": "new", "assignee": None, "claimed_at": None,
    }


# ---------------------------------------------------------------------------------- case change


def test_a_change_follows_another():
    a = rules.CaseChange(status="claimed", assignee="n-aino")
    b = rules.CaseChange(assignee=None, failed_attempts=1)
    assert a.then(b).changed() == {"status": "claimed", "assignee": None, "failed_attempts": 1}
    assert rules.NO_CHANGE.changed() == {}


# ------------------------------------------------------------------------- rule 6: same matter


def test_same_matter_candidates():
    assert is_same_matter_candidate("new", "personal:n-aino")
    assert is_same_matter_candidate("claimed", "overflow:kajaani")
    assert is_same_matter_candidate("waiting", "team:kajaani-a")
    assert not is_same_matter_candidate("resolved", "personal:n-aino")
    assert not is_same_matter_candidate("new", "assistants:kajaani")
    assert not is_same_matter_candidate("claimed", "chat:kajaani")


def test_my_claimed_cases_follow_me_on_mine_and_all():
    assert [f for f in INBOX_FILTERS if lists_my_claimed_cases(f)] == ["mine", "all"]
