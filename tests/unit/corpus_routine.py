"""Labelled phrasings for ``soon`` (1–3 days) and ``non_urgent`` (administrative) matters:
(text, lang, level, kind), as in tests/unit/corpus_same_day.py.
"""

from __future__ import annotations

SOON_CORPUS: list[tuple[str, str, str, str]] = []
NON_URGENT_CORPUS: list[tuple[str, str, str, str]] = []
