"""The SLA sweep's rules with a fake clock: at risk, spill, overdue, re-alert, callbacks falling due."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from app.domain.escalation import EMERGENCY_REALERT, SweptCase, callback_kept, escalate, spill_queue
from app.domain.region import Region

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)  # a Tuesday
DUE = T0 + timedelta(hours=1)
AT_RISK = T0 + timedelta(minutes=45)


def case(**kw: object) -> SweptCase:
    fields: dict[str, object] = dict(
        status="new", queue="personal:n-aino", unit="kajaani", urgency="unassessed", channel="phone",
        due_at=DUE, at_risk_at=AT_RISK, at_risk=False, overdue=False, breached_at=None, alerted_at=None,
        due_counted=False, first_callback_at=None, resolved_at=None,
    )
    fields.update(kw)
    return SweptCase(**fields)  # type: ignore[arg-type]


def test_nothing_before_at_risk(region: Region) -> None:
    assert escalate(case(), region, AT_RISK - timedelta(seconds=1)) is None


def test_at_risk_once(region: Region) -> None:
    action = escalate(case(), region, AT_RISK)
    assert action is not None and action.reason == "at_risk" and action.columns() == {"at_risk": True}
    assert not action.breach and not action.callback_due
    assert escalate(case(at_risk=True), region, AT_RISK + timedelta(minutes=1)) is None


def test_past_due_unclaimed_personal_spills_to_the_nurses_team_and_breaches_once(region: Region) -> None:
    now = DUE + timedelta(seconds=1)
    action = escalate(case(at_risk=True), region, now)
    assert action is not None and action.reason == "sla_spill"
    assert action.queue == "team:kajaani-a" and action.routing_reason == "sla_spill"
    assert action.breached_at == now and action.overdue is True
    assert action.callback_due and not action.callback_kept  # nobody called: counted, not kept
    cols = action.columns()
    assert cols["queue"] == "team:kajaani-a" and cols["due_counted"] is True
    # spilled and counted: the next rounds do nothing more
    after = case(queue="team:kajaani-a", at_risk=True, overdue=True, breached_at=now, due_counted=True)
    assert escalate(after, region, now + timedelta(minutes=10)) is None


def test_an_overdue_case_handed_to_a_colleague_stays_with_them(region: Region) -> None:
    handed = case(queue="personal:n-eero", at_risk=True, overdue=True, breached_at=DUE, due_counted=True)
    assert escalate(handed, region, DUE + timedelta(hours=1)) is None


def test_claimed_past_due_is_marked_not_moved(region: Region) -> None:
    now = DUE + timedelta(minutes=1)
    action = escalate(case(status="claimed", first_callback_at=DUE - timedelta(minutes=5)), region, now)
    assert action is not None and action.reason == "overdue" and action.queue is None
    assert action.overdue and action.breach and action.callback_due and action.callback_kept


def test_unclaimed_in_a_team_queue_is_marked_overdue(region: Region) -> None:
    action = escalate(case(queue="team:kajaani-a"), region, DUE)
    assert action is not None and action.reason == "overdue" and action.queue is None and action.breach


def test_an_unclaimed_emergency_alerts_again_until_claimed(region: Region) -> None:
    emergency = case(queue="urgent:kajaani", urgency="emergency", channel="chat")
    first = escalate(emergency, region, DUE)
    assert first is not None and first.reason == "emergency_waiting" and first.alerted_at == DUE and first.breach
    alerted = case(queue="urgent:kajaani", urgency="emergency", channel="chat", at_risk=True, overdue=True, breached_at=DUE, alerted_at=DUE)
    assert escalate(alerted, region, DUE + EMERGENCY_REALERT - timedelta(seconds=1)) is None
    again = escalate(alerted, region, DUE + EMERGENCY_REALERT)
    assert again is not None and again.reason == "emergency_waiting" and not again.breach  # a breach is counted once
    claimed = case(status="claimed", queue="urgent:kajaani", urgency="emergency", overdue=True, breached_at=DUE, alerted_at=DUE, due_counted=True)
    assert escalate(claimed, region, DUE + 2 * EMERGENCY_REALERT) is None


def test_a_resolved_callback_is_still_counted_when_it_falls_due(region: Region) -> None:
    in_time = case(status="resolved", first_callback_at=T0 + timedelta(minutes=10), resolved_at=T0 + timedelta(minutes=12))
    assert escalate(in_time, region, DUE - timedelta(minutes=1)) is None  # not due yet
    action = escalate(in_time, region, DUE)
    assert action is not None and action.reason is None and action.callback_due and action.callback_kept
    assert action.columns() == {"due_counted": True}
    settled = case(status="resolved", resolved_at=T0 + timedelta(minutes=5))  # settled without a call
    assert callback_kept(settled)
    late = case(status="resolved", first_callback_at=DUE + timedelta(minutes=5), resolved_at=DUE + timedelta(minutes=6))
    action = escalate(late, region, DUE + timedelta(minutes=10))
    assert action is not None and action.callback_due and not action.callback_kept
    assert escalate(case(status="resolved", due_counted=True), region, DUE + timedelta(days=1)) is None


def test_only_phone_callbacks_are_counted(region: Region) -> None:
    chat = case(channel="chat", status="resolved", resolved_at=T0)
    assert escalate(chat, region, DUE + timedelta(hours=1)) is None
    merged = case(status="resolved", merged_into="c-other")
    assert escalate(merged, region, DUE + timedelta(hours=1)) is None


def test_waiting_cases_are_not_swept(region: Region) -> None:
    assert escalate(case(status="waiting", channel="chat"), region, DUE + timedelta(hours=1)) is None


def test_spill_queue_falls_back_to_the_units_default_team(region: Region) -> None:
    assert spill_queue(region, "personal:n-aino", "kajaani") == "team:kajaani-a"
    assert spill_queue(region, "personal:n-gone", "kajaani") == f"team:{region.unit_by_id['kajaani'].default_team}"


@given(
    minutes=st.integers(min_value=-600, max_value=600),
    status=st.sampled_from(["new", "claimed", "waiting", "resolved"]),
    queue=st.sampled_from(["personal:n-aino", "team:kajaani-a", "overflow:kajaani", "urgent:kajaani"]),
    urgency=st.sampled_from(["emergency", "urgent", "unassessed", "soon"]),
)
def test_applying_an_action_settles_the_case(region: Region, minutes: int, status: str, queue: str, urgency: str) -> None:
    """Whatever the sweep decides, applying it and sweeping again at the same moment does nothing:
    a round never acts twice on what it has already done."""
    now = DUE + timedelta(minutes=minutes)
    c = case(status=status, queue=queue, urgency=urgency, resolved_at=T0 if status == "resolved" else None)
    action = escalate(c, region, now)
    if action is None:
        return
    applied = {k: v for k, v in action.columns().items() if k != "routing_reason"}
    after = SweptCase(**{**{f: getattr(c, f) for f in SweptCase.__struct_fields__}, **applied})  # type: ignore[arg-type]
    assert escalate(after, region, now) is None
