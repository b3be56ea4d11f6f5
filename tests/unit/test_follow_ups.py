"""Follow-up rules (app.domain.follow_ups) on a fake clock: who sets one, where and when it returns."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import msgspec
import pytest

from app.domain import follow_ups as rules
from app.domain.cases import CaseState, claim, hand_over, record_callback_attempt
from app.domain.errors import Conflict, Invalid
from app.region_file import load_region
from app.settings import DEMO_REGION

REGION = load_region(DEMO_REGION)
TZ = ZoneInfo(REGION.region.timezone)
AINO, EERO = REGION.professional_by_id["n-aino"], REGION.professional_by_id["n-eero"]
PAULA = REGION.professional_by_id["s-paula"]
NOW = datetime(2026, 11, 16, 8, 30, tzinfo=timezone.utc)  # Monday 10:30 in Kajaani (open 08–16)
THURSDAY_10 = datetime(2026, 11, 19, 10, 0, tzinfo=TZ)

NEW = CaseState(status="new", queue="team:kajaani-a", unit="kajaani", channel="phone", created_at=NOW, due_at=NOW + timedelta(hours=1))
AINOS = msgspec.structs.replace(NEW, status="claimed", assignee="n-aino", first_handler="n-aino")
WAITING = msgspec.structs.replace(AINOS, status="waiting")


def test_the_claimer_sets_a_follow_up_and_holds_it():
    plan = rules.schedule(AINOS, AINO, REGION, THURSDAY_10, "  Soitan torstaina labratuloksista ", NOW)
    assert plan.holder == "n-aino" and plan.note == "Soitan torstaina labratuloksista"
    assert plan.at == THURSDAY_10 and plan.at.tzinfo == timezone.utc
    assert plan.change.changed() == {"status": "waiting", "at_risk": False, "overdue": False}


def test_a_nurse_on_an_unclaimed_case_takes_it_up_a_supervisor_leaves_no_holder():
    plan = rules.schedule(NEW, EERO, REGION, THURSDAY_10, "x", NOW)
    assert plan.holder == "n-eero"
    assert plan.change.changed()["assignee"] == "n-eero" and plan.change.changed()["first_handler"] == "n-eero"
    supervised = rules.schedule(NEW, PAULA, REGION, THURSDAY_10, "x", NOW)
    assert supervised.holder is None and "assignee" not in supervised.change.changed()


def test_a_supervisor_may_set_one_on_a_colleagues_case_the_claimer_stays_holder():
    assert rules.schedule(AINOS, PAULA, REGION, THURSDAY_10, "x", NOW).holder == "n-aino"


def test_conflicts_and_bad_input_name_the_problem():
    with pytest.raises(Conflict, match="claimed by Aino Nurminen"):
        rules.schedule(AINOS, EERO, REGION, THURSDAY_10, "x", NOW)
    with pytest.raises(Conflict, match="already resolved"):
        rules.schedule(msgspec.structs.replace(AINOS, status="resolved"), AINO, REGION, THURSDAY_10, "x", NOW)
    with pytest.raises(Conflict, match="cancel it first"):
        rules.schedule(WAITING, AINO, REGION, THURSDAY_10, "x", NOW)
    with pytest.raises(Invalid, match="^at: .*future"):
        rules.schedule(AINOS, AINO, REGION, NOW - timedelta(minutes=1), "x", NOW)
    with pytest.raises(Invalid, match="^at: .*future"):
        rules.schedule(AINOS, AINO, REGION, NOW, "x", NOW)
    with pytest.raises(Invalid, match="^at: .*year"):
        rules.schedule(AINOS, AINO, REGION, NOW + timedelta(days=367), "x", NOW)
    with pytest.raises(Invalid, match="^at: .*offset"):
        rules.schedule(AINOS, AINO, REGION, datetime(2026, 11, 19, 10, 0), "x", NOW)
    with pytest.raises(Invalid, match="^note: "):
        rules.schedule(AINOS, AINO, REGION, THURSDAY_10, "   ", NOW)
    with pytest.raises(Invalid, match="^note: "):
        rules.schedule(AINOS, AINO, REGION, THURSDAY_10, "x" * 1001, NOW)
    assert rules.schedule(AINOS, AINO, REGION, NOW + timedelta(days=366), "x", NOW).at == NOW + timedelta(days=366)


def test_a_waiting_case_is_not_claimed_called_or_handed_over():
    for act in (
        lambda: claim(WAITING, EERO, REGION, NOW),
        lambda: record_callback_attempt(WAITING, AINO, REGION, "reached", NOW),
        lambda: hand_over(WAITING, AINO, REGION, "team:kajaani-b", "kajaani"),
    ):
        with pytest.raises(Conflict, match="cancel the follow-up"):
            act()


def test_it_returns_to_the_holder_their_substitute_or_their_team():
    assert rules.return_queue(REGION, "n-aino", "team:kajaani-a", {}) == "personal:n-aino"
    assert rules.return_queue(REGION, "n-aino", "team:kajaani-a", {"n-aino": "n-eero"}) == "personal:n-eero"
    assert rules.return_queue(REGION, "n-aino", "personal:n-aino", {"n-aino": None}) == "team:kajaani-a"
    assert rules.return_queue(REGION, None, "overflow:kajaani", {}) == "overflow:kajaani"


def test_due_on_return_is_the_same_working_day():
    # In opening hours: the callback promise from the follow-up time.
    assert rules.due_on_return(THURSDAY_10, "unassessed", "kajaani", REGION, TZ) == THURSDAY_10 + timedelta(minutes=60)
    assert rules.due_on_return(THURSDAY_10, "urgent", "kajaani", REGION, TZ) == THURSDAY_10 + timedelta(minutes=120)
    # Late in the day (after the same-day cutoff too): still that day, capped at closing.
    late = datetime(2026, 11, 19, 15, 30, tzinfo=TZ)
    assert rules.due_on_return(late, "soon", "kajaani", REGION, TZ) == datetime(2026, 11, 19, 16, 0, tzinfo=TZ)
    # Saturday: Monday morning (08:00 + 60 min).
    saturday = datetime(2026, 11, 21, 10, 0, tzinfo=TZ)
    assert rules.due_on_return(saturday, "soon", "kajaani", REGION, TZ) == datetime(2026, 11, 23, 9, 0, tzinfo=TZ)
    # Before opening: that morning.
    early = datetime(2026, 11, 19, 6, 0, tzinfo=TZ)
    assert rules.due_on_return(early, "soon", "kajaani", REGION, TZ) == datetime(2026, 11, 19, 9, 0, tzinfo=TZ)
    # Independence Day (Sun 6.12.2026 is no help; Christmas Eve Thu 24.12.2026): the next working day.
    christmas_eve = datetime(2026, 12, 24, 10, 0, tzinfo=TZ)
    assert rules.due_on_return(christmas_eve, "soon", "kajaani", REGION, TZ) == datetime(2026, 12, 28, 9, 0, tzinfo=TZ)
    assert rules.due_on_return(saturday, "emergency", "kajaani", REGION, TZ) == saturday


def test_back_in_inbox_is_new_with_a_fresh_clock():
    change = rules.back_in_inbox(WAITING, "personal:n-aino", THURSDAY_10, REGION, TZ).changed()
    assert change["status"] == "new" and change["assignee"] is None and change["queue"] == "personal:n-aino"
    assert change["routing_reason"] == "follow_up" and change["unit"] == "kajaani"
    assert change["due_at"] == THURSDAY_10 + timedelta(minutes=60)
    assert THURSDAY_10 < change["at_risk_at"] < change["due_at"]
    assert change["at_risk"] is False and change["overdue"] is False


def test_cancelling_brings_it_back_to_the_holders_hand_or_to_the_queue():
    mine = rules.cancel(WAITING, AINO, REGION, "n-aino", "personal:n-aino", NOW, TZ).changed()
    assert (mine["status"], mine["assignee"], mine["queue"]) == ("claimed", "n-aino", "personal:n-aino")
    assert mine["due_at"] == NOW + timedelta(minutes=60)
    by_supervisor = rules.cancel(WAITING, PAULA, REGION, "n-aino", "personal:n-aino", NOW, TZ).changed()
    assert (by_supervisor["status"], by_supervisor["assignee"]) == ("new", None)
    with pytest.raises(Conflict, match="held by Aino Nurminen"):
        rules.cancel(WAITING, EERO, REGION, "n-aino", "personal:n-aino", NOW, TZ)
    with pytest.raises(Conflict, match="no follow-up"):
        rules.cancel(AINOS, AINO, REGION, "n-aino", "personal:n-aino", NOW, TZ)
