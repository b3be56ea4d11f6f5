"""Shared clients (yhteisasiakkuus, SPEC §10): when to suggest that a coordinator takes over.

A patient who keeps calling, whose matter keeps coming back, or about whom a professional has
raised a concern is likely to need someone who "catches the ball" — maps the problem, gathers
the team and follows up — rather than another first-line answer. The triggers only *suggest*;
a professional decides, and the suggestion is shown with the reasons that raised it.

(SPEC also lists ≥2 no-shows in 90 days; there is no appointment-system feed yet to count them.)
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta
from typing import Literal

import msgspec

from app.domain.summary import CaseSummary

Trigger = Literal["repeat_contacts", "same_matter_repeat", "concern"]


class Thresholds(msgspec.Struct, frozen=True):
    """From SPEC §10: ≥3 contacts in 30 days, ≥2 contacts on the same open matter."""

    repeat_contacts: int = 3
    repeat_window: timedelta = timedelta(days=30)
    same_matter_contacts: int = 2


THRESHOLDS = Thresholds()


class PatientContactFacts(msgspec.Struct, frozen=True):
    """What the directory and the case log say about a patient, counted."""

    contacts_in_window: int  # inbound contacts within Thresholds.repeat_window
    most_contacts_on_an_open_matter: int  # 0 when the patient has no open case
    concern: bool  # a professional has flagged a concern


class SharedClient(msgspec.Struct):
    """Shown on the patient's card: whether to suggest a take-over, and why."""

    suggested: bool
    triggers: list[str]


def shared_client_suggestion(facts: PatientContactFacts, thresholds: Thresholds = THRESHOLDS) -> SharedClient:
    """The triggers that fire, in a fixed order; suggested when any fires."""
    triggers: list[str] = []
    if facts.contacts_in_window >= thresholds.repeat_contacts:
        triggers.append("repeat_contacts")
    if facts.most_contacts_on_an_open_matter >= thresholds.same_matter_contacts:
        triggers.append("same_matter_repeat")
    if facts.concern:
        triggers.append("concern")
    return SharedClient(bool(triggers), triggers)


def most_contacts_on_an_open_matter(cases: Iterable[CaseSummary]) -> int:
    """The most contacts any one unresolved case of the patient has gathered."""
    return max((c.contacts for c in cases if c.status != "resolved"), default=0)
