"""Shared-client triggers (SPEC §10) as one pure rule over a patient's data, and the take-over's
rules (who, until when, which cases move)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.domain.errors import Conflict, Forbidden, Invalid
from app.domain.region import Professional
from app.domain.shared_clients import (
    THRESHOLDS,
    TRIGGERS,
    PatientContactFacts,
    PatientData,
    Thresholds,
    count,
    ensure_free,
    ensure_may_release,
    ensure_may_take_over,
    evaluate,
    moves_to_coordinator,
    shared_client_suggestion,
    summary_flag,
    take_over_until,
)
from app.region_file import parse_region, RegionFileError

NOW = datetime(2026, 11, 16, 8, 30, tzinfo=timezone.utc)
TZ = ZoneInfo("Europe/Helsinki")
HASH = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"


def days_ago(*days: float) -> tuple[datetime, ...]:
    return tuple(NOW - timedelta(days=d) for d in days)


def facts(contacts: int = 0, same_matter: int = 0, no_shows: int = 0, concern: bool = False) -> PatientContactFacts:
    return PatientContactFacts(contacts, same_matter, no_shows, concern)


def pro(role: str = "coordinator", unit: str = "kajaani", id_: str = "c-helena") -> Professional:
    return Professional(id=id_, name=id_, role=role, unit=unit, username=id_, password_hash=HASH)  # type: ignore[arg-type]


def test_spec_thresholds_are_the_defaults():
    t = THRESHOLDS
    assert (t.repeat_contacts, t.repeat_window, t.same_matter_contacts, t.no_shows, t.no_show_window) == (
        3, timedelta(days=30), 2, 2, timedelta(days=90),
    )  # fmt: skip


def test_each_trigger_at_its_threshold():
    quiet = shared_client_suggestion(facts(2, 1, 1))
    assert (quiet.suggested, quiet.triggers) == (False, [])
    assert shared_client_suggestion(facts(contacts=3)).triggers == ["repeat_contacts"]
    assert shared_client_suggestion(facts(same_matter=2)).triggers == ["same_matter_repeat"]
    assert shared_client_suggestion(facts(no_shows=2)).triggers == ["no_shows"]
    assert shared_client_suggestion(facts(concern=True)).triggers == ["concern"]
    every = shared_client_suggestion(facts(9, 9, 9, True))
    assert (every.suggested, every.triggers) == (True, list(TRIGGERS))


def test_a_patient_held_by_a_coordinator_is_not_suggested_but_keeps_the_hint():
    held = shared_client_suggestion(facts(contacts=5), taken_over=True)
    assert (held.suggested, held.triggers) == (False, ["repeat_contacts"])
    assert summary_flag(held, taken_over=True) and summary_flag(shared_client_suggestion(facts()), taken_over=True)
    assert not summary_flag(shared_client_suggestion(facts()), taken_over=False)


def test_counting_the_windows():
    data = PatientData(contacts=days_ago(1, 10, 29.9, 31), no_shows=days_ago(5, 89, 91), open_matters=(days_ago(1, 2), days_ago(3)))
    f = count(data, NOW)
    assert (f.contacts_in_window, f.no_shows_in_window, f.most_contacts_on_an_open_matter, f.concern) == (3, 2, 2, False)
    assert evaluate(data, NOW).triggers == ["repeat_contacts", "same_matter_repeat", "no_shows"]


def test_three_calls_this_month_suggest_a_take_over():
    assert evaluate(PatientData(contacts=days_ago(0, 7, 20)), NOW).suggested
    assert not evaluate(PatientData(contacts=days_ago(0, 7, 40)), NOW).suggested


def test_after_a_take_over_ended_counting_starts_afresh():
    ended = NOW - timedelta(days=2)
    data = PatientData(
        contacts=days_ago(1, 5, 9), open_matters=(days_ago(1, 5),), no_shows=days_ago(3, 4), concerns=days_ago(6), counted_since=ended
    )
    assert evaluate(data, NOW).triggers == []
    later = PatientData(contacts=days_ago(0.5, 1, 1.5), concerns=days_ago(1), counted_since=ended)
    assert evaluate(later, NOW).triggers == ["repeat_contacts", "concern"]


def test_thresholds_come_from_the_region_file():
    strict = Thresholds(repeat_contacts=5, same_matter_contacts=4, no_shows=3, repeat_window_days=7)
    assert shared_client_suggestion(facts(4, 3, 2), strict).triggers == []
    assert shared_client_suggestion(facts(5, 4, 3), strict).triggers == ["repeat_contacts", "same_matter_repeat", "no_shows"]
    assert count(PatientData(contacts=days_ago(1, 6, 8)), NOW, strict).contacts_in_window == 2


def test_the_region_files_section_is_checked():
    from app.settings import DEMO_REGION

    text = DEMO_REGION.read_text(encoding="utf-8")
    assert "[shared_clients]" in text  # the demo shows the section with its defaults
    region = parse_region(text.replace("repeat_contacts = 3", "repeat_contacts = 4").replace("no_show_window_days = 90", "no_show_window_days = 60"))
    assert (region.shared_clients.repeat_contacts, region.shared_clients.no_show_window) == (4, timedelta(days=60))
    without = text[: text.index("[shared_clients]")] + text[text.index("[[units]]") :]
    assert parse_region(without).shared_clients == Thresholds()  # optional: the SPEC's defaults
    with pytest.raises(RegionFileError, match="shared_clients"):
        parse_region(text.replace("repeat_contacts = 3", "repeat_contact = 4"))
    with pytest.raises(RegionFileError):
        parse_region(text.replace("no_shows = 2", "no_shows = 0"))


# ---- properties: more data never takes a trigger away

times = st.floats(min_value=0, max_value=200).map(lambda d: NOW - timedelta(days=d))
time_lists = st.lists(times, max_size=8).map(tuple)
data_strategy = st.builds(
    PatientData,
    contacts=time_lists,
    open_matters=st.lists(time_lists, max_size=3).map(tuple),
    no_shows=time_lists,
    concerns=st.lists(times, max_size=2).map(tuple),
    counted_since=st.none() | times,
)


@given(data_strategy, times)
def test_adding_a_contact_never_removes_a_trigger(data: PatientData, at: datetime) -> None:
    before = set(evaluate(data, NOW).triggers)
    more = PatientData(data.contacts + (at,), data.open_matters, data.no_shows, data.concerns, data.counted_since)
    assert before <= set(evaluate(more, NOW).triggers)


@given(data_strategy, times, st.integers(0, 2))
def test_a_contact_on_an_open_matter_or_a_no_show_or_a_concern_never_removes_one(data: PatientData, at: datetime, which: int) -> None:
    before = set(evaluate(data, NOW).triggers)
    if which == 0:
        matters = data.open_matters or ((),)
        more = PatientData(data.contacts, ((*matters[0], at), *matters[1:]), data.no_shows, data.concerns, data.counted_since)
    elif which == 1:
        more = PatientData(data.contacts, data.open_matters, data.no_shows + (at,), data.concerns, data.counted_since)
    else:
        more = PatientData(data.contacts, data.open_matters, data.no_shows, data.concerns + (at,), data.counted_since)
    assert before <= set(evaluate(more, NOW).triggers)


@given(data_strategy)
def test_suggested_exactly_when_a_trigger_fires_and_nobody_holds(data: PatientData) -> None:
    free, held = evaluate(data, NOW), evaluate(data, NOW, taken_over=True)
    assert free.suggested == bool(free.triggers) and not held.suggested and free.triggers == held.triggers
    assert free.triggers == [t for t in TRIGGERS if t in free.triggers]  # a fixed order


# ---- take-over rules


def test_only_a_coordinator_of_the_patients_unit_takes_over():
    ensure_may_take_over(pro(), "kajaani")
    for role in ("nurse", "doctor", "assistant", "supervisor", "admin"):
        with pytest.raises(Forbidden) as refused:
            ensure_may_take_over(pro(role), "kajaani")
        assert refused.value.extra["code"] == "not_coordinator"
    with pytest.raises(Forbidden):
        ensure_may_take_over(pro(unit="sotkamo"), "kajaani")


def test_another_coordinators_patient_is_theirs_until_released():
    ensure_free(None, pro(), None)
    ensure_free("c-helena", pro(), "Helena")  # extending one's own
    with pytest.raises(Conflict) as held:
        ensure_free("c-other", pro(), "Olli")
    assert held.value.extra == {"code": "taken_over", "holder": "Olli", "professional": "c-other"}


def test_who_may_release():
    ensure_may_release(pro(), "kajaani", "c-helena")
    ensure_may_release(pro("supervisor", id_="s-paula"), "kajaani", "c-helena")
    ensure_may_release(pro("admin", unit="sotkamo", id_="x"), "kajaani", "c-helena")
    with pytest.raises(Forbidden):
        ensure_may_release(pro(id_="c-other"), "kajaani", "c-helena")
    with pytest.raises(Forbidden):
        ensure_may_release(pro("supervisor", unit="sotkamo", id_="s-jouni"), "kajaani", "c-helena")
    with pytest.raises(Conflict):
        ensure_may_release(pro(), "kajaani", None)


def test_until_a_date_holds_through_that_local_day():
    until = take_over_until("2026-11-30", NOW, TZ)
    assert until == datetime(2026, 12, 1, 0, 0, tzinfo=TZ).astimezone(timezone.utc)
    assert take_over_until("2026-11-20T16:00:00+02:00", NOW, TZ) == datetime(2026, 11, 20, 14, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    ("value", "code"),
    [
        ("2026-11-15", "take_over_past"),  # ended yesterday night
        ("2026-11-16T08:00:00+00:00", "take_over_past"),
        ("2028-01-01", "take_over_too_far"),
        ("next week", "bad_date"),
        ("2026-13-01", "bad_date"),
        ("2026-11-20T16:00:00", "bad_date"),  # no offset
        ("", "bad_date"),
    ],
)
def test_a_bad_until_is_refused(value: str, code: str) -> None:
    with pytest.raises(Invalid) as refused:
        take_over_until(value, NOW, TZ)
    assert refused.value.extra["code"] == code


def test_today_is_still_ahead():
    assert take_over_until("2026-11-16", NOW, TZ) > NOW


def test_which_cases_move_to_the_coordinator():
    assert moves_to_coordinator("new", "personal:n-aino", None, "c-helena")
    assert moves_to_coordinator("new", "team:kajaani-a", None, "c-helena")
    assert moves_to_coordinator("claimed", "team:kajaani-a", "c-helena", "c-helena")
    assert not moves_to_coordinator("claimed", "personal:n-aino", "n-aino", "c-helena")  # a colleague is working on it
    assert not moves_to_coordinator("waiting", "personal:n-aino", None, "c-helena")  # returns to whoever agreed the follow-up
    for queue in ("urgent:kajaani", "chat:kajaani", "assistants:kajaani"):  # the unit's duties keep theirs
        assert not moves_to_coordinator("new", queue, None, "c-helena"), queue


def test_the_units_coordinators_and_supervisors_get_its_patient_events():
    from app.domain.access import live_queues, visible_queues
    from app.settings import DEMO_REGION
    from app.region_file import load_region

    region = load_region(DEMO_REGION)
    who = region.professional_by_id
    for pid in ("c-helena", "s-paula", "x-admin"):
        assert "shared:kajaani" in live_queues(region, who[pid], "kajaani"), pid
        assert "shared:kajaani" not in visible_queues(region, who[pid], "kajaani")  # no inbox tab
    for pid in ("n-aino", "a-sari", "d-mikko"):
        assert "shared:kajaani" not in live_queues(region, who[pid], "kajaani"), pid
    assert "shared:kajaani" not in live_queues(region, who["s-jouni"], "kajaani")
