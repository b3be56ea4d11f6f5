"""Negation scope and history (app/domain/urgency_scope.py), and the issue-12 corpus figures."""

from __future__ import annotations

from hypothesis import example, given, settings
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
    folds = [fold(w) for w in "äiti ei hengitä".split()]
    scopes = scope.negation_scopes(folds, [0] * 3, {1}, CONJ)
    assert scope.is_denied(1, 2, folds, scopes, PSEUDO) is None  # the mention "ei hengitä"
    assert scope.is_denied(2, 2, folds, scopes, PSEUDO) == 1  # a mention after the trigger only
    # a rule without a negation of its own ("rintaan ei satu": CHEST + PAIN) is denied from inside
    folds = [fold(w) for w in "rintaan ei satu".split()]
    scopes = scope.negation_scopes(folds, [0] * 3, {1}, CONJ)
    assert scope.is_denied(0, 2, folds, scopes, PSEUDO, own_negation=False) == 1
    assert scope.is_denied(0, 2, folds, scopes, PSEUDO, own_negation=True) is None


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


# --------------------------------------------------------------------------------------------
# Person / time (issue 12): lists, pseudo-triggers, recent past, third person
# --------------------------------------------------------------------------------------------

LISTS = frozenset(fold(w) for w in scope.LIST_WORDS)
STOP = frozenset({"any", "of", "my", "mitaan"})


def test_listing_word_carries_the_scope_on_and_restarts_the_window() -> None:
    folds = [fold(w) for w in "denies any chest pain or shortness of breath".split()]
    [(t, first, last)] = scope.negation_scopes(folds, [0] * len(folds), {0}, CONJ, stop=STOP, lists=LISTS)
    assert (t, first, last) == (0, 1, len(folds) - 1)


def test_a_comma_list_is_denied_only_from_its_listing_word() -> None:
    words = "no fever cough or chest pain".split()
    folds, clauses, sentences = [fold(w) for w in words], [0, 0, 1, 1, 1, 1], [0] * 6
    scopes = scope.negation_scopes(folds, clauses, {0}, CONJ, stop=STOP, lists=LISTS, sentences=sentences)
    assert scopes == [(0, 1, 1), (0, 3, 5)]  # "cough", between the comma and "or", is not in it
    # a full stop, or a clause without a listing word, ends it for good
    assert scope.negation_scopes(folds, clauses, {0}, CONJ, lists=LISTS, sentences=[0, 0, 1, 1, 1, 1]) == [(0, 1, 1)]
    words = "no fever chest pain since morning".split()
    folds = [fold(w) for w in words]
    assert scope.negation_scopes(folds, [0, 0, 1, 1, 1, 1], {0}, CONJ, lists=LISTS, sentences=[0] * 6) == [(0, 1, 1)]


def test_an_unjoined_second_item_is_not_denied() -> None:
    folds = [fold(w) for w in "ei kuumetta rintakipua".split()]
    scopes = scope.negation_scopes(folds, [0] * 3, {0}, CONJ, lists=LISTS)
    assert scope.is_denied(2, 2, folds, scopes, PSEUDO, items=[(1, 1), (2, 2)], lists=LISTS) is None
    folds = [fold(w) for w in "ei kuumetta tai rintakipua".split()]
    scopes = scope.negation_scopes(folds, [0] * 4, {0}, CONJ, lists=LISTS)
    assert scope.is_denied(3, 3, folds, scopes, PSEUDO, items=[(1, 1), (3, 3)], lists=LISTS) == 0


def test_the_list_decision_in_the_engine() -> None:
    """Recall first: a second item without a listing word is not denied (urgency.py, decision)."""
    for text, lang in (("ei kuumetta rintakipua", "fi"), ("ingen feber bröstsmärta", "sv"),
                       ("no fever chest pain", "en"), ("No fever, chest pain or cough", "en"),
                       ("Ei kuumetta, rintaan sattuu tai polttaa", "fi")):
        assert assess(text, lang=lang).flags == ("chest_pain",), text
    for text, lang in (("ei kuumetta tai rintakipua", "fi"), ("ei kuumetta eikä rintakipua", "fi"),
                       ("Ei kuumetta, yskää tai rintakipua", "fi"), ("Ingen feber, hosta eller bröstsmärta", "sv"),
                       ("No fever, cough or chest pain", "en"), ("neither fever nor chest pain", "en")):
        a = assess(text, lang=lang)  # the denied fever is shown too (minor_fever, a soon flag)
        assert a.flags == () and "chest_pain" in a.negated, text


def test_pseudo_triggers_and_comparisons_affirm() -> None:
    for text, lang in (("en tiedä onko tää rintakipua", "fi"), ("kipu ei hellitä rinnassa", "fi"),
                       ("ei oo ikinä ollu tällasta rintakipua", "fi"), ("jag vet inte om det är bröstsmärta", "sv"),
                       ("smärtan i bröstet släpper inte", "sv"), ("never had chest pain like this", "en"),
                       ("I have never had chest pain this bad", "en"), ("I don't know if this is chest pain", "en")):
        assert assess(text, lang=lang).level == "emergency", text


def test_a_trigger_inside_a_plain_rule_denies_it() -> None:
    for text, lang in (("rintaan ei koske", "fi"), ("bröstet gör inte ont", "sv"), ("my chest doesn't hurt", "en"),
                       ("lapsella kuumetta 38, ei kouristuksia", "fi")):
        a = assess(text, lang=lang)  # "kuumetta 38" stays what it is: a minor fever (soon)
        assert a.level not in ("emergency", "urgent") and a.negated, text


def test_a_bare_answer_denies_the_mention_before_it() -> None:
    a = assess("Rintakipu: ei. Hengenahdistus: ei. Yskä: kyllä", lang="fi")
    assert (a.flags, a.negated) == ((), ("breathing", "chest_pain"))
    assert assess("Rintakipu: kyllä", lang="fi").flags == ("chest_pain",)
    assert assess("rintakipu, ei muuta", lang="fi").flags == ("chest_pain",)


def test_finnish_en_denies_only_in_finnish() -> None:
    assert assess("en ole ajatellut itsemurhaa", lang="fi").negated == ("suicidal",)
    assert assess("en ole ollut tajuton", lang="fi").flags == ()
    assert assess("en saa henkeä", lang="fi").flags == ("breathing",)


def test_recent_past_is_history_only_when_it_is_over() -> None:
    history = [("rintakipu meni ohi viime viikolla", "fi"), ("rintakipu tutkittiin eilen eikä löytynyt mitään", "fi"),
               ("bröstsmärtan gick över förra veckan", "sv"), ("the chest pain went away last month", "en"),
               ("my chest pain was checked yesterday and they found nothing", "en")]
    for text, lang in history:
        a = assess(text, lang=lang)
        assert (a.flags, a.history) == ((), ("chest_pain",)), text
        assert [f.status for f in a.findings] == ["history"], text
    counted = [("rintakipu meni ohi tunti sitten", "fi"), ("eilen oli kova rintakipu", "fi"),
               ("the chest pain went away", "en"), ("rintakipu meni ohi eilen mutta nyt puristaa taas", "fi"),
               ("viime vuonna oli rintakipua ja nyt samanlaista taas", "fi"),
               ("förra året hade jag bröstsmärta och nu har den kommit tillbaka igen", "sv"),
               ("had chest pain years ago and now the same pain is back again", "en")]
    for text, lang in counted:
        assert assess(text, lang=lang).level == "emergency", text


def test_a_denied_flag_is_reported_as_negated() -> None:
    a = assess("isällä ei ole rintakipua", lang="fi")
    assert a.flags == () and [(f.flag, f.status) for f in a.findings] == [("chest_pain", "negated")]
    assert "rintakipu" in a.explanation


# Third person: "who" never changes what is found
_FIRST_THIRD = [
    ("minulla on kova rintakipu", "isälläni on kova rintakipu", "fi"),
    ("en saa henkeä", "äiti ei saa henkeä", "fi"),
    ("mulla ei oo rintakipua", "isällä ei oo rintakipua", "fi"),
    ("jag har ont i bröstet", "min man har ont i bröstet", "sv"),
    ("jag kan inte andas", "min pappa kan inte andas", "sv"),
    ("I have crushing chest pain", "my father has crushing chest pain", "en"),
    ("I can't breathe", "my daughter can't breathe", "en"),
    ("I had a stroke years ago", "my father had a stroke years ago", "en"),
]


def test_third_person_counts_like_first_person() -> None:
    for first, third, lang in _FIRST_THIRD:
        a, b = assess(first, lang=lang), assess(third, lang=lang)
        assert (a.level, a.flags, a.negated, a.history) == (b.level, b.flags, b.negated, b.history), (first, third)


# --------------------------------------------------------------------------------------------
# Properties
# --------------------------------------------------------------------------------------------

_WORDS = ["ei", "no", "kuumetta", "fever", "or", "tai", "ja", "and", "chest", "pain", "rintakipua", "any", "x"]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(_WORDS), st.sampled_from(["", ",", "."])), min_size=1, max_size=14),
       st.data())
def test_a_scope_never_crosses_a_boundary_except_into_a_comma_list(toks: list[tuple[str, str]],
                                                                   data: st.DataObject) -> None:
    """Every token of a scope is in its trigger's clause, or in the same sentence at or after a
    listing word that follows the comma; nothing after a full stop is ever in it."""
    folds, clauses, sentences = [], [], []
    clause = sentence = 0
    for word, punct in toks:
        folds.append(fold(word))
        clauses.append(clause)
        sentences.append(sentence)
        clause += punct != ""
        sentence += punct == "."
    triggers = set(data.draw(st.lists(st.integers(0, len(folds) - 1), max_size=3)))
    for t, first, last in scope.negation_scopes(folds, clauses, triggers, CONJ, stop=STOP, lists=LISTS,
                                                sentences=sentences):
        assert t < first <= last
        for k in range(first, last + 1):
            assert sentences[k] == sentences[t]
            if clauses[k] != clauses[t]:
                assert any(folds[j] in LISTS and clauses[j] == clauses[k] for j in range(first, k + 1))
            assert folds[k] not in CONJ


def _emergencies() -> list[tuple[str, str]]:
    from tests.unit.test_urgency_levels import ALL

    return [(x.text, x.lang) for x in ALL if x.level == "emergency"]


_EMERGENCIES = _emergencies()
_PERSONS = {"fi": ["Isälläni:", "Äiti:", "Mun pojalla"], "sv": ["Min pappa:", "Min man:", "Mormor"],
            "en": ["My father:", "My daughter says", "My husband"]}


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(_EMERGENCIES), st.integers(0, 2))
def test_prefixing_a_person_keeps_an_emergency(entry: tuple[str, str], k: int) -> None:
    text, lang = entry
    assert assess(f"{_PERSONS[lang][k]} {text}", lang=lang).level == "emergency", text


@settings(max_examples=120, deadline=None)
@given(st.sampled_from(_EMERGENCIES), st.sampled_from([", ei muuta", ", ei kuumetta", ", inget annat",
                                                       ", ingen feber", ", nothing else", ", no fever"]))
def test_appending_a_denial_of_something_else_keeps_the_flags(entry: tuple[str, str], tail: str) -> None:
    text, lang = entry
    before = assess(text, lang=lang)
    after = assess(text.rstrip(".!") + tail, lang=lang)
    assert after.level == "emergency" and set(before.flags) <= set(after.flags), (text, tail)


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(_EMERGENCIES), st.sampled_from(["Ei kuumetta.", "Ingen feber.", "No fever.",
                                                       "En ole ollut matkoilla.", "I do not smoke."]))
def test_a_denial_in_an_earlier_sentence_never_reaches_a_later_one(entry: tuple[str, str], head: str) -> None:
    text, lang = entry
    assert assess(f"{head} {text}", lang=lang).level == "emergency", (head, text)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(["fever", "cough", "rash", "headache", "sore throat"]), min_size=0, max_size=4))
def test_a_list_joined_by_or_is_denied_whatever_its_length(others: list[str]) -> None:
    text = "no " + " or ".join([*others, "chest pain"])
    a = assess(text, lang="en")
    assert a.level != "emergency" and "chest_pain" in a.negated, text


def test_a_denied_part_does_not_hide_another_reading_of_the_rule() -> None:
    """"sekava, ei kuumetta" denies the fever, not the confusion: CONFUSED + PERSON still holds."""
    a = assess("mummu kaatu ja on nyt tosi sekava, ei kuumetta", lang="fi")
    assert a.flags == ("general_condition",)
    # a negation that is not a word of a negation rule denies from inside ("doesn't seem confused")
    assert assess("he doesn't seem confused and his speech is normal", lang="en").level != "emergency"


def test_ei_ole_after_a_mention_denies_it_unless_it_is_about_letting_up() -> None:
    for text in ("rintakipua ei ole", "rintakipua ei enää ole", "rintakipua ei ole ollut"):
        assert assess(text, lang="fi").negated == ("chest_pain",), text
    for text, lang in (("rintakipu ei oo mennyt ohi", "fi"), ("bröstsmärtan har inte gått över", "sv"),
                       ("the chest pain hasn't gone away", "en")):
        assert assess(text, lang=lang).level == "emergency", text
    assert "chest_pain" in assess("varken feber eller bröstsmärta", lang="sv").negated


def test_a_person_or_an_everyday_symptom_ends_what_a_denial_covers() -> None:
    """No punctuation: "ei nuhaa äidillä rintakipu …" — "nuhaa", "äidillä" are other items; "yöllä",
    "kovaa", "episodes of" qualify the denied symptom."""
    for text, lang in (("ei nuhaa äidillä rintakipu säteilee leukaan", "fi"),
                       ("ingen snuva pappa har tryck över bröstet", "sv"),
                       ("not a cold his face is drooping", "en"), ("no cold my dad has crushing chest pain", "en")):
        assert assess(text, lang=lang).level == "emergency", text
    for text, lang in (("ei oo ollu minkäänlaista rintakipua", "fi"), ("ei kovaa äkillistä päänsärkyä", "fi"),
                       ("ei yöllä hengenahdistusta", "fi"), ("no episodes of chest pain", "en"),
                       ("I haven't noticed any chest pain", "en"), ("jag har inte känt någon smärta i bröstet", "sv")):
        assert assess(text, lang=lang).level != "emergency", text


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(_EMERGENCIES), st.sampled_from(["ei yskää", "ei nuhaa", "inte förkyld", "ingen snuva",
                                                       "not coughing", "no cold"]))
@example(("han har blod i kräkningarna", "sv"), "not coughing")  # CI found it: the cough took the blood
def test_a_denial_run_on_without_punctuation_keeps_an_emergency(entry: tuple[str, str], head: str) -> None:
    text, lang = entry
    assert assess(f"{head} {text}", lang=lang).level == "emergency", (head, text)


# Held-out emergency round (tests/unit/corpus_heldout_emergency.py): the scope gaps it showed

def test_a_year_dates_a_mention_but_a_date_does_not() -> None:
    for text, lang in [("isällä oli sydäninfarkti 2019, nyt kaipaa vaan verikokeita", "fi"),
                       ("pappa hade en hjärtinfarkt 2019, behöver bara blodprover", "sv"),
                       ("dad overdosed in 2020 and was in hospital", "en")]:
        a = assess(text, lang=lang)
        assert a.level != "emergency" and a.history, text
    for text, lang in [("rintakipu alkoi 3.12.2026 aamulla", "fi"), ("chest pain since 2026-12-03", "en"),
                       ("sydäninfarkti 2019 ja nyt taas rintakipua", "fi")]:
        assert assess(text, lang=lang).level == "emergency", text


def test_youth_and_used_to_are_remote_past() -> None:
    for text, lang in [("hade självmordstankar i tonåren, mår bra nu", "sv"),
                       ("used to get chest pains, want heartburn meds", "en"),
                       ("itsemurha-ajatuksia oli nuorena, nyt menee hyvin", "fi")]:
        a = assess(text, lang=lang)
        assert a.level != "emergency" and a.history, text
    # "förr" alone folds to "for": no history marker ("gasping for breath")
    assert assess("my son is gasping for breath", lang="en").level == "emergency"


def test_a_past_examination_of_the_mention_is_history() -> None:
    for text, lang in [("rintakipu tutkittiin päivystyksessä ja sydänfilmi oli normaali, kysyn jatkosta", "fi"),
                       ("bröstsmärtan undersöktes på akuten och EKG var normalt", "sv"),
                       ("had chest pains last summer, got checked and all fine", "en")]:
        a = assess(text, lang=lang)
        assert (a.flags, a.history) == ((), ("chest_pain",)), text
    # another thing examined, a denied examination, a worsening or a contrast: counted
    for text, lang in [("rintakipua aamusta, verenpaine tutkittiin eilen", "fi"),
                       ("verenpaine tutkittiin ja nyt rintakipua", "fi"),
                       ("my blood pressure was checked at the pharmacy, chest pain since this morning", "en"),
                       ("chest pain, has not been checked", "en"),
                       ("rintakipu tutkittiin eilen, nyt se on pahempi", "fi"),
                       ("dad was checked yesterday and told it was fine but he wont wake up", "en")]:
        assert assess(text, lang=lang).level == "emergency", text


def test_a_denied_recurrence_is_no_recurrence() -> None:
    for text, lang in [("hade en tryckkänsla i bröstet för ett par veckor sedan men den gick över och har inte "
                        "kommit tillbaka", "sv"),
                       ("had a tight feeling in my chest a couple of weeks ago but it went away and hasnt come back",
                        "en")]:
        a = assess(text, lang=lang)
        assert a.level != "emergency" and a.history == ("chest_pain",), text


def test_a_denial_covers_the_start_of_a_mention_with_another_denial_inside() -> None:
    # NECK_STIFF + HEADACHE, SEIZURE_WEAK + WHOLE_BODY: the first part is denied by "ei"
    for text in ("ei niskajäykkyyttä eikä ihottumaa, päänsärkyä vaan", "ei kramppeja eikä kouristuksia, jalat vaan väsyy"):
        assert assess(text, lang="fi").level != "emergency", text
    # a denial *inside* a mention whose start is not denied still leaves it counted
    assert assess("kipu ei hellitä rinnassa vaikka otin nitron", lang="fi").level == "emergency"


def test_a_hyphenated_compound_is_one_clause() -> None:
    a = assess("itsemurha-ajatuksia on ollut viikon", lang="fi")
    assert a.flags == ("suicidal",)
    assert assess("ei itsemurha-ajatuksia", lang="fi").negated == ("suicidal",)


def test_a_negated_ability_stays_in_its_clause() -> None:
    # "går" (goes) + "ingen" across a comma is no "går inte" (cannot)
    a = assess("andningen går bra, ingen andnöd, bara hosta", lang="sv")
    assert a.level != "emergency" and a.negated == ("breathing",)
    assert assess("jag kan inte andas", lang="sv").flags == ("breathing",)


def test_a_swedish_inte_after_the_verb_of_a_mention_denies_it() -> None:
    a = assess("talet är normalt och ansiktet hänger inte, handen domnar bara på natten", lang="sv")
    assert a.level != "emergency" and "stroke" in a.negated
    # but not where "inte" belongs to another verb, is the symptom, or starts a comparison
    for text in ("bröstsmärtan går inte över", "han andas inte", "armen lyder inte", "mamma vaknar inte",
                 "ansiktet hänger inte så mycket men talet är sluddrigt"):
        assert assess(text, lang="sv").level == "emergency", text


def test_seasons_and_youth_of_others_are_remote_past() -> None:
    for text, lang in [("fick allergisk chock av geting i somras, behöver hyposensibilisering", "sv"),
                       ("had anaphylactic shock from a wasp last summer, need desensitisation", "en"),
                       ("sonen hade feberkramp som bebis, nu 6 år och vi undrar om vaccin", "sv"),
                       ("my wife attempted suicide when she was young, doing well now, needs a form", "en")]:
        a = assess(text, lang=lang)
        assert a.level != "emergency" and a.history, text


def test_standalone_years_are_not_dates() -> None:
    text = "2019 ja 3.12.2026 ja 2026-12-03 ja 1234 ja 2020."
    spans = [(m.start(), m.end()) for m in __import__("re").finditer(r"\d+", text)]
    years = {text[spans[i][0]:spans[i][1]] for i in scope.standalone_years(text, spans)}
    assert years == {"2019", "2020"}
