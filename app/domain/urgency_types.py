"""The shapes the urgency engine and its lexicons share (no data, no logic).

Kept apart so that the lexicon modules (:mod:`app.domain.urgency_lexicon` for red flags,
:mod:`app.domain.urgency_same_day` for the everyday same-day criteria,
:mod:`app.domain.urgency_routine` for ``soon`` and ``non_urgent`` matters) can each declare flags
and rules without importing one another.
"""

from __future__ import annotations

import msgspec

# Most urgent first: a text's level is the most urgent of the flags it counts (emergency rules
# stay first; missing an emergency is the worst error).
LEVEL_ORDER: dict[str, int] = {"emergency": 0, "urgent": 1, "soon": 2, "non_urgent": 3}


class RedFlag(msgspec.Struct, frozen=True):
    id: str
    level: str  # the level this flag raises (one of Urgency)


class Rule(msgspec.Struct, frozen=True):
    flag: str | None  # the flag this rule raises, or None for a rule that only emits a concept
    parts: str  # concepts, space-separated; "A|B" = any of these
    window: int = 3
    emit: str | None = None  # a derived concept later rules can use
    unless: str = ""  # "A|B": none of these may be near the match
    unless_window: int = 2
    ordered: bool = False  # the parts must appear in this order ("haluan kuolla", "want to die")

    @property
    def name(self) -> str:
        """How a professional's explanation names the rule: its concepts, e.g. ``CHEST|HEART + PAIN``."""
        return " + ".join(self.parts.split())


class Finding(msgspec.Struct, frozen=True):
    """One flag the engine found in a contact, counted or not: what the nurse is shown.

    ``status`` is ``counted`` (it raised the level), ``negated`` ("ei rintakipua": mentioned,
    denied) or ``history`` ("viime vuonna": remote past). ``matched`` are the patient's own words
    that triggered it; ``rule`` names the rule (``form`` for a pre-form "yes")."""

    flag: str
    level: str
    status: str = "counted"
    matched: tuple[str, ...] = ()
    rule: str = ""


FINDING_STATUSES: tuple[str, ...] = ("counted", "negated", "history")
