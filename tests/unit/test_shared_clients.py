"""Shared-client triggers (SPEC §10) as a pure function of counted facts."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import given
from hypothesis import strategies as st

from app.domain.shared_clients import (
    THRESHOLDS,
    PatientContactFacts,
    Thresholds,
    most_contacts_on_an_open_matter,
    shared_client_suggestion,
)
from app.domain.summary import CaseSummary

NOW = datetime(2026, 11, 16, 8, 30, tzinfo=timezone.utc)


def facts(contacts: int = 0, same_matter: int = 0, concern: bool = False) -> PatientContactFacts:
    return PatientContactFacts(contacts_in_window=contacts, most_contacts_on_an_open_matter=same_matter, concern=concern)


def test_spec_thresholds():
    assert (THRESHOLDS.repeat_contacts, THRESHOLDS.repeat_window, THRESHOLDS.same_matter_contacts) == (3, timedelta(days=30), 2)


def test_each_trigger_at_its_threshold():
    quiet = shared_client_suggestion(facts(2, 1))
    assert (quiet.suggested, quiet.triggers) == (False, [])
    assert shared_client_suggestion(facts(contacts=3)).triggers == ["repeat_contacts"]
    assert shared_client_suggestion(facts(same_matter=2)).triggers == ["same_matter_repeat"]
    assert shared_client_suggestion(facts(concern=True)).triggers == ["concern"]
    every = shared_client_suggestion(facts(9, 9, True))
    assert (every.suggested, every.triggers) == (True, ["repeat_contacts", "same_matter_repeat", "concern"])


def test_thresholds_can_be_set():
    strict = Thresholds(repeat_contacts=5, same_matter_contacts=4)
    assert shared_client_suggestion(facts(4, 3), strict).triggers == []
    assert shared_client_suggestion(facts(5, 4), strict).triggers == ["repeat_contacts", "same_matter_repeat"]


counts = st.integers(0, 50)


@given(counts, counts, st.booleans())
def test_suggested_exactly_when_a_trigger_fires(contacts, same_matter, concern):  # type: ignore[no-untyped-def]
    result = shared_client_suggestion(facts(contacts, same_matter, concern))
    assert result.suggested == bool(result.triggers)
    assert ("repeat_contacts" in result.triggers) == (contacts >= 3)
    assert ("same_matter_repeat" in result.triggers) == (same_matter >= 2)
    assert ("concern" in result.triggers) == concern


@given(counts, counts, st.booleans(), st.integers(0, 5), st.integers(0, 5))
def test_more_contacts_never_withdraw_a_suggestion(contacts, same_matter, concern, more, more_on_matter):  # type: ignore[no-untyped-def]
    before = shared_client_suggestion(facts(contacts, same_matter, concern))
    after = shared_client_suggestion(facts(contacts + more, same_matter + more_on_matter, concern))
    assert set(before.triggers) <= set(after.triggers)


def _case(status: str, contacts: int) -> CaseSummary:
    return CaseSummary(
        id=f"c-{status}-{contacts}", status=status, queue="personal:n-aino", assignee=None, urgency="soon", due_at=NOW,
        at_risk=False, channel="phone", line=1, unit="kajaani", patient=None, routing_reason="named_nurse",
        created_at=NOW, updated_at=NOW, contacts=contacts,
    )


def test_only_open_matters_count_for_the_same_matter_trigger():
    assert most_contacts_on_an_open_matter([]) == 0
    assert most_contacts_on_an_open_matter([_case("resolved", 5), _case("new", 1), _case("claimed", 2)]) == 2
    assert most_contacts_on_an_open_matter([_case("resolved", 5)]) == 0
