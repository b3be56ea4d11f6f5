"""Every level of the urgency engine, measured on the whole labelled corpus (issue 12).

The corpus is the red-flag corpus (tests/unit/urgency_corpus.py: emergencies and routine traps,
negated and historic mentions) and the level corpora (same-day criteria, soon and administrative
matters, negation/time/person). Each entry's ``level`` is the clinically right suggestion:
``emergency``, ``urgent``, ``soon``, ``non_urgent``, or ``routine`` (no level is due: anything
but emergency / urgent is right). The test prints recall and false alarms per level and language
(`pytest -s` shows them) and fails below the targets:

- emergency: recall 100 %, in every language;
- urgent (same-day criteria): urgent-or-higher ≥ 90 % in every language, at most a third of them
  over-triaged to emergency;
- soon: soon-or-urgent ≥ 90 % in every language, emergency ≤ 5 %;
- non_urgent (administrative): non_urgent ≥ 90 % in every language, never emergency;
- negated / historic mentions and routine matters: emergency suggested ≤ 5 %;
- no matter labelled emergency or urgent is ever suggested as non_urgent (a false all-clear);
- the held-out emergency set (tests/unit/corpus_heldout_emergency.py, written blind) on its own,
  per language: emergency recall 100 % (third-person reports included), emergency suggested for
  at most 5 % of its denied or resolved mentions.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import NamedTuple

import pytest

from app.domain.urgency import assess
from tests.unit.corpus_heldout_emergency import HELDOUT_EMERGENCY_CORPUS
from tests.unit.corpus_person_time import PERSON_TIME_CORPUS
from tests.unit.corpus_routine import NON_URGENT_CORPUS, SOON_CORPUS
from tests.unit.corpus_same_day import URGENT_CORPUS
from tests.unit.urgency_corpus import CORPUS, HIST, MIXED, NEG, NEGATION_CORPUS, SYMPT

LANGS = ("fi", "sv", "en")
LEVELS = ("emergency", "urgent", "soon", "non_urgent", "routine")
KINDS = ("plain", "colloquial", "typo", "mixed", "third_person", "negated", "history", "symptom")
_RANK = {"emergency": 0, "urgent": 1, "soon": 2, "non_urgent": 3, "unassessed": 4}


HELDOUT = "held-out emergency"


class Labelled(NamedTuple):
    text: str
    lang: str
    level: str
    kind: str
    source: str


def _third_person(note: str) -> bool:
    return "third person" in note or "third-person" in note


def corpus() -> list[Labelled]:
    out: list[Labelled] = []
    negation = set(NEGATION_CORPUS)
    for text, lang, emergency, note in CORPUS:
        if (text, lang, emergency, note) in negation:
            continue  # the negation corpus is part of CORPUS; labelled by its category below
        kind = "third_person" if _third_person(note) else "plain"
        out.append(Labelled(text, lang, "emergency" if emergency else "routine", kind, "red flags"))
    kinds = {NEG: "negated", HIST: "history", SYMPT: "symptom", MIXED: "mixed"}
    for text, lang, emergency, cat in NEGATION_CORPUS:
        out.append(Labelled(text, lang, "emergency" if emergency else "routine", kinds[cat], "negation"))
    for name, entries in (("same day", URGENT_CORPUS), ("soon", SOON_CORPUS), ("non urgent", NON_URGENT_CORPUS),
                          ("person/time", PERSON_TIME_CORPUS), (HELDOUT, HELDOUT_EMERGENCY_CORPUS)):
        out.extend(Labelled(text, lang, level, kind, name) for text, lang, level, kind in entries)
    return out


ALL = corpus()


def test_the_corpus_is_well_formed_and_large_enough() -> None:
    assert all(x.lang in LANGS and x.level in LEVELS and x.kind in KINDS for x in ALL), [
        x for x in ALL if not (x.lang in LANGS and x.level in LEVELS and x.kind in KINDS)
    ]
    texts = Counter(x.text.strip().casefold() for x in ALL)
    assert [t for t, n in texts.items() if n > 1] == []
    assert len(ALL) >= 400
    assert sum(x.kind in ("negated", "history", "third_person") for x in ALL) >= 100
    for level in ("urgent", "soon"):
        entries = [x for x in ALL if x.level == level]
        assert len(entries) >= 60, level
        for kind in ("colloquial", "typo", "mixed"):
            assert any(x.kind == kind for x in entries), (level, kind)
    for level in ("emergency", "urgent", "soon", "non_urgent"):
        for lang in LANGS:
            assert sum(x.level == level and x.lang == lang for x in ALL) >= 10, (level, lang)


def _suggested() -> dict[Labelled, str]:
    return {x: assess(x.text, lang=x.lang).level for x in ALL}


def test_figures_per_level_and_language() -> None:
    got = _suggested()
    cells: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for x, level in got.items():
        cells[(x.level, x.lang)][level] += 1
        cells[(x.level, "all")][level] += 1
    print(f"\nurgency corpus: {len(ALL)} phrasings")
    print(f"{'labelled':11}{'lang':5}{'n':>4}  " + "  ".join(f"{lv:>10}" for lv in _RANK))
    for level in LEVELS:
        for lang in (*LANGS, "all"):
            c = cells[(level, lang)]
            n = sum(c.values())
            if n:
                print(f"{level:11}{lang:5}{n:4}  " + "  ".join(f"{c[lv] / n:10.0%}" for lv in _RANK))
    failures: list[str] = []

    def share(level: str, lang: str, suggested: set[str]) -> float | None:
        c = cells[(level, lang)]
        n = sum(c.values())
        return sum(c[s] for s in suggested) / n if n else None  # no entries: the size test fails instead

    for lang in (*LANGS, "all"):
        checks = [
            ("emergency recall", share("emergency", lang, {"emergency"}), 1.0, True),
            ("urgent: urgent or higher", share("urgent", lang, {"urgent", "emergency"}), 0.90, True),
            ("urgent: over-triaged to emergency", share("urgent", lang, {"emergency"}), 1 / 3, False),
            ("soon: soon or urgent", share("soon", lang, {"soon", "urgent"}), 0.90, True),
            ("soon: emergency", share("soon", lang, {"emergency"}), 0.05, False),
            ("non_urgent: non_urgent", share("non_urgent", lang, {"non_urgent"}), 0.90, True),
            ("non_urgent: emergency", share("non_urgent", lang, {"emergency"}), 0.0, False),
            ("routine: emergency", share("routine", lang, {"emergency"}), 0.05, False),
        ]
        for name, value, target, at_least in checks:
            if value is not None and ((value < target) if at_least else (value > target)):
                failures.append(f"{lang}: {name} {value:.0%} (target {'≥' if at_least else '≤'} {target:.0%})")
    denied = [x for x in ALL if x.kind in ("negated", "history")]
    alarms = [x for x in denied if x.level != "emergency" and got[x] == "emergency"]
    print(f"negated/historic mentions: {len(denied)}, emergency suggested for {len(alarms)}")
    if len(alarms) > 0.05 * len(denied):
        failures.append(f"negated/historic false alarms {len(alarms)}/{len(denied)}")
    all_clear = [x for x in ALL if x.level in ("emergency", "urgent") and got[x] == "non_urgent"]
    if all_clear:
        failures.append(f"false all-clear (non_urgent for an emergency or urgent matter): {all_clear}")
    misses = [f"  {x.level}/{x.lang}/{x.kind} → {got[x]}: {x.text}" for x in ALL
              if x.level != "routine" and got[x] != x.level]
    print("not at the labelled level:\n" + "\n".join(misses[:80]))
    assert not failures, "\n".join(failures)


def test_the_held_out_emergency_set_meets_the_targets_in_every_language() -> None:
    held = [x for x in ALL if x.source == HELDOUT]
    failures: list[str] = []
    for lang in LANGS:
        emergencies = [x for x in held if x.lang == lang and x.level == "emergency"]
        denied = [x for x in held if x.lang == lang and x.level != "emergency" and x.kind in ("negated", "history")]
        assert len(emergencies) >= 50 and len(denied) >= 30, lang
        assert sum(x.kind == "third_person" for x in emergencies) >= 15, lang
        missed = [x.text for x in emergencies if assess(x.text, lang=lang).level != "emergency"]
        alarms = [x.text for x in denied if assess(x.text, lang=lang).level == "emergency"]
        print(f"\nheld-out {lang}: emergencies {len(emergencies) - len(missed)}/{len(emergencies)}, "
              f"false alarms {len(alarms)}/{len(denied)}")
        if missed:
            failures.append(f"{lang}: missed emergencies {missed}")
        if len(alarms) > 0.05 * len(denied):
            failures.append(f"{lang}: false alarms {len(alarms)}/{len(denied)} {alarms}")
    assert not failures, "\n".join(failures)


@pytest.mark.parametrize("x", [x for x in ALL if x.level == "emergency"], ids=lambda x: x.text[:40])
def test_every_emergency_is_suggested_as_one(x: Labelled) -> None:
    assert assess(x.text, lang=x.lang).level == "emergency", x
