"""Negation and history scope for the urgency engine (:mod:`app.domain.urgency`). Pure functions.

Why NegEx
=========
Patients write what they do *not* have as often as what they have ("ei rintakipua, vain yskää",
"Ingen bröstsmärta, bara hosta", "No chest pain, just a rash"). NegEx (Chapman et al. 2001) is
the simplest reading that works on short clinical text without a parser: a *trigger* word opens a
*scope* that runs forward a few tokens and is closed by the end of the clause. A red-flag mention
that starts inside a scope is denied. It is transparent (the nurse can see why), needs no model,
and behaves the same in Finnish, Swedish and English given each language's triggers.

What a scope is
===============
For a trigger at token ``i`` the scope is tokens ``i+1 .. i+WINDOW`` of the same clause, cut
short at a boundary: punctuation (the tokenizer's clause number changes at ``. , ; : ! ?``) or a
contrasting conjunction (``mutta, vaan, vaikka, men, utan, but, however, although, though, yet``
— "ei rintakipua mutta hengitys ei kulje": the second half is not denied). A *pseudo-trigger*
word in the scope before the mention cancels it: "ei oo ikinä ollut **näin** kovaa rintakipua"
(*never had such chest pain*) is an affirmation.

Where the negation is the symptom ("ei saa henkeä", "ei herää", "svarar inte", "can't breathe",
"not breathing") the trigger lies *inside* the matched words of the rule; such a mention is never
denied (see :func:`is_denied`) — recall first.

History
=======
A mention in the same clause as a remote-past marker ("viime vuonna", "vuosia sitten", "förra
året", "för flera år sedan", "last year", "years ago") is history, unless the clause also says
*now / again / today*. Resolution words alone ("meni ohi", "gick över", "went away") do **not**
make a mention history: a chest pain or a one-sided weakness that passed an hour ago is still an
emergency candidate (unstable angina, TIA).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

WINDOW = 4  # tokens a negation reaches forward

# Extra triggers beyond the lexicon's NEG_* concepts (given folded, see urgency.fold).
EXTRA_TRIGGERS = ("never", "denied", "aldrig")

# Contrasting conjunctions that close a scope (raw; the engine folds them).
CONJUNCTIONS = ("mutta", "vaan", "vaikka", "paitsi", "men", "utan", "fast", "but", "however",
                "although", "though", "yet", "except",
                # "and" too: "no fever and chest pain" is ambiguous, and recall comes first
                "ja", "sekä", "och", "samt", "and")

# A trigger right after one of these is a comparison, not a denial ("tuntuu kuin ei olisi oma").
VOIDING = ("kuin", "ikään", "som", "like", "if")

# Words that turn "never/not ... such" into an affirmation (raw; the engine folds them).
PSEUDO = ("näin", "noin", "yhtä", "pahempaa", "kovempaa", "så", "sådan", "sån", "lika", "värre",
          "such", "this", "so", "like", "worse")

# Remote-past markers (raw phrases; compiled with the engine's fold) and "it is now" markers.
HISTORY_PHRASES = (
    "viime vuonna", "viime vuoden", "vuosia sitten", "vuosi sitten", "vuotta sitten", "viime kesänä",
    "viime talvena", "kuukausia sitten", "lapsena",
    "förra året", "för flera år sedan", "år sedan", "för ett år sedan", "i fjol", "som barn",
    "last year", "years ago", "year ago", "months ago", "as a child", "in the past",
)
NOW_PHRASES = (
    "nyt", "taas", "uudestaan", "uudelleen", "tänään", "juuri", "äsken", "tällä hetkellä",
    "nu", "igen", "idag", "just nu", "now", "again", "today", "right now", "currently",
)


def compile_phrases(phrases: Iterable[str], fold: Callable[[str], str]) -> tuple[tuple[str, ...], ...]:
    """Each phrase as a tuple of folded words."""
    return tuple(tuple(fold(w) for w in p.split()) for p in phrases)


def negation_scopes(folds: Sequence[str], clauses: Sequence[int], triggers: Iterable[int],
                    conj: frozenset[str], void: frozenset[str] = frozenset(),
                    window: int = WINDOW) -> list[tuple[int, int, int]]:
    """(trigger, first, last) token indexes of every negation scope; empty scopes are left out.
    ``folds`` are the folded tokens, ``clauses`` their clause numbers, ``conj`` the folded
    conjunctions that close a scope, ``void`` the folded words that void a trigger right after."""
    out: list[tuple[int, int, int]] = []
    for t in sorted(set(triggers)):
        if t > 0 and clauses[t - 1] == clauses[t] and folds[t - 1] in void:
            continue
        last = t
        for j in range(t + 1, min(len(folds), t + 1 + window)):
            if clauses[j] != clauses[t] or folds[j] in conj:
                break
            last = j
        if last > t:
            out.append((t, t + 1, last))
    return out


def is_denied(lo: int, hi: int, folds: Sequence[str], scopes: Sequence[tuple[int, int, int]],
              pseudo: frozenset[str]) -> int | None:
    """The trigger denying a mention at tokens lo..hi, or None.

    Not denied when a trigger lies inside the mention (the negation is the symptom), or when a
    pseudo-trigger stands between the trigger and the mention ("ei ikinä näin kovaa rintakipua")."""
    if any(lo <= t <= hi for t, _, _ in scopes):
        return None
    for t, first, last in scopes:
        if first <= lo <= last and not any(folds[k] in pseudo for k in range(first, lo)):
            return t
    return None


def _has(folds: Sequence[str], idx: Sequence[int], phrases: Iterable[tuple[str, ...]]) -> bool:
    words = [folds[i] for i in idx]
    return any(words[k:k + len(p)] == list(p) for p in phrases for k in range(len(words) - len(p) + 1))


def is_history(lo: int, folds: Sequence[str], clauses: Sequence[int],
               history: Iterable[tuple[str, ...]], now: Iterable[tuple[str, ...]]) -> bool:
    """True when the clause of token ``lo`` has a remote-past marker and no "now" marker."""
    idx = [i for i, c in enumerate(clauses) if c == clauses[lo]]
    return _has(folds, idx, history) and not _has(folds, idx, now)


__all__ = ["CONJUNCTIONS", "EXTRA_TRIGGERS", "HISTORY_PHRASES", "NOW_PHRASES", "PSEUDO", "VOIDING", "WINDOW", "compile_phrases", "is_denied", "is_history", "negation_scopes"]
