"""The urgency lexicon (app/domain/urgency_lexicon.py) is well-formed: a broken data edit fails here.

Behaviour is tested in test_urgency.py (every flag in fi/sv/en, the labelled corpus); this file
checks that the tables fit together: flags, labels and texts in every language, the term syntax,
and that every concept a rule or the engine reads is defined.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

from app.domain import urgency, urgency_lexicon, urgency_routine, urgency_same_day, urgency_tokens, urgency_words
from app.domain.common import URGENCY_LEVELS
from app.domain.urgency_lexicon import (
    LEVEL_ORDER,
    COLLOQUIAL,
    EMERGENCY_FLAGS,
    FLAG_IDS,
    FLAG_LABELS,
    FLAGS,
    LANGS,
    LEXICON,
    MONTH_ABBREVIATIONS,
    NEG,
    NEGATOR_CONCEPTS,
    NO_ANSWERS,
    NOT_DENIALS,
    RULES,
    SHORT_AGE_UNITS,
    STOP_WORDS,
    TEXTS,
    TYPO_CONCEPTS,
    URGENT_FLAGS,
    YES_ANSWERS,
    RedFlag,
)

_WORD = r"[^\W\d_]+"  # what the tokeniser keeps as one word (before folding)
# -blocker, then ~snowball-stem, or =raw / *infix / both, then $ (whole token / token end),
# then one neighbour condition: >next|words or <previous|words
_TERM = re.compile(rf"-?(?:~{_WORD}|=?\*?{_WORD}\$?)(?:[<>]{_WORD}(?:\|{_WORD})*)?")
# Terms that no token can carry (the tokeniser splits "tia-kohtaus" at the hyphen and reads
# "10/10" as a number, which the number reader turns into UNBEARABLE). Harmless and kept as they
# were; a new term must not join them.
_UNMATCHABLE = {("STROKE_TERM", "tia-kohtau"), ("WORST", "10/10"), ("UNBEARABLE", "10/10")}
_CONCEPT = re.compile(r"[A-Z][A-Z_]*[A-Z]")
# A concept no rule reads: it only makes a real word match something, so no typo is forgiven
_TYPO_GUARD = "KNOWN_WORD"


def _engine_concepts() -> set[str]:
    """Concept names the engine's functions read or write (string constants like "SUBSTANCE"),
    in the engine, its tokens and number reader, and its word recognition."""
    found: set[str] = set()
    trees = [ast.parse(Path(m.__file__).read_text(encoding="utf-8")) for m in (urgency, urgency_tokens, urgency_words)]
    for fn in (n for tree in trees for n in ast.walk(tree)):
        if not isinstance(fn, ast.FunctionDef):
            continue
        unicode_forms = {  # unicodedata.normalize("NFC", …) is not a concept
            id(n.args[0]) for n in ast.walk(fn)
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr == "normalize" and n.args
        }
        found |= {
            n.value for n in ast.walk(fn)
            if isinstance(n, ast.Constant) and isinstance(n.value, str) and _CONCEPT.fullmatch(n.value)
            and id(n) not in unicode_forms
        }
    return found


def _rule_concepts(rule: urgency_lexicon.Rule) -> set[str]:
    parts = {c for p in rule.parts.split() for c in p.split("|")}
    return parts | (set(rule.unless.split("|")) if rule.unless else set())


def test_the_engine_re_exports_the_lexicon() -> None:
    assert urgency.FLAGS is FLAGS
    assert urgency.FLAG_IDS is FLAG_IDS
    assert urgency.FLAG_LABELS is FLAG_LABELS
    assert urgency.LANGS is LANGS
    assert urgency.RedFlag is RedFlag
    assert set(urgency.__all__) >= {"Assessment", "FLAGS", "FLAG_IDS", "FLAG_LABELS", "LANGS", "RedFlag", "assess", "fold"}


def test_flags_and_levels() -> None:
    # the everyday modules' flags are merged after the red flags, at the level they declare
    merged = {f: level for part in (urgency_same_day, urgency_routine)
              for level, ids in part.LEVEL_FLAGS.items() for f in ids}
    assert FLAG_IDS == EMERGENCY_FLAGS + URGENT_FLAGS + tuple(merged)
    assert len(set(FLAG_IDS)) == len(FLAG_IDS), "a flag id is listed twice"
    for fid, flag in FLAGS.items():
        assert isinstance(flag, RedFlag) and flag.id == fid
        assert re.fullmatch(r"[a-z][a-z_]*[a-z]", fid), fid
        assert flag.level in URGENCY_LEVELS
        assert flag.level == ("emergency" if fid in EMERGENCY_FLAGS else merged.get(fid, "urgent"))


def test_every_flag_has_a_label_in_every_language() -> None:
    assert LANGS == ("fi", "sv", "en")
    assert set(FLAG_LABELS) == set(FLAG_IDS)
    for fid, labels in FLAG_LABELS.items():
        assert tuple(labels) == LANGS, fid
        assert all(label.strip() == label and label for label in labels.values()), fid


def test_texts_are_complete_in_every_language() -> None:
    assert tuple(TEXTS) == LANGS
    keys = {"negated", "history", "form", "none", "empty"}
    keys |= {f"{level}{n}" for level in LEVEL_ORDER for n in ("1", "N")}
    for lang, texts in TEXTS.items():
        assert set(texts) == keys, lang
        assert all(t.strip() == t and t for t in texts.values()), lang


def test_lexicon_terms_are_well_formed() -> None:
    problems: list[str] = []
    for concept, terms in LEXICON.items():
        if not _CONCEPT.fullmatch(concept):
            problems.append(f"concept name {concept!r}")
        if not isinstance(terms, tuple) or not terms:
            problems.append(f"{concept}: no terms (or not a tuple)")
            continue
        if all(isinstance(t, str) and t.startswith("-") for t in terms):
            problems.append(f"{concept}: only blockers")
        for term in terms:
            if (concept, term) in _UNMATCHABLE:
                continue
            if not isinstance(term, str) or not _TERM.fullmatch(term) or term != term.lower():
                problems.append(f"{concept}: malformed term {term!r} (empty, a space, a capital, a stray symbol?)")
                continue
            kind, key, _ = urgency_words._parse_term(concept, term.removeprefix("-"))
            if not key:
                problems.append(f"{concept}: {term!r} folds to nothing")
    assert not problems, "\n".join(problems)


def test_the_unmatchable_allowlist_is_not_stale() -> None:
    for concept, term in _UNMATCHABLE:
        assert term in LEXICON[concept], (concept, term)


def test_every_rule_reads_defined_concepts_and_raises_a_known_flag() -> None:
    known = set(LEXICON) | urgency.NUMBER_CONCEPTS
    for i, rule in enumerate(RULES):
        assert rule.parts.strip() and rule.window >= 0 and rule.unless_window >= 0, rule
        assert rule.flag is not None or rule.emit is not None, f"rule {i} neither raises nor emits"
        if rule.flag is not None:
            assert rule.flag in FLAGS, f"rule {i}: unknown flag {rule.flag!r}"
        missing = _rule_concepts(rule) - known
        assert not missing, f"rule {i} ({rule.parts!r}) reads concepts defined nowhere before it: {missing}"
        if rule.emit is not None:
            assert _CONCEPT.fullmatch(rule.emit), rule
            known.add(rule.emit)


def test_every_flag_is_raised_by_a_rule() -> None:
    raised = {r.flag for r in RULES if r.flag}
    assert raised == set(FLAG_IDS), set(FLAG_IDS) ^ raised


def test_every_concept_the_engine_names_is_defined() -> None:
    engine = _engine_concepts()
    assert urgency.NUMBER_CONCEPTS <= engine, "NUMBER_CONCEPTS lists a concept the number reader does not add"
    assert engine <= set(LEXICON) | urgency.NUMBER_CONCEPTS, engine - set(LEXICON) - urgency.NUMBER_CONCEPTS


def test_every_lexicon_concept_is_used() -> None:
    read = {c for r in RULES for c in _rule_concepts(r)} | _engine_concepts() | NEGATOR_CONCEPTS
    unused = set(LEXICON) - read - {_TYPO_GUARD}
    assert not unused, f"concepts no rule or engine code reads (a misspelt name?): {sorted(unused)}"


def test_concept_sets_name_lexicon_concepts() -> None:
    assert TYPO_CONCEPTS <= set(LEXICON), TYPO_CONCEPTS - set(LEXICON)
    assert NEGATOR_CONCEPTS <= set(LEXICON), NEGATOR_CONCEPTS - set(LEXICON)
    assert set(NEG.split("|")) <= NEGATOR_CONCEPTS
    assert _TYPO_GUARD in LEXICON


def test_word_lists() -> None:
    assert tuple(STOP_WORDS) == LANGS
    for lang, words in STOP_WORDS.items():
        assert words and all(re.fullmatch(_WORD, w) and w == w.lower() for w in words), lang
    for colloquial, standard in COLLOQUIAL.items():
        assert re.fullmatch(_WORD, colloquial) and re.fullmatch(_WORD, standard), (colloquial, standard)
        assert colloquial == colloquial.lower() and standard == standard.lower()
    # compared with folded tokens: they must be folded forms themselves ("kk" folds to "k", listed too)
    assert all(u and u == urgency.fold(u) for u in SHORT_AGE_UNITS)
    assert all(urgency.fold(u) in MONTH_ABBREVIATIONS for u in MONTH_ABBREVIATIONS)
    assert all(w and w == urgency.fold(w) for w in NOT_DENIALS)
    assert not YES_ANSWERS & NO_ANSWERS
    assert all(a == a.casefold().strip() for a in YES_ANSWERS | NO_ANSWERS)
