"""Negation and history scope for the urgency engine (:mod:`app.domain.urgency`). Pure functions.

Why NegEx
=========
Patients write what they do *not* have as often as what they have ("ei rintakipua, vain yskää",
"Ingen bröstsmärta, bara hosta", "No chest pain, just a rash"). NegEx (Chapman et al. 2001) is
the simplest reading that works on short clinical text without a parser: a *trigger* word opens a
*scope* that runs forward a few words and is closed by the end of the clause. A red-flag mention
that starts inside a scope is denied. It is transparent (the nurse can see why), needs no model,
and behaves the same in Finnish, Swedish and English given each language's triggers.

What a scope is
===============
For a trigger at token ``i`` the scope runs forward over ``WINDOW`` content words (function
words such as "any, of, my, mitään" do not count) of the same clause. It is closed by:

- punctuation (the tokenizer's clause number changes at ``. , ; : ! ?``);
- a contrasting, additive or subordinating conjunction (``mutta, ja, koska, kun, joka, men,
  och, eftersom, när, but, and, because, when, which`` …): "ei rintakipua mutta hengitys ei
  kulje", "en pysty nukkumaan kun rintaan sattuu" — the second half is not denied;
- **another item not joined by a listing word** (decision, issue 12). "ei kuumetta rintakipua"
  is far more often a missing comma ("no fever; chest pain") than a denied list, so a negation
  covers the first symptom after it and reaches a second one only through ``tai, eikä, eli,
  eller, or, nor`` ("ei kuumetta tai rintakipua", "denies chest pain or shortness of breath";
  each listing word also restarts the window). Missing an emergency is the worse error. An
  item is another flag's mention, an everyday symptom, or a person or subject pronoun — a new
  subject in a message typed without punctuation ("ei yskää isä ei saa henkeä", "no cold my dad
  has crushing chest pain"); other words ("ei *yöllä* hengenahdistusta") qualify the symptom.

A comma ends the scope too, with one exception: a denied list written with commas, "No fever,
cough or chest pain", "Ei kuumetta, yskää tai rintakipua", "Ingen feber, hosta eller
bröstsmärta". After a comma the scope resumes *at the listing word* of the next clause, so the
items after "or/tai/eller" are denied; an item between the comma and the listing word is not
("No fever, chest pain or cough" still raises chest pain), and neither is anything in a clause
without a listing word ("Ei kuumetta, rintakipua aamusta asti").

A *pseudo-trigger* in the scope before the mention cancels it: "ei oo ikinä ollut **näin**
kovaa rintakipua" (*never had such chest pain*), "en **tiedä** onko tämä rintakipua", "kipu
ei **hellitä** rinnassa" (the negation belongs to "let up", not to the pain), "jag vet inte **om**
…". A comparison right after the mention does the same ("never had chest pain **like** this").

Where the negation is the symptom ("ei saa henkeä", "ei herää", "svarar inte", "can't breathe",
"not breathing") the trigger is a word of a rule that has a negation among its parts; such a
mention is never denied — recall first. Any other trigger inside a mention denies it when the
mention ends in its scope: "rintaan ei koske", "bröstet gör inte ont", "he doesn't seem
confused", "kuumetta 38, ei kouristuksia" (fever, and no cramps: not a febrile seizure) — unless
the rule still holds without the denied words (the engine looks again: "mummu on sekava, ei
kuumetta" is still CONFUSED + PERSON). "… ei (enää) ole" right after a mention denies it, but
not "… ei oo mennyt ohi"; so does a bare answer, "Rintakipu: ei.", "Chest pain: no", and a
Swedish "inte" right after a mention ending in its verb ("ansiktet hänger inte"; not "bröstsmärtan
går inte över", where "går" is no part of the mention). A denial whose scope covers a mention's
start denies it even when another trigger lies inside ("ei niskajäykkyyttä eikä ihottumaa,
päänsärkyä": the stiff neck is denied).

History
=======
A mention is history when its clause has a remote-past marker ("viime vuonna", "vuosia sitten",
"lapsena", "förra året", "i tonåren", "last year", "years ago", "used to") or a year on its own
("2019", not a date's "3.12.2026"); or a recent-past marker ("eilen", "viime viikolla", "igår",
"förra veckan", "yesterday", "last month") *and* its sentence says it is over ("meni ohi",
"tutkittiin … eikä löytynyt mitään", "gick över", "hittade ingenting", "went away", "found
nothing"); or a past examination of it ("rintakipu tutkittiin päivystyksessä", "chest pain was
checked in a&e", "had chest pains, got checked and all fine" — not "verenpaine tutkittiin ja nyt
rintakipua", nor "ei ole tutkittu"). It is not history when its clause says *now / still /
today*, or its sentence says *again / the same / came back / worse* ("viime vuonna oli
rintakipua ja nyt samanlaista taas"; "has not come back" is no recurrence); a resolution before
the mention with "mutta / men / but" between does not count. Resolution words alone ("meni ohi", "gick
över", "went away") do **not** make a mention history: a chest pain or a one-sided weakness that
passed an hour ago is still an emergency candidate (unstable angina, TIA).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import NamedTuple

WINDOW = 4  # content words a negation reaches forward
_LIST_LOOKAHEAD = 3  # content words after a comma within which a listing word continues a denied list

# Extra triggers beyond the lexicon's NEG_* concepts (raw; the engine folds them).
EXTRA_TRIGGERS = ("never", "neither", "varken", "free", "denied", "deny", "denying", "nothing", "none", "aldrig")

# Words that close a scope (raw): contrasting, additive ("no fever and chest pain" is ambiguous,
# and recall comes first) and subordinating conjunctions, relative pronouns.
CONJUNCTIONS = ("mutta", "vaan", "vaikka", "paitsi", "men", "utan", "fast", "but", "however",
                "although", "though", "yet", "except",
                "ja", "sekä", "och", "samt", "and",
                "koska", "kun", "jotta", "joten", "joka", "jonka", "mikä", "sillä",
                "eftersom", "när", "därför", "pga",
                "because", "since", "due", "when", "while", "which", "whereas")

# Listing words: a negation reaches the next item only through one of these (raw).
LIST_WORDS = ("tai", "taikka", "tahi", "eikä", "enkä", "eli", "eller", "or", "nor")

# A trigger right after one of these is a comparison, not a denial ("tuntuu kuin ei olisi oma").
VOIDING = ("kuin", "ikään", "som", "like", "if")

# Words that turn "never/not ... such" into an affirmation, or show the negation belongs to
# something else (not knowing, whether, ability, letting up) (raw; the engine folds them).
PSEUDO = ("näin", "noin", "yhtä", "pahempaa", "kovempaa", "tällaista", "tällasta", "tämmöistä",
          "tämmöstä", "tuollaista", "tollasta", "ennen",
          "tiedä", "tiennyt", "varma", "onko", "jos", "olisiko",
          "hellitä", "hellittänyt", "helpota", "helpottanut", "lakkaa", "lakannut", "lopu",
          "loppunut", "parane", "parantunut", "mene", "mennyt", "pysty", "voi", "jaksa",
          "så", "sådan", "sån", "lika", "värre", "förut", "vet", "säker", "om",
          "släpper", "släppt", "avtar", "slutar", "lättar", "ger", "går", "blir", "kan", "orkar",
          "such", "this", "so", "like", "worse", "before", "know", "sure", "whether",
          "stop", "stopping", "ease", "easing", "eased", "go", "going", "improve", "improving",
          "settle", "settling", "subside", "let", "able")
# Comparisons right after a mention (within two words) that make "never … chest pain like this",
# "never had chest pain this bad" an affirmation.
PSEUDO_AFTER = ("like", "such", "worse", "before", "bad", "severe", "strong", "intense",
                "näin", "tällaista", "tällasta", "tämmöistä", "tämmöstä", "pahempaa", "kovaa", "ennen",
                "sådan", "sån", "värre", "förut")

# What makes another item of a list between a trigger and a mention, besides every flag's own
# mentions: everyday symptoms ("ei kuumetta rintakipua", "ei yskää isä ei saa henkeä"), a person
# or a subject pronoun ("no cold my dad has chest pain", "inte förkyld men han …"). Concepts of the
# lexicon, and folded words or word starts (``"stem*"``) it does not know. Anything else between —
# "ei *kovaa* rintakipua", "ei *yöllä* hengenahdistusta", "no *episodes of* chest pain" — is
# read as qualifying the denied symptom (the window still ends the scope).
ITEM_CONCEPTS = ("FEVER", "COUGH", "VOMIT", "RASH", "HEADACHE_TOKEN", "PAIN", "COLD", "PERSON", "CHILD",
                 "ELDERLY", "INFANT")
ITEM_WORDS = ("yskä*", "yski*", "nuha*", "flunssa*", "huimau*", "ripuli*", "pahoinvoin*", "väsymy*",
              "aivastu*", "tytär*", "minä", "mä",
              "snuva*", "förkyl*", "yrsel*", "illamående*", "diarré*", "nysning*", "trött*", "fru", "frun",
              "man", "mannen", "make", "maken", "jag",
              "flu", "dizz*", "nause*", "diarrh*", "sniffl*", "sneez*", "runny", "tired*", "i")

# A bare denial answering a mention in the next clause: "Rintakipu: ei.", "Chest pain: no".
POST_DENIALS = ("ei", "ei ole", "ei oo", "eipä", "nej", "inga", "ingen", "inte", "no", "none",
                "nope", "negative", "absent", "denied", "denies")

# Denials that follow the verb they deny (Swedish word order), folded.
_POST_VERB_DENIALS = frozenset({"inte", "ej"})

# Remote-past markers (raw phrases; compiled with the engine's fold): history on their own.
HISTORY_PHRASES = (
    "viime vuonna", "viime vuoden", "vuosia sitten", "vuosi sitten", "vuotta sitten", "viime kesänä",
    "viime talvena", "kuukausia sitten", "lapsena", "nuorena", "teininä", "kauan sitten",
    "aikoja sitten", "vuosia takaperin",
    "förra året", "för flera år sedan", "år sedan", "för ett år sedan", "i fjol", "som barn",
    "månader sedan", "för länge sedan", "som ung", "som tonåring", "i ungdomen",
    "last year", "years ago", "year ago", "months ago", "as a child", "in the past", "long ago", "long time ago",
    "as a teenager", "when i was young", "as a kid", "years back",
    # issue 12, held-out emergency round: "formerly", youth and childhood ("förr" alone folds to "for")
    "aikoinaan", "lapsuudessa", "nuoruudessa", "teini iässä", "pienenä", "vauvana",
    "i tonåren", "i barndomen", "som liten", "när jag var liten", "när jag var ung",
    "förr i tiden", "as a teen", "in my teens", "when i was a kid", "when i was little", "as a baby",
    "used to", "ages ago", "som bebis", "som spädbarn", "was young", "were young", "was little", "in childhood",
    "last summer", "last winter", "last spring", "last autumn", "i somras", "i vintras", "i våras", "i höstas",
    "viime keväänä", "viime syksynä",
)
# Recent-past markers: history only when the sentence also says it is over (RESOLVED_PHRASES).
RECENT_PHRASES = (
    "eilen", "toissapäivänä", "viime viikolla", "viime kuussa", "viikko sitten", "viikkoa sitten",
    "päivää sitten", "kuukausi sitten", "kuukautta sitten",
    "igår", "i går", "i förrgår", "förra veckan", "förra månaden", "veckor sedan", "vecka sedan",
    "dagar sedan", "månad sedan",
    "yesterday", "last week", "last month", "days ago", "day ago", "weeks ago", "week ago",
    "month ago",
)
RESOLVED_PHRASES = (
    "meni ohi", "mennyt ohi", "menivät ohi", "loppui", "hävisi", "parani", "tutkittiin", "tutkittu",
    "löytynyt mitään", "kaikki kunnossa", "oli kunnossa", "todettiin normaaliksi",
    "gick över", "gått över", "försvann", "släppte", "undersöktes", "hittade ingenting",
    "hittade inget", "inget hittades", "allt var bra", "kollades",
    "went away", "gone away", "resolved", "was checked", "were checked", "found nothing",
    "nothing was found", "all clear", "was normal", "were normal", "ruled out",
)
# A past examination of the mention makes it history on its own ("rintakipu tutkittiin
# päivystyksessä", "chest pain was checked in a&e", "had chest pains, got checked and all fine") —
# in the mention's own clause, or opening the next one ("…, tutkittiin ja löytyi refluksi"); not
# after a denial ("ei ole tutkittu", "hasn't been checked"), nor when a conjunction separates it
# from a mention after it ("verenpaine tutkittiin ja nyt rintakipua"). Results alone ("was
# normal") are not enough: patients report their own readings next to a new symptom.
EXAMINED_PHRASES = (
    "tutkittiin", "tutkittu", "osoittautui", "undersöktes", "undersökts", "kollades", "visade sig vara",
    "was checked", "were checked", "got checked", "been checked", "turned out to be",
)
# What may stand before an examination opening the clause after a mention: "…, it turned out".
_LEAD_WORDS = frozenset({"it", "they", "det", "den", "de", "se", "ne", "and", "ja", "och", "then", "sitten",
                         "sen", "sedan", "so", "sa", "but", "men", "mutta", "mut", "was", "oli", "var"})
# Words that make the next (EXAMINED or AGAIN) phrase a denial: "har inte kommit tillbaka".
PHRASE_NEGATORS = ("ei", "eikä", "en", "inte", "ej", "aldrig", "not", "never", "hasnt", "havent", "hadnt",
                   "isnt", "wasnt", "werent", "didnt", "no")
# A contrast between a resolution and a mention makes the mention new: "was checked yesterday and
# told it was fine but now he doesn't wake up".
CONTRAST = ("mutta", "mut", "men", "but", "however", "kuitenkin", "ändå")
# "It is now" markers, for the mention's clause ("viime vuonna oli rintakipua ja nyt taas …").
NOW_PHRASES = (
    "nyt", "tänään", "juuri", "äsken", "tällä hetkellä", "edelleen", "vieläkin", "yhä",
    "nu", "idag", "just nu", "fortfarande", "fortsätter",
    "now", "today", "right now", "currently", "still", "ongoing",
)
# Recurrence markers, for the mention's whole sentence ("… , nyt samanlaista taas").
AGAIN_PHRASES = (
    "taas", "uudestaan", "uudelleen", "jälleen", "samanlaista", "samanlainen", "palasi",
    "tuli takaisin", "igen", "samma", "kommit tillbaka", "kom tillbaka", "återkommit",
    "again", "the same", "came back", "come back", "is back", "returned",
    # worsening: it is going on ("tutkittiin eilen, nyt pahempi")
    "pahempi", "pahempaa", "paheni", "pahenee", "pahentunut", "huononee", "huonontunut",
    "värre", "försämrats", "förvärrats", "worse", "worsening",
)


def compile_phrases(phrases: Iterable[str], fold: Callable[[str], str]) -> tuple[tuple[str, ...], ...]:
    """Each phrase as a tuple of folded words."""
    return tuple(tuple(fold(w) for w in p.split()) for p in phrases)


class Words(NamedTuple):
    """The word lists above, folded with the engine's fold (built once, by :func:`compile_words`)."""
    conj: frozenset[str]
    pseudo: frozenset[str]
    void: frozenset[str]
    extra: frozenset[str]
    lists: frozenset[str]
    pseudo_after: frozenset[str]
    history: tuple[tuple[str, ...], ...]
    recent: tuple[tuple[str, ...], ...]
    resolved: tuple[tuple[str, ...], ...]
    now: tuple[tuple[str, ...], ...]
    again: tuple[tuple[str, ...], ...]
    post_denials: tuple[tuple[str, ...], ...]
    item_words: frozenset[str]
    item_stems: tuple[str, ...]
    examined: tuple[tuple[str, ...], ...] = ()
    negators: frozenset[str] = frozenset()
    contrast: frozenset[str] = frozenset()


def compile_words(fold: Callable[[str], str]) -> Words:
    """Every word list of this module folded like the text."""
    def words(ws: Iterable[str]) -> frozenset[str]:
        return frozenset(map(fold, ws))

    def phrases(ps: Iterable[str]) -> tuple[tuple[str, ...], ...]:
        return compile_phrases(ps, fold)

    return Words(words(CONJUNCTIONS), words(PSEUDO), words(VOIDING), words(EXTRA_TRIGGERS), words(LIST_WORDS),
                 words(PSEUDO_AFTER), phrases(HISTORY_PHRASES), phrases(RECENT_PHRASES),
                 phrases(RESOLVED_PHRASES), phrases(NOW_PHRASES), phrases(AGAIN_PHRASES), phrases(POST_DENIALS),
                 words(w for w in ITEM_WORDS if not w.endswith("*")),
                 tuple(fold(w[:-1]) for w in ITEM_WORDS if w.endswith("*")),
                 phrases(EXAMINED_PHRASES), words(PHRASE_NEGATORS), words(CONTRAST))


class Text(NamedTuple):
    """What the negation reading of one text needs (token indexes; built once per text)."""
    folds: list[str]
    clauses: list[int]
    sentences: list[int]
    scopes: list[tuple[int, int, int]]
    negators: set[int]  # every denial word
    be: set[int]  # "ole, oo, finns …"
    items: list[tuple[int, int]]  # spans of every flag mention and other item ("kuumetta", "isä")
    symptom_negs: set[int]  # denial words that are part of a symptom ("ei saa henkeä")
    scope_triggers: set[int]  # denial words that open a scope
    answers: frozenset[int] = frozenset()  # tokens right after a form-style ":", "?" or " - " (an answer may follow)


def denial(lo: int, hi: int, tx: Text, w: Words) -> tuple[int, int] | None:
    """The token span of a denial of the mention at ``lo..hi`` ("ei rintakipua", "no chest pain",
    "rintakipua ei ole", "Rintakipu: ei"), or None when it is not denied."""
    if any(lo <= i <= hi for i in tx.symptom_negs):
        return None  # the negation is part of the symptom ("ei saa henkeä", "käsi ei toimi")
    t = is_denied(lo, hi, tx.folds, tx.scopes, w.pseudo, items=tx.items, lists=w.lists,
                  pseudo_after=w.pseudo_after, clauses=tx.clauses, own_negation=False)
    if t is not None:
        return (min(t, lo), max(t, hi))
    if any(lo <= i <= hi for i in tx.negators):
        return None  # a trigger inside a mention whose scope does not reach its end
    # Swedish verb-second: "ansiktet hänger inte", "armen domnar inte" — "inte" right after a
    # mention ending in its verb (not "… går inte över": "går" is no part of the mention)
    k = hi + 1
    if k < len(tx.folds) and tx.folds[k] in _POST_VERB_DENIALS and k in tx.negators and k not in tx.symptom_negs \
            and tx.clauses[k] == tx.clauses[hi] \
            and not (k + 1 < len(tx.folds) and tx.clauses[k + 1] == tx.clauses[k] and tx.folds[k + 1] in w.pseudo):
        return (lo, k)
    # "rintakipua ei (enää) ole", "bröstsmärta finns inte" — but not "rintakipu ei oo mennyt ohi"
    after = [i for i in range(hi + 1, hi + 5) if i < len(tx.folds) and tx.clauses[i] == tx.clauses[hi]]
    near = after[:3]
    if any(i in tx.negators for i in near) and any(i in tx.be for i in near) \
            and not any(tx.folds[i] in w.pseudo for i in after):
        return (lo, max(i for i in near if i in tx.negators or i in tx.be))
    # only a form-style answer ("Rintakipu: ei", "Rintakipu? Ei"): after a full stop, a comma or a
    # line break the "ei" may begin anything ("rintakipu. Ei mene ohi", "rintakipu\nEI") — recall first
    end = bare_denial_after(hi, tx.folds, tx.clauses, w.post_denials) if hi + 1 in tx.answers else None
    return (lo, end) if end is not None else None


def _list_word_after_comma(folds: Sequence[str], clauses: Sequence[int], j: int, lists: frozenset[str],
                           conj: frozenset[str], stop: frozenset[str]) -> int | None:
    """The listing word of "…, Y or Z" in the clause starting at ``j``, or None."""
    seen = 0
    for k in range(j, len(folds)):
        if clauses[k] != clauses[j] or folds[k] in conj:
            return None
        if folds[k] in lists:
            return k
        seen += folds[k] not in stop
        if seen > _LIST_LOOKAHEAD:
            return None
    return None


def negation_scopes(folds: Sequence[str], clauses: Sequence[int], triggers: Iterable[int],
                    conj: frozenset[str], void: frozenset[str] = frozenset(),
                    window: int = WINDOW, *, stop: frozenset[str] = frozenset(),
                    lists: frozenset[str] = frozenset(),
                    sentences: Sequence[int] | None = None) -> list[tuple[int, int, int]]:
    """(trigger, first, last) token indexes of every negation scope; empty scopes are left out.

    ``folds`` are the folded tokens, ``clauses`` their clause numbers, ``conj`` the folded words
    that close a scope, ``void`` the folded words that void a trigger right after, ``stop`` the
    function words that do not count in the window, ``lists`` the listing words that restart it.
    With ``sentences`` (sentence numbers), a denied list continues past a comma at its listing
    word ("no fever, cough or chest pain"); the part after the comma is a second range of the
    same trigger."""
    out: list[tuple[int, int, int]] = []
    n = len(folds)
    for t in sorted(set(triggers)):
        if t > 0 and clauses[t - 1] == clauses[t] and folds[t - 1] in void:
            continue
        first, last, count, j = t + 1, t, 0, t + 1
        while j < n:
            if clauses[j] != clauses[j - 1]:
                if sentences is None or sentences[j] != sentences[j - 1] or not lists:
                    break
                k = _list_word_after_comma(folds, clauses, j, lists, conj, stop)
                if k is None:
                    break
                if last >= first:
                    out.append((t, first, last))
                first, last, count, j = k, k, 0, k + 1
                continue
            if folds[j] in conj:
                break
            if folds[j] in lists:
                count = 0
            elif folds[j] not in stop:
                count += 1
                if count > window:
                    break
            last = j
            j += 1
        if last >= first:
            out.append((t, first, last))
    return out


def _joined(lo: int, hi: int, items: Iterable[tuple[int, int]], first: int, folds: Sequence[str],
            lists: frozenset[str]) -> bool:
    """False when another item stands between the scope's start and the mention with no listing
    word after it: "ei kuumetta rintakipua" denies the fever only."""
    for a, b in items:
        if first <= a and b < lo and not (a <= hi and lo <= b):
            if not any(folds[k] in lists for k in range(b + 1, lo)):
                return False
    return True


def is_denied(lo: int, hi: int, folds: Sequence[str], scopes: Sequence[tuple[int, int, int]],
              pseudo: frozenset[str], *, items: Collection[tuple[int, int]] = (),
              lists: frozenset[str] = frozenset(), pseudo_after: frozenset[str] = frozenset(),
              clauses: Sequence[int] | None = None, own_negation: bool = True) -> int | None:
    """The trigger denying a mention at tokens lo..hi, or None.

    Not denied when a trigger lies inside a mention whose rule has a negation of its own
    (``own_negation``: the negation is the symptom), when a pseudo-trigger stands between the
    trigger and the mention ("ei ikinä näin kovaa rintakipua"), when a comparison follows it
    ("never had chest pain like this"), or when another item stands between ("ei kuumetta
    rintakipua"). A trigger inside a mention whose rule has no negation denies it when the
    mention ends in its scope ("rintaan ei satu")."""
    if clauses is not None and pseudo_after:
        after = [k for k in (hi + 1, hi + 2) if k < len(folds) and clauses[k] == clauses[hi]]
        if any(folds[k] in pseudo_after for k in after):
            return None
    inside = [s for s in scopes if lo <= s[0] <= hi]
    if inside:
        if own_negation:
            return None
        for t, first, last in inside:
            if first <= hi <= last and not any(folds[k] in pseudo for k in range(first, hi)):
                return t
        # not denied from inside; a denial before it may still cover its start: "ei niskajäykkyyttä
        # eikä ihottumaa, päänsärkyä" (the stiff neck of NECK_STIFF + HEADACHE is denied)
    for t, first, last in scopes:
        if first <= lo <= last and not any(folds[k] in pseudo for k in range(first, lo)) \
                and _joined(lo, hi, items, first, folds, lists):
            return t
    return None


def bare_denial_after(hi: int, folds: Sequence[str], clauses: Sequence[int],
                      answers: Iterable[tuple[str, ...]]) -> int | None:
    """The last token of a bare denial answering the mention ending at ``hi`` ("Rintakipu: ei."),
    or None: the mention ends its clause and the next clause is only a denial."""
    if hi + 1 >= len(folds) or clauses[hi + 1] == clauses[hi]:
        return None
    nxt = [k for k in range(hi + 1, len(folds)) if clauses[k] == clauses[hi + 1]]
    words = tuple(folds[k] for k in nxt)
    return nxt[-1] if words in set(answers) else None


def _at(folds: Sequence[str], idx: Sequence[int], phrases: Iterable[tuple[str, ...]],
        negators: frozenset[str] = frozenset()) -> list[int]:
    """Token indexes where one of the phrases starts within ``idx`` (not right after a denial)."""
    words = [folds[i] for i in idx]
    present = set(words)
    out: list[int] = []
    for p in phrases:
        if p[0] in present:  # most phrases' first word is not in the clause at all
            n = len(p)
            out += [idx[k] for k in range(len(words) - n + 1) if tuple(words[k:k + n]) == p
                    and not any(w in negators for w in words[max(0, k - 3):k])]
    return out


def _has(folds: Sequence[str], idx: Sequence[int], phrases: Iterable[tuple[str, ...]],
         negators: frozenset[str] = frozenset()) -> bool:
    return bool(_at(folds, idx, phrases, negators))


_YEAR = re.compile(r"(?:19[5-9]|20\d)\d")


def standalone_years(text: str, spans: Sequence[tuple[int, int]]) -> frozenset[int]:
    """Indexes of the tokens (character ``spans`` in ``text``) that are a year on its own
    ("sydäninfarkti 2019", "in 2020"), which dates a mention to the past; a year inside a date
    ("3.12.2026", "2026-12-03") does not: the date may be today."""
    return frozenset(i for i, (a, b) in enumerate(spans) if _YEAR.fullmatch(text[a:b])
                     and (a == 0 or text[a - 1] not in "./-")
                     and (b == len(text) or text[b] not in "./-" or text[b + 1:b + 2] in ("", " ")))


def is_history(lo: int, folds: Sequence[str], clauses: Sequence[int],
               history: Iterable[tuple[str, ...]], now: Iterable[tuple[str, ...]], *,
               sentences: Sequence[int] | None = None, recent: Iterable[tuple[str, ...]] = (),
               resolved: Iterable[tuple[str, ...]] = (), again: Iterable[tuple[str, ...]] = (),
               examined: Iterable[tuple[str, ...]] = (), negators: frozenset[str] = frozenset(),
               contrast: frozenset[str] = frozenset(), conj: frozenset[str] = frozenset(),
               years: Collection[int] = ()) -> bool:
    """True when the mention at token ``lo`` is remote or resolved past (see the module doc):
    a remote-past marker (or a year, ``years``) in its clause, a recent-past one with a resolution
    in its sentence, or a past examination of it (EXAMINED_PHRASES); and no "now" marker
    in its clause nor a (not denied) recurrence or worsening in its sentence. A resolution or an
    examination before the mention with a contrast between ("… oli kunnossa, mutta …") does not
    count."""
    clause = [i for i, c in enumerate(clauses) if c == clauses[lo]]
    sentence = clause if sentences is None else [i for i, s in enumerate(sentences) if s == sentences[lo]]
    if _has(folds, clause, now) or _has(folds, sentence, again, negators):
        return False
    if _has(folds, clause, history) or any(i in years for i in clause):
        return True

    if _has(folds, clause, recent) and any(k > lo or not any(folds[j] in contrast for j in range(k, lo))
                                           for k in _at(folds, sentence, resolved)):
        return True
    for k in _at(folds, sentence, examined, negators):
        if clauses[k] == clauses[lo] and (k > lo or not any(folds[j] in conj for j in range(k, lo))):
            return True
        if clauses[k] == clauses[lo] + 1 and all(folds[j] in _LEAD_WORDS for j in range(k)
                                                  if clauses[j] == clauses[k] and j < k):
            return True
    return False


__all__ = ["AGAIN_PHRASES", "CONJUNCTIONS", "CONTRAST", "EXAMINED_PHRASES", "EXTRA_TRIGGERS", "HISTORY_PHRASES", "ITEM_CONCEPTS", "ITEM_WORDS",
           "LIST_WORDS", "NOW_PHRASES", "PHRASE_NEGATORS", "POST_DENIALS", "PSEUDO", "PSEUDO_AFTER", "RECENT_PHRASES",
           "RESOLVED_PHRASES", "VOIDING", "WINDOW", "Text", "Words", "bare_denial_after", "compile_phrases",
           "compile_words", "denial", "is_denied", "is_history", "negation_scopes", "standalone_years"]
