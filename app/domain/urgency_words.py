"""Which concepts a word of a patient's text names — the urgency engine's word recognition.

Every token and every lexicon term is normalised the same way (:func:`fold`); the lexicon
(:mod:`app.domain.urgency_lexicon`) is compiled once, at import, into prefix, compound-head,
exact and Snowball-stem tables, with a small typo tolerance; :func:`token_concepts` answers for
one token. How the engine combines concepts into red flags (rules, distance, negation, numbers)
is :mod:`app.domain.urgency`; its module docstring explains the whole reading.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping
from functools import lru_cache
from typing import NamedTuple

import snowballstemmer

from app.domain.urgency_lexicon import COLLOQUIAL, LANGS, LEXICON, STOP_WORDS, TYPO_CONCEPTS

# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_SPECIAL = str.maketrans({"ø": "o", "æ": "ae", "œ": "oe", "ð": "d", "þ": "th", "ł": "l", "đ": "d", "ı": "i"})
_RUNS = re.compile(r"(.)\1+")
_APOS = re.compile(r"['’´`ʼ]")


@lru_cache(maxsize=8192)
def fold(word: str) -> str:
    """Case-fold, strip diacritics, collapse runs of one letter. Applied to text and lexicon alike."""
    s = unicodedata.normalize("NFKD", word.casefold().translate(_SPECIAL))
    s = "".join(c for c in s if not unicodedata.combining(c))
    s = _APOS.sub("", s)
    return _RUNS.sub(r"\1", s)


def raw_form(word: str) -> str:
    return _APOS.sub("", unicodedata.normalize("NFC", word.casefold()))


# --------------------------------------------------------------------------------------------
# Compilation
# --------------------------------------------------------------------------------------------


class _Term(NamedTuple):
    concept: str
    ctx_next: tuple[str, ...]
    ctx_prev: tuple[str, ...]


class _Lex(NamedTuple):
    prefix: dict[int, dict[str, list[_Term]]]  # folded prefix by length
    exact: dict[str, list[_Term]]  # folded whole token
    infix: list[tuple[str, _Term]]  # folded, anywhere in the token
    raw_prefix: dict[int, dict[str, list[_Term]]]
    raw_exact: dict[str, list[_Term]]
    stem: dict[str, list[_Term]]  # folded Snowball stem (fi/sv/en) of the token
    raw_infix: list[tuple[str, _Term]]
    suffix: list[tuple[str, _Term]]  # folded, at the end of the token


def _parse_term(concept: str, spec: str) -> tuple[str, str, _Term]:
    ctx_next: tuple[str, ...] = ()
    ctx_prev: tuple[str, ...] = ()
    if ">" in spec:
        spec, rest = spec.split(">", 1)
        ctx_next = tuple(fold(x) for x in rest.split("|"))
    if "<" in spec:
        spec, rest = spec.split("<", 1)
        ctx_prev = tuple(fold(x) for x in rest.split("|"))
    if spec.startswith("~"):
        return "stem", fold(spec[1:]), _Term(concept, ctx_next, ctx_prev)
    raw = spec.startswith("=")
    if raw:
        spec = spec[1:]
    infix = spec.startswith("*")
    if infix:
        spec = spec[1:]
    exact = spec.endswith("$")
    if exact:
        spec = spec[:-1]
    if raw and infix:
        kind, key = "raw_infix", raw_form(spec)
    elif raw:
        kind, key = ("raw_exact" if exact else "raw_prefix"), raw_form(spec)
    elif infix and exact:
        kind, key = "suffix", fold(spec)
    elif infix:
        kind, key = "infix", fold(spec)
    else:
        kind, key = ("exact" if exact else "prefix"), fold(spec)
    return kind, key, _Term(concept, ctx_next, ctx_prev)


def _compile(entries: Mapping[str, Iterable[str]]) -> tuple[_Lex, _Lex]:
    pos = _Lex({}, {}, [], {}, {}, {}, [], [])
    neg = _Lex({}, {}, [], {}, {}, {}, [], [])
    for concept, terms in entries.items():
        for spec in terms:
            lex = pos
            if spec.startswith("-"):
                lex, spec = neg, spec[1:]
            kind, key, term = _parse_term(concept, spec)
            if not key:
                continue
            if kind == "prefix":
                lex.prefix.setdefault(len(key), {}).setdefault(key, []).append(term)
            elif kind == "exact":
                lex.exact.setdefault(key, []).append(term)
            elif kind == "infix":
                lex.infix.append((key, term))
            elif kind == "stem":
                lex.stem.setdefault(key, []).append(term)
            elif kind == "raw_infix":
                lex.raw_infix.append((key, term))
            elif kind == "suffix":
                lex.suffix.append((key, term))
            elif kind == "raw_prefix":
                lex.raw_prefix.setdefault(len(key), {}).setdefault(key, []).append(term)
            else:
                lex.raw_exact.setdefault(key, []).append(term)
    return pos, neg


_POS, _NEGLEX = _compile(LEXICON)

# Typo tolerance. Keys of 4..7 letters forgive one transposition of neighbouring letters
# ("hnegitys", "siezure", "rintakpiu"); keys of 8+ letters also one substitution, insertion or
# deletion ("unconcious", "kourstelee"); keys of 7+ letters also a forgotten last letter
# ("seizur", "headach").
# Shorter keys and function words never match by typo: too many real words are one edit away.
_FUZZY_MIN = 4
_FUZZY_FULL_EDIT = 8
_FZ_TRANS: dict[int, dict[str, list[tuple[_Term, bool]]]] = {}
_FZ_FULL: dict[str, list[tuple[str, bool, _Term]]] = {}
_FZ_TRUNC: dict[str, list[_Term]] = {}
_FZ_INFIX: dict[int, dict[str, list[_Term]]] = {}


def _fuzzy_index() -> None:
    keyed: list[tuple[str, bool, _Term]] = [
        (k, False, t) for bucket in _POS.prefix.values() for k, ts in bucket.items() for t in ts
    ] + [(k, True, t) for k, ts in _POS.exact.items() for t in ts]
    for key, exact, term in keyed:
        if term.concept not in TYPO_CONCEPTS or len(key) < _FUZZY_MIN or not key.isalpha():
            continue
        if len(key) < _FUZZY_FULL_EDIT:
            _FZ_TRANS.setdefault(len(key), {}).setdefault(key, []).append((term, exact))
        else:
            _FZ_FULL.setdefault(key[0], []).append((key, exact, term))
        if not exact and len(key) >= 7:
            _FZ_TRUNC.setdefault(key[:-1], []).append(term)
    for key, term in _POS.infix:
        if term.concept in TYPO_CONCEPTS and _FUZZY_MIN <= len(key) < _FUZZY_FULL_EDIT:
            _FZ_INFIX.setdefault(len(key), {}).setdefault(key, []).append(term)


_fuzzy_index()
_STEMMERS = tuple(snowballstemmer.stemmer(n) for n in ("finnish", "swedish", "english"))
_STEM_PREFIXES = frozenset(k[:2] for k in _POS.stem)


def _transpositions(p: str) -> list[str]:
    return [p[:i] + p[i + 1] + p[i] + p[i + 2:] for i in range(len(p) - 1) if p[i] != p[i + 1]]


def _within_one(a: str, b: str) -> bool:
    """Damerau–Levenshtein distance of exactly one between a and b."""
    la, lb = len(a), len(b)
    if la == lb:
        diff = [i for i in range(la) if a[i] != b[i]]
        if len(diff) == 1:
            return True
        i, j = diff if len(diff) == 2 else (0, 0)
        return len(diff) == 2 and j == i + 1 and a[i] == b[j] and a[j] == b[i]
    if abs(la - lb) != 1:
        return False
    if la > lb:
        a, b = b, a
    i = 0
    while i < len(a) and a[i] == b[i]:
        i += 1
    return a[i:] == b[i + 1:]


def _fuzzy_whole(f0: str) -> list[_Term]:
    """Concepts a token that matched no stem may carry because of one typo."""
    out: list[_Term] = []
    for lk, bucket in _FZ_TRANS.items():
        if lk <= len(f0):
            for v in _transpositions(f0[:lk]):
                for term, exact in bucket.get(v, ()):
                    if not exact or lk == len(f0):
                        out.append(term)
    out.extend(_FZ_TRUNC.get(f0, ()))
    for key, exact, term in _FZ_FULL.get(f0[0], ()):
        lk = len(key)
        if exact:
            if abs(len(f0) - lk) <= 1 and _within_one(f0, key):
                out.append(term)
            continue
        for n in (lk, lk - 1, lk + 1):
            if 0 < n <= len(f0) and _within_one(f0[:n], key) and not (n == lk + 1 and f0[:lk] == key):
                out.append(term)
                break
    return out


def _fuzzy_tail(f0: str, starts: Iterable[int]) -> list[_Term]:
    """Compound heads with a typo after a recognised first part: "rinta|kpiu"."""
    out: list[_Term] = []
    for start in starts:
        tail = f0[start:]
        for lk, bucket in _FZ_INFIX.items():
            if len(tail) >= lk:
                for v in _transpositions(tail[:lk]):
                    out.extend(bucket.get(v, ()))
    return out


@lru_cache(maxsize=65536)
def token_concepts(raw: str) -> tuple[_Term, ...]:
    """Concept terms one token carries (before neighbour context checks). Cached per word."""
    forms_raw = [raw]
    coll = COLLOQUIAL.get(raw)
    if coll:
        forms_raw.append(coll)
    elif raw.endswith("ee") and len(raw) > 4:
        forms_raw.append(raw[:-1] + "ä")  # henkee → henkeä, kipee → kipeä
    folds = [fold(f) for f in forms_raw]
    prefix_lengths: list[int] = []

    def collect(lex: _Lex) -> tuple[list[_Term], list[_Term]]:
        """(anchored terms: raw/prefix/exact/stem, compound heads found inside the token)."""
        out: list[_Term] = []
        heads: list[_Term] = []
        for r in forms_raw:
            for n, bucket in lex.raw_prefix.items():
                if len(r) >= n:
                    out.extend(bucket.get(r[:n], ()))
            out.extend(lex.raw_exact.get(r, ()))
            heads.extend(term for key, term in lex.raw_infix if key in r)
        for f in folds:
            for n, bucket in lex.prefix.items():
                if len(f) >= n:
                    hit = bucket.get(f[:n])
                    if hit:
                        out.extend(hit)
                        prefix_lengths.append(n)
            out.extend(lex.exact.get(f, ()))
            heads.extend(term for key, term in lex.infix if key in f)
            heads.extend(term for key, term in lex.suffix if f.endswith(key))
        if lex.stem and folds[0][:2] in _STEM_PREFIXES:
            for r in forms_raw:
                for st in _STEMMERS:
                    out.extend(lex.stem.get(fold(st.stemWord(r)), ()))
        return out, heads

    anchored, heads = collect(_POS)
    found = anchored + heads
    blocked_anchored, blocked_heads = collect(_NEGLEX)
    blocked_terms = blocked_anchored + blocked_heads
    blocked = {t.concept for t in blocked_terms if not t.ctx_next and not t.ctx_prev}
    found = [t for t in found if t.concept not in blocked]
    # neighbour-conditioned blockers become neighbour conditions on the positive terms
    cond_block = [t for t in blocked_terms if t.ctx_next or t.ctx_prev]
    if cond_block:
        found = [
            _Term(t.concept,
                  t.ctx_next + tuple(x for b in cond_block if b.concept == t.concept for x in b.ctx_next),
                  t.ctx_prev + tuple(x for b in cond_block if b.concept == t.concept for x in b.ctx_prev))
            for t in found
        ]
    f0 = folds[0]
    if not blocked_terms and f0.isalpha() and len(f0) >= _FUZZY_MIN:
        have = {t.concept for t in found}
        extra = [] if anchored else _fuzzy_whole(f0)
        if len(f0) >= 7 and prefix_lengths:
            extra += _fuzzy_tail(f0, {n + k for n in prefix_lengths for k in range(4)})
        found += [t for t in extra if t.concept not in have]
    return tuple(dict.fromkeys(found))


_WORD = re.compile(r"[^\W\d_]+")
_STOP_BY_LANG = {lg: frozenset(fold(w) for w in STOP_WORDS[lg]) for lg in LANGS}


def language_code(lang: str | None) -> str | None:
    """"fi", "sv" or "en" from a tag such as "sv-FI"; None for anything else."""
    code = (lang or "").strip().lower()[:2]
    return code if code in LANGS else None


def guess_language(text: str) -> str | None:
    """The language a text is most likely in, from its function words; None when it does not
    tell (a short text, a tie): the engine then reads it in all three."""
    counts = dict.fromkeys(LANGS, 0)
    for word in _WORD.findall(text):
        f = fold(word)
        for lg in LANGS:
            if f in _STOP_BY_LANG[lg]:
                counts[lg] += 1
    best = max(counts.values())
    winners = [lg for lg, n in counts.items() if n == best]
    return winners[0] if best and len(winners) == 1 else None
