"""Same-day (``urgent``) criteria of Finnish primary care, for the urgency engine: data only.

The red flags and their words are :mod:`app.domain.urgency_lexicon`; this module adds the
everyday matters a nurse assesses within hours (SPEC §7), in the same shapes (term syntax and
rule syntax are documented there). ``LEXICON`` entries are *added* to the concept of that name
(a concept may already exist in the red-flag lexicon), ``RULES`` run after the red flags' rules.
"""

from __future__ import annotations

from app.domain.urgency_types import Rule

LEVEL_FLAGS: dict[str, tuple[str, ...]] = {"urgent": ()}
FLAG_LABELS: dict[str, dict[str, str]] = {}
FLAG_REASONS: dict[str, dict[str, str]] = {}
LEXICON: dict[str, tuple[str, ...]] = {}
RULES: tuple[Rule, ...] = ()
TYPO_CONCEPTS: frozenset[str] = frozenset()
