"""The urgency engine's first step: a text as tokens, and where each lexicon concept occurs.

Kept apart from the reading (:mod:`app.domain.urgency`) because it knows nothing of rules,
negation or levels: punctuation makes clause and sentence breaks (a hyphen inside a word does
not), stop words take no place in a rule's window, and numbers are read for what a nurse would
read in them — a temperature, an age, a count of pills, a number of days.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from app.domain.urgency_lexicon import MONTH_ABBREVIATIONS, SHORT_AGE_UNITS, STOP_WORDS
from app.domain.urgency_words import fold, raw_form, token_concepts


_TOKEN_RE = re.compile(
    r"(?P<w>[^\W\d_]+(?:['’´`ʼ][^\W\d_]+)*)|(?P<n>\d+(?:[.,]\d+)?(?:/10)?)|(?P<s>[.!?;\n]+)|(?P<c>[,:()\-–—/])"
)
_SENTENCE_GAP = 3
ANSWER_MARK = re.compile(r"[:?]|\s[-–]\s")
STOP = frozenset(fold(w) for words in STOP_WORDS.values() for w in words)
_AGE_VERBS = frozenset({"on", "oli", "ar", "var", "is", "was"})  # "äiti on 88", "mamma är 88" (folded)


class Tok(NamedTuple):
    raw: str
    fold: str
    pos: int
    start: int
    end: int
    clause: int
    sentence: int = 0


class Occ(NamedTuple):
    lo: int  # position (for windows)
    hi: int
    tlo: int  # token indexes (for fragments and negation)
    thi: int


def tokenize(text: str) -> list[Tok]:
    toks: list[Tok] = []
    pos = 0
    clause = 0
    sentence = 0
    for m in _TOKEN_RE.finditer(text):
        kind = m.lastgroup
        if kind == "s":
            pos += _SENTENCE_GAP
            clause += 1
            sentence += 1
        elif kind == "c":
            if not (m.group() == "-" and 0 < m.start() and m.end() < len(text)
                    and text[m.start() - 1].isalpha() and text[m.end()].isalpha()):
                clause += 1  # a hyphen inside a word joins a compound ("itsemurha-ajatuksia", "tia-kohtaus")
        else:
            raw = raw_form(m.group())
            f = fold(raw)
            toks.append(Tok(raw, f, pos, m.start(), m.end(), clause, sentence))
            if f not in STOP:
                pos += 1
    return toks


def occurrences(toks: list[Tok]) -> dict[str, list[Occ]]:
    occ: dict[str, list[Occ]] = {}
    n = len(toks)
    for i, tok in enumerate(toks):
        if tok.fold.replace(",", "").replace(".", "").replace("/", "").isdigit():
            _numeric(toks, i, occ)
            continue
        for term in token_concepts(tok.raw):
            if term.ctx_next and i + 1 < n and toks[i + 1].fold.startswith(term.ctx_next):
                continue
            if term.ctx_prev and i > 0 and toks[i - 1].fold.startswith(term.ctx_prev):
                continue
            lst = occ.setdefault(term.concept, [])
            if not lst or lst[-1].tlo != i:
                lst.append(Occ(tok.pos, tok.pos, i, i))
    return occ


def _numeric(toks: list[Tok], i: int, occ: dict[str, list[Occ]]) -> None:
    tok = toks[i]
    text = tok.raw
    if text.endswith("/10"):
        if text in ("9/10", "10/10"):
            occ.setdefault("UNBEARABLE", []).append(Occ(tok.pos, tok.pos, i, i))
        return
    if len(text) > 8:
        return  # a phone number, an id: not a temperature, an age or a count
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return
    o = Occ(tok.pos, tok.pos, i, i)
    # "30 paracetamol", "20 tablettia": a count of pills is an overdose candidate
    if value >= 10 and value == int(value) and i + 1 < len(toks) and any(
        t.concept == "SUBSTANCE" for t in token_concepts(toks[i + 1].raw)
    ):
        occ.setdefault("TOO_MANY_TERM", []).append(o)
    if 40.0 <= value <= 44.0:
        occ.setdefault("NUM_HIGH", []).append(o)
    elif 39.0 <= value < 40.0:  # a high fever for a small child or an old person (same-day)
        occ.setdefault("NUM_FEVER", []).append(o)
    # "87 v", "3-vuotias", "5 år", "2 years": a small child's or an old person's age (same-day fever)
    if value == int(value) and i + 1 < len(toks) and any(
        t.concept == "YEAR_UNIT" for t in token_concepts(toks[i + 1].raw)
    ):
        age = "AGE_CHILD" if 1 <= value <= 6 else "AGE_OLD" if 70 <= value <= 110 else None
        if age:
            occ.setdefault(age, []).append(Occ(tok.pos, toks[i + 1].pos, i, i + 1))
    # "äiti on 88", "mamma är 88", "my dad is 89": an old person's age without a unit (not "90 kg")
    elif (70 <= value <= 110 and value == int(value) and i >= 2 and toks[i - 1].fold in _AGE_VERBS
          and any(t.concept == "PERSON" for t in token_concepts(toks[i - 2].raw))
          and not (i + 1 < len(toks) and toks[i + 1].fold.startswith(("kg", "kilo", "cm")))):
        occ.setdefault("AGE_OLD", []).append(Occ(toks[i - 2].pos, tok.pos, i - 2, i))
    # "3 kk", "6 viikon ikäinen", "2 months old": a young infant's age, the unit after the number
    if 0 < value <= 12 and value == int(value) and i + 1 < len(toks):
        unit = toks[i + 1]
        if any(t.concept == "MONTHS" for t in token_concepts(unit.raw)):
            short_unit = unit.fold.startswith(SHORT_AGE_UNITS)
            young = value <= 12 if short_unit else value <= 3
            near = {t.concept for x in toks[i + 1: i + 4] for t in token_concepts(x.raw)}
            if young and (near & {"AGE_WORD", "INFANT"} or unit.fold in MONTH_ABBREVIATIONS):
                occ.setdefault("INFANT_YOUNG", []).append(Occ(tok.pos, unit.pos, i, i + 1))
            elif value >= 3:  # "3 päivää", "5 days": a duration of three days or more
                occ.setdefault("NUM_DAYS", []).append(Occ(tok.pos, unit.pos, i, i + 1))
