"""Labelled phrasings about negation, time and person: denied mentions, resolved or remote
history, and third-person reports (text, lang, level, kind), as in tests/unit/corpus_same_day.py.
A denied or historic mention is labelled with the level of what the message reports *now*
(``routine`` where no level is clinically due: anything but emergency/urgent is then right).
"""

from __future__ import annotations

PERSON_TIME_CORPUS: list[tuple[str, str, str, str]] = []
