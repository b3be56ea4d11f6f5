"""Labelled phrasings for the same-day (``urgent``) criteria: (text, lang, level, kind).

``level`` is the clinically right suggestion (see tests/unit/test_urgency_levels.py); ``kind`` is
one of plain, colloquial, typo, mixed (several languages), third_person, negated, history.
"""

from __future__ import annotations

URGENT_CORPUS: list[tuple[str, str, str, str]] = []
