"""The soon (1–3 days) and non_urgent (administrative) levels (app/domain/urgency_routine.py).

The level figures over the whole corpus are tests/unit/test_urgency_levels.py; here: the tables,
the safety rule (an administrative flag never wins over a symptom the patient reports now), and
properties over combinations of administrative phrases, symptoms and emergencies.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app.domain import urgency_routine
from app.domain.urgency import FLAGS, assess, reason
from app.domain.urgency_lexicon import FLAG_LABELS, LANGS
from tests.unit.corpus_routine import ADMIN_WITH_SYMPTOM, NON_URGENT_CORPUS, SOON_CORPUS
from tests.unit.urgency_corpus import CORPUS

ADMIN = [t for t, _, level, _ in NON_URGENT_CORPUS if level == "non_urgent"]
EMERGENCIES = [t for t, _, e, _ in CORPUS if e]
# symptoms no soon/urgent rule grades (a plain headache, dizziness, a lump …) and ones that are graded
SYMPTOMS = [
    "päätä särkee", "huimaa aamuisin", "olen oksentanut", "rinnassa tuntuu kyhmy", "ihottumaa käsissä",
    "ollut tosi väsynyt", "mahaa kipristää", "vatsa kipeä", "yskä", "kuumetta", "nuha",
    "jag är yr", "ont i magen", "utslag på armarna", "jag kräks", "hosta", "feber", "illamående",
    "my head hurts", "feeling dizzy", "a rash on my arms", "I keep vomiting", "stomach ache", "a lump",
    "sore knee", "cough", "runny nose", "swollen ankle",
]
DENIALS = {"fi": ["ei oireita", "ei kuumetta", "ei kipuja"], "sv": ["inga symtom", "ingen feber", "ingen smärta"],
           "en": ["no symptoms", "no fever", "no pain"]}
ADMIN_DENIED = [(admin, denial, lang) for admin, lang, level, _ in NON_URGENT_CORPUS if level == "non_urgent"
                for denial in DENIALS[lang]]


def test_every_new_flag_has_a_level_a_label_and_a_reason_in_every_language() -> None:
    for level, ids in urgency_routine.LEVEL_FLAGS.items():
        assert ids and level in ("soon", "non_urgent")
        for fid in ids:
            assert FLAGS[fid].level == level
            assert set(FLAG_LABELS[fid]) == set(LANGS) and all(FLAG_LABELS[fid].values()), fid
            assert all(reason(fid, lg) for lg in LANGS), fid
    assert set(urgency_routine.FLAG_LABELS) == set(urgency_routine.FLAG_REASONS)


def test_the_corpus_meets_its_sizes() -> None:
    for level, entries, per_lang in (("soon", SOON_CORPUS, 22), ("non_urgent", NON_URGENT_CORPUS, 12)):
        for lang in LANGS:
            assert sum(x[1] == lang and x[2] == level for x in entries) >= per_lang, (level, lang)
    assert len([x for x in SOON_CORPUS if x[2] == "soon"]) >= 75
    assert len([x for x in NON_URGENT_CORPUS if x[2] == "non_urgent"]) >= 40
    assert len(ADMIN_WITH_SYMPTOM) >= 12


@pytest.mark.parametrize("text", ADMIN_WITH_SYMPTOM)
def test_an_administrative_text_with_a_symptom_is_never_non_urgent(text: str) -> None:
    a = assess(text)
    assert a.level != "non_urgent", a
    assert not any(FLAGS[f].level == "non_urgent" for f in a.flags), a


@pytest.mark.parametrize(("text", "lang", "level"), [
    ("haluaisin uusia reseptin, mutta nyt puristaa rinnassa", "fi", "emergency"),
    ("reseptin uusinta, päätä särkee", "fi", "unassessed"),  # a symptom no rule grades: the nurse decides
    ("reseptin uusinta, korva kipeä", "fi", "soon"),
    ("reseptin uusinta, ei kuumetta", "fi", "non_urgent"),  # a denied symptom is no report
    ("förnya receptet, inga symtom", "sv", "non_urgent"),
    ("renew my prescription, I had a rash years ago", "en", "non_urgent"),  # remote past
    ("renew my prescription, I have a rash", "en", "unassessed"),
    ("kuume 40,5", "fi", "urgent"),  # not also a minor fever
])
def test_levels(text: str, lang: str, level: str) -> None:
    assert assess(text, lang=lang).level == level


def test_explanations_name_the_level_in_each_language() -> None:
    assert assess("reseptin uusinta", lang="fi").explanation.startswith("Hallinnollinen asia: reseptin uusinta")
    assert assess("förnya recept", lang="sv").explanation.startswith("Administrativt ärende")
    assert assess("earache", lang="en").explanation.startswith("Assessment within 1–3 days: ear ache")
    b = assess("kuume 38 ja korva kipeä", lang="fi")
    assert b.flags == ("ear_pain",) and b.matched, b  # the fever is the ear's, not a flag of its own


_JOIN = st.sampled_from([". ", ", ", " ja ", " och ", " and ", "\n", " "])


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
# As a sentence of its own or after a comma: an emergency rule's ``unless`` words (WANT, COMMS,
# ABOUT in urgency_lexicon) hold only within its own clauses ("isä ei herää, vill boka tid").
@given(st.sampled_from(EMERGENCIES), st.sampled_from(ADMIN), st.sampled_from([". ", "\n", "! ", ", "]), st.booleans())
def test_an_administrative_phrase_never_lowers_an_emergency(emergency: str, admin: str, join: str, first: bool) -> None:
    text = admin + join + emergency if first else emergency + join + admin
    assert assess(text).level == "emergency", text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ADMIN), st.sampled_from(SYMPTOMS), _JOIN, st.booleans())
def test_non_urgent_is_never_suggested_when_a_symptom_is_mentioned(admin: str, symptom: str, join: str,
                                                                  first: bool) -> None:
    text = admin + join + symptom if first else symptom + join + admin
    assert assess(text).level != "non_urgent", text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(ADMIN_DENIED), st.booleans())
def test_a_denied_symptom_does_not_block_an_administrative_matter(case: tuple[str, str, str], first: bool) -> None:
    admin, denial, lang = case  # in the contact's language ("no" is a denial only in English)
    text = f"{denial}, {admin}" if first else f"{admin}. {denial}"
    assert assess(text, lang=lang).level == "non_urgent", text


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([t for t, _, level, _ in SOON_CORPUS if level == "soon"]), st.sampled_from(ADMIN), _JOIN)
def test_a_soon_matter_stays_soon_or_higher_with_admin_words(soon: str, admin: str, join: str) -> None:
    assert assess(admin + join + soon).level in ("emergency", "urgent", "soon"), admin + join + soon
