"""What the clock does to an open case as its due time nears and passes (SPEC §8).

The SLA sweep (app/jobs/sla_sweep.py → app/services/sweep.py) reads each case that may need
something and asks `escalate` here; the answer is the columns to write and why, or nothing. Pure:
the tests drive it with a fake clock.

The rules:
- At `at_risk_at` (the region's `at_risk_fraction` of the time to due) the case turns at risk.
- Past due, an unclaimed case in one nurse's queue spills to that nurse's team (`sla_spill`):
  the promise is the unit's, not one person's, and a colleague with a free moment can keep it.
  Once: an overdue case handed over to someone afterwards stays with them.
- Past due and claimed, it stays in the hand that holds it (someone is on it) and is marked
  overdue; an unclaimed case elsewhere (team, overflow, urgent) is marked overdue too.
- The breach is counted once per case, when the sweep first finds it past due.
- An unclaimed emergency past due alerts again every `EMERGENCY_REALERT`, until someone claims it.
- A phone callback falls due at its due time: it is counted then, kept or not, so the callbacks
  nobody ever made are in the figures (`callback_kept`).
"""

from __future__ import annotations

from datetime import datetime, timedelta

import msgspec

from app.domain.region import Region, queue_kind

EMERGENCY_REALERT = timedelta(minutes=5)
SWEPT_STATUSES: tuple[str, ...] = ("new", "claimed")  # waiting (a follow-up) and resolved are not
EscalationReason = str  # at_risk | sla_spill | overdue | emergency_waiting


class SweptCase(msgspec.Struct, frozen=True, kw_only=True):
    """What the sweep needs to know of a case."""

    status: str
    queue: str
    unit: str
    urgency: str
    channel: str
    due_at: datetime
    at_risk_at: datetime
    at_risk: bool
    overdue: bool
    breached_at: datetime | None
    alerted_at: datetime | None
    due_counted: bool
    first_callback_at: datetime | None
    resolved_at: datetime | None
    merged_into: str | None = None


class SlaAction(msgspec.Struct, frozen=True, kw_only=True):
    """The columns to write (only those set) and what to tell: the event's reason, whether a
    breach or a fallen-due callback is to be counted."""

    reason: EscalationReason | None = None  # None: nothing to announce (only a count to record)
    at_risk: bool | None = None
    overdue: bool | None = None
    breached_at: datetime | None = None
    alerted_at: datetime | None = None
    queue: str | None = None
    routing_reason: str | None = None
    callback_due: bool = False  # count this callback as fallen due now
    callback_kept: bool = False  # … and as made (or the matter settled) in time

    def columns(self) -> dict[str, object]:
        """The case columns this escalation writes."""
        values: dict[str, object] = {}
        for name in ("at_risk", "overdue", "breached_at", "alerted_at", "queue", "routing_reason"):
            value = getattr(self, name)
            if value is not None:
                values[name] = value
        if self.callback_due:
            values["due_counted"] = True
        return values

    @property
    def breach(self) -> bool:
        return self.breached_at is not None


def is_callback(case: SweptCase) -> bool:
    """A phone callback request, the matter the same-day promise is made for (merged-away cases
    are counted in the case they joined)."""
    return case.channel == "phone" and case.merged_into is None


def callback_kept(case: SweptCase) -> bool:
    """Kept: the first callback attempt was made by the due time, or the matter was settled
    (resolved) by then without one."""
    if case.first_callback_at is not None and case.first_callback_at <= case.due_at:
        return True
    return case.resolved_at is not None and case.resolved_at <= case.due_at and case.first_callback_at is None


def spill_queue(region: Region, queue: str, unit: str) -> str:
    """The team that takes over a personal queue's past-due case: the nurse's own team, else the
    unit's default team."""
    owner = region.professional_by_id.get(queue.partition(":")[2])
    team = owner.team if owner and owner.team else None
    if team is None:
        u = region.unit_by_id.get(owner.unit if owner else unit) or region.unit_by_id.get(unit)
        team = u.default_team if u else region.units[0].default_team
    return f"team:{team}"


def escalate(case: SweptCase, region: Region, now: datetime) -> SlaAction | None:
    """What the sweep does to this case now, or None when nothing is due."""
    callback_due = not case.due_counted and case.due_at <= now and is_callback(case)
    if case.status not in SWEPT_STATUSES or case.merged_into is not None:
        return SlaAction(callback_due=True, callback_kept=callback_kept(case)) if callback_due else None
    kept = callback_kept(case) if callback_due else False
    if now < case.due_at:
        if not case.at_risk and case.at_risk_at <= now:
            return SlaAction(reason="at_risk", at_risk=True)
        return None
    unclaimed = case.status == "new"
    breach = case.breached_at is None
    if unclaimed and queue_kind(case.queue) == "personal" and not case.overdue:
        return SlaAction(
            reason="sla_spill", at_risk=True, overdue=True, breached_at=now if breach else None,
            alerted_at=now if case.urgency == "emergency" else None,  # the spill is its alert
            queue=spill_queue(region, case.queue, case.unit), routing_reason="sla_spill",
            callback_due=callback_due, callback_kept=kept,
        )
    if unclaimed and case.urgency == "emergency" and (case.alerted_at is None or now - case.alerted_at >= EMERGENCY_REALERT):
        return SlaAction(
            reason="emergency_waiting", at_risk=True, overdue=True, breached_at=now if breach else None, alerted_at=now,
            callback_due=callback_due, callback_kept=kept,
        )
    if not case.overdue or breach:
        return SlaAction(
            reason="overdue", at_risk=True, overdue=True, breached_at=now if breach else None,
            callback_due=callback_due, callback_kept=kept,
        )
    if callback_due:
        return SlaAction(callback_due=True, callback_kept=kept)
    return None
