"""Negation scope and history (app/domain/urgency_scope.py), and the issue-12 corpus figures."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from app.domain import urgency_scope as scope
from app.domain.urgency import FLAGS, assess, fold
from tests.unit.urgency_corpus import HIST, MIXED, NEG, NEGATION_CORPUS, SYMPT

CONJ = frozenset(fold(w) for w in scope.CONJUNCTIONS)
VOID = frozenset(fold(w) for w in scope.VOIDING)
PSEUDO = frozenset(fold(w) for w in scope.PSEUDO)


def _scopes(words: str, triggers: set[int], clauses: list[int] | None = None) -> list[tuple[int, int, int]]:
    folds = [fold(w) for w in words.split()]
    return scope.negation_scopes(folds, clauses or [0] * len(folds), triggers, CONJ, VOID)


def test_trigger_opens_a_forward_scope() -> None:
    assert _scopes("ei rintakipua vain yskää", {0}) == [(0, 1, 3)]


def test_window_limits_the_scope() -> None:
    assert _scopes("no a b c d e f", {0}) == [(0, 1, scope.WINDOW)]


def test_clause_boundary_ends_the_scope() -> None:
    # "ei kuumetta, rintakipua": the comma starts clause 1
    assert _scopes("ei kuumetta rintakipua", {0}, [0, 0, 1]) == [(0, 1, 1)]


def test_conjunction_ends_the_scope() -> None:
    for text in ("ei kuumetta mutta rintakipua", "ingen feber men bröstsmärta", "no fever but chest pain"):
        assert _scopes(text, {0}) == [(0, 1, 1)], text


def test_comparison_voids_a_trigger_and_trigger_at_end_has_no_scope() -> None:
    assert _scopes("tuntuu kuin ei olisi oma", {2}) == []
    assert _scopes("rintakipu ei", {1}) == []


def test_denial_inside_the_mention_is_the_symptom() -> None:
    folds = [fold(w) for w in "äiti ei pysty hengittämään".split()]
    scopes = scope.negation_scopes(folds, [0] * 4, {1}, CONJ)
    assert scope.is_denied(1, 3, folds, scopes, PSEUDO) is None  # the mention "ei pysty hengittämään"
    assert scope.is_denied(3, 3, folds, scopes, PSEUDO) == 1  # a mention after the trigger only


def test_pseudo_trigger_is_an_affirmation() -> None:
    folds = [fold(w) for w in "ei oo ikinä näin kovaa rintakipua".split()]
    scopes = scope.negation_scopes(folds, [0] * 6, {0}, CONJ, window=6)
    assert scope.is_denied(5, 5, folds, scopes, PSEUDO) is None


def test_history_needs_a_past_marker_and_no_now() -> None:
    hist = scope.compile_phrases(scope.HISTORY_PHRASES, fold)
    now = scope.compile_phrases(scope.NOW_PHRASES, fold)
    folds = [fold(w) for w in "viime vuonna oli rintakipua".split()]
    assert scope.is_history(3, folds, [0] * 4, hist, now)
    folds = [fold(w) for w in "viime vuonna oli rintakipua nyt taas".split()]
    assert not scope.is_history(3, folds, [0] * 6, hist, now)
    folds = [fold(w) for w in "rintakipu meni ohi".split()]
    assert not scope.is_history(0, folds, [0] * 3, hist, now)  # resolved is not history


# not "kissa": "ei kissa" is one typo from "ei pissaa" (urinary retention), a known near miss
_PLAIN = ["auto", "resepti", "aika", "katt", "bil", "recept", "cat", "car", "appointment",
          "kuumetta", "yskää", "hosta", "cough", "flunssa", "lomake"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.sampled_from(_PLAIN), min_size=1, max_size=6), st.integers(0, 5))
def test_ei_before_a_plain_word_never_creates_a_flag(words: list[str], k: int) -> None:
    # since the soon / non_urgent levels, plain words may raise an everyday flag ("kuumetta",
    # "resepti"); "ei" must still never add a symptom flag, nor anything urgent
    plain = " ".join(words)
    negated = " ".join([*words[:k], "ei", *words[k:]])
    before = assess(plain)
    assert before.level not in ("emergency", "urgent"), before
    after = assess(negated)
    assert {f for f in after.flags if FLAGS[f].level != "non_urgent"} <= set(before.flags), (before, after)
    assert after.level not in ("emergency", "urgent"), after


_FLAGGED = [t for t, _, e, c in NEGATION_CORPUS if e] + ["rintakipu", "en saa henkeä", "kan inte andas"]


@settings(max_examples=60, deadline=None)
@given(st.sampled_from(_FLAGGED), st.sampled_from([". Ei muuta.", ". Inget mer.", ". Nothing else.", "\nEi muuta"]))
def test_a_flag_followed_by_ei_muuta_keeps_the_flag(text: str, tail: str) -> None:
    a = assess(text)
    assert a.level == "emergency"
    assert assess(text + tail).flags == a.flags


def test_negation_corpus_figures() -> None:
    """Emergency recall 100 % on the symptom/mixed phrasings; ≤ 5 % false alarms on negated +
    historic ones (reported per category and language)."""
    missed: list[str] = []
    alarms: dict[tuple[str, str], list[str]] = {}
    counts: dict[tuple[str, str], int] = {}
    for text, lang, expected, cat in NEGATION_CORPUS:
        a = assess(text, lang=lang)
        counts[(cat, lang)] = counts.get((cat, lang), 0) + 1
        if expected and a.level != "emergency":
            missed.append(text)
        if not expected and a.level == "emergency":
            alarms.setdefault((cat, lang), []).append(text)
    routine = [c for c in NEGATION_CORPUS if c[3] in (NEG, HIST)]
    n_alarm = sum(len(v) for v in alarms.values())
    report = {k: f"{len(alarms.get(k, []))}/{n}" for k, n in sorted(counts.items()) if k[0] in (NEG, HIST)}
    print(f"\nnegation corpus: recall {1 - len(missed) / (len(NEGATION_CORPUS) - len(routine)):.0%}, "
          f"false alarms {n_alarm}/{len(routine)} {report}")
    assert not missed, missed
    assert n_alarm / len(routine) <= 0.05, (report, alarms)
    assert len(NEGATION_CORPUS) >= 60
    # the examples: mentioned, shown as not counted
    assert assess("ei rintakipua, vain yskää viikon").negated == ("chest_pain",)
    assert assess("Ingen bröstsmärta, bara hosta", lang="sv").negated == ("chest_pain",)
    assert assess("No chest pain, just a rash on my arm", lang="en").negated == ("chest_pain",)
    assert assess("Viime vuonna oli rintakipua, nyt kysyisin kolesterolista").history == ("chest_pain",)
    for cat in (NEG, HIST, SYMPT, MIXED):
        assert {c[1] for c in NEGATION_CORPUS if c[3] == cat} == {"fi", "sv", "en"}, cat
