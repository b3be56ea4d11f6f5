"""Urgency (HTA) support: read what the patient wrote and raise red flags at once.

Pure: text + pre-form answers + language → :class:`Assessment` (level, stable flag ids, a short
explanation for the nurse, the fragments that triggered). Rules only *suggest*; the professional
decides (SPEC §7). Missing an emergency is the worst error this product can make, so every design
choice below prefers recall of ``emergency`` over quiet inboxes.

This module is the engine; the data it reads — flags and their levels, labels and texts, the
words of every concept, the rules — is :mod:`app.domain.urgency_lexicon` (how to add a phrase or
a flag is said there). The lexicon is compiled once, at import.

How a text is read
==================
1. **Tokens.** The text is NFC-normalised and split into words and numbers; ``. ! ? ;`` and line
   breaks end a sentence (they add distance, so concepts in different sentences rarely combine),
   ``,`` and ``:`` end a clause (they stop the scope of a negation). Function words (``the, of,
   my, on, ja, että, och, att`` …) do not count in distances: "pain in the middle of my chest" is
   as close as "chest pain".
2. **Normalisation of every token and every lexicon term, the same way** (:func:`fold`):
   case-folded, diacritics stripped (``ä→a``, ``ö→o``, ``å→a``; a text typed without a Finnish
   keyboard matches too), runs of one letter collapsed (``sattuu → satu``, ``henkee → henke``,
   ``kurkku → kurku``; doubled letters are also the commonest typo). Colloquial forms are mapped
   to standard ones (``mulla/mul → minulla``, ``itteni → itseni``, ``henkee → henkeä``, ``kipee
   → kipeä``). Where folding makes two common words collide (``pää`` head / ``paha`` bad, ``saa``
   gets / ``sä`` you, ``lääke`` medicine / ``lääkäri`` doctor, ``dö`` die / ``do``, ``svårt``
   hard / ``svart`` black), the lexicon names the raw (unfolded) form instead.
3. **Concepts, not sentences.** The lexicon maps *stems* (matched as prefixes, so every Finnish /
   Swedish / English inflection that keeps the stem matches), *compound heads* (anywhere in, or
   at the end of, a token: ``rinta|kipu``, ``nenä|veren|vuoto``, ``bröst|smärta``, ``head|ache``),
   exact forms, and Snowball stems (fi/sv/en; ``~eläm`` matches ``elämä/elämään/elämäni`` but not
   the compound ``elämäntapa``) to language-neutral concepts: CHEST, PAIN, PRESSURE, BREATH,
   INABILITY, FACE, DROOP, LIMB, … Finnish consonant gradation is covered by listing both grades
   (``rinta/rinnan``, ``kipu/kivut``, ``äiti/äidillä``).
4. **Typos**, only for the symptom words themselves (never for context or function words): a
   stem of 4–7 letters forgives one transposition of neighbouring letters (``hnegitys``,
   ``siezure``, ``ritnakipu``), a stem of 8+ letters also one substitution, insertion or deletion
   (``unconcious``, ``kourstelee``) or a missing last letter; a compound tail after a recognised
   first part gets the same treatment (``rintakpiu``). Real words one typo away from a symptom
   stem (``pian``, ``send``, ``version``, ``levyt`` …, found by running the 40,000 most frequent
   Finnish, Swedish and English words through the matcher) are listed as KNOWN_WORD and never
   match by typo.
5. **Rules** combine concepts within a small window of words, in any order unless the rule says
   otherwise: CHEST + PAIN|PRESSURE (``puristaa rinnassa``, ``har ont i bröstet``, ``crushing
   chest pain``), INABILITY + BREATH (``ei saa henkee``, ``kan inte andas``, ``can't breathe``),
   FACE + DROOP, LIMB + NOT + WORKS, SPEECH + STRANGE, HEADACHE + SUDDEN|WORST, BLOOD +
   HEAVY|NOT-STOPPING, SWELLING + THROAT|TONGUE|LIPS, WANT → DIE (ordered), … Derived concepts
   (INABILITY = NOT + CAN, NOT-STOPPING, HEADACHE = HEAD + PAIN, …) are rules too. Each flag
   has one level.
6. **Traps** are handled by *blockers* (``rintaliivit``, ``rintasyöpä``, ``verikoe``,
   ``verenpaine``, ``hengitysharjoitukset``, ``blodprov``, ``heartburn`` do not count as CHEST /
   BLOOD / BREATH), by neighbour blockers (``blood test``, ``breathing exercises``, ``food
   poisoning``, ``fit note``) and by rule exceptions (``unless``): ``kouristus`` / ``kramp`` next
   to a muscle word (``lihaskouristus``, ``kouristus pohkeessa``, ``kramp i vaden``) is a muscle
   cramp, not a seizure — but ``kouristelee``, ``kouristuskohtaus``, ``kuumekouristus`` or cramps
   with jerking, stiffness or unconsciousness always raise ``seizure``; "can't talk" next to
   *now / at work / phone* is not a speech disorder; "doesn't answer" next to *doctor / messages*
   is not unconsciousness; swollen *tonsils* are not a swollen throat; a *stroke* in the history
   (``kuntoutus aivoinfarktin jälkeen``) is not a new one. A plain headache (``päänsärky``) raises
   nothing; it needs *sudden* or *worst ever*.

Negation (decision)
===================
A denied or historic mention **raises nothing on its own** (SPEC §7, issue 12) and is carried in
``Assessment.negated`` / ``.history`` and in ``findings`` (status ``negated`` / ``history``, named
in the explanation). How a denial and a history are found is :mod:`app.domain.urgency_scope`:
NegEx triggers with a forward scope of four content words, closed by punctuation and by
"mutta/ja/koska/kun/men/och/när/but/and/because/when …"; listing words ("tai, eikä, eller, or,
nor") carry it on, even past a comma ("No fever, cough or chest pain"); pseudo-triggers ("ei
ikinä *näin* kovaa rintakipua", "en *tiedä* onko", "kipu ei *hellitä*"); remote-past markers,
or recent-past ones with "meni ohi / tutkittiin eikä löytynyt mitään". Decisions, recall first:

- "ei kuumetta rintakipua" (a second item without a listing word) denies only the fever: a
  missing comma is commoner than a denied list, and a missed chest pain is the worse error. A
  person or a subject pronoun is a new item too ("ei yskää isä ei saa henkeä", "no cold my dad
  has chest pain"); a qualifier is not ("ei kovaa rintakipua", "ei yöllä hengenahdistusta").
- Where the negation is the symptom (``ei saa henkeä``, ``ei herää``, ``käsi ei toimi``, ``kan
  inte andas``, ``can't breathe``) the trigger is a word of a rule with a negation among its
  parts and the flag stands. Any other trigger inside a mention denies it ("my chest doesn't
  hurt", "kuumetta 38, ei kouristuksia") unless the rule holds without the denied words. "… ei
  (enää) ole" right after a mention, and a bare answer "Rintakipu: ei", deny it too.
- Resolution alone ("meni ohi", "went away") is not history: a chest pain or weakness that
  passed an hour ago is still an emergency candidate. With a past marker ("meni ohi viime
  viikolla", "went away last month") it is; "taas / again / the same" in the sentence undoes it.
- Who has the symptom does not matter: "isällä", "min man", "my daughter" count as "I".

A flag is dropped only when *every* mention of it is denied or historic; a form "yes" always
counts. Finnish "en" is a denial only in a Finnish text (in Swedish it is the article).

Levels
======
Emergency flags: ``chest_pain, stroke, breathing, unconscious, seizure, thunderclap_headache,
bleeding, anaphylaxis, suicidal, general_condition, meningitis, poisoning, head_injury``.
Urgent flags: ``breathlessness`` (winded, wheezing, fast breathing), ``severe_pain`` (sudden or
unbearable pain), ``infant_fever``, ``high_fever`` (≥ 40 °C), ``urinary_retention``,
``dehydration`` (a child or an old person not drinking), and the everyday same-day criteria of
:mod:`app.domain.urgency_same_day` (a fever that medicine does not bring down or lasting 3+ days,
severe abdominal pain, a urinary infection with fever, back pain with a weak leg, an injured limb
that bears no weight, a painful red eye with blurred vision …). A less urgent sign that is only
part of a more urgent mention is not listed separately ("kuume 40,5" is no minor fever). Soon
(1–3 days) and non_urgent (administrative) flags are :mod:`app.domain.urgency_routine`'s. An
administrative flag counts only in a text that reports no symptom now: its rules' ``unless``
(``SYMPTOM``) ignores denied or remote-past mentions (the one place the engine reads negation
before a rule matches), and any symptom flag found sets it aside. No text and no answers →
``unassessed``; text without any flag → ``unassessed`` as well (an administrative request naming
a symptom no rule grades is the nurse's to assess), and an unassessed matter is ranked before the
assessed ones.

Answers from the pre-information form: a key that is a flag id (the chat form's question ids are
flag ids) with a *yes* (``True``, ``"yes"``, ``"kyllä"``, ``"ja"``, ``"joo"`` …) raises that flag
by itself; any other string answer is read as text too. ``lang`` (``fi``/``sv``/``en``, or a tag
like ``sv-FI``) only picks the language of the explanation (unknown → Finnish); all three
lexicons are matched on every text, because patients mix languages.

Speed: the per-word analysis is cached (``lru_cache``) and a text wakes only the rules whose
concepts it mentions; ``make bench`` (``--only urgency``) measures about 0.2 ms of CPU a message
once its words have been seen and 0.3 ms when none have (target: under 1 ms).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Mapping
from typing import NamedTuple

import msgspec

from app.domain import urgency_scope as scope
from app.domain.urgency_explain import explain, reason
from app.domain.urgency_tokens import ANSWER_MARK, STOP, Occ, occurrences, tokenize
from app.domain.urgency_words import fold, guess_language, language_code
from app.domain.urgency_lexicon import (
    FLAG_IDS,
    FLAG_LABELS,
    FLAG_REASONS,
    FLAGS,
    LEVEL_ORDER,
    LANGS,
    NEGATOR_CONCEPTS,
    NO_ANSWERS,
    NOT_DENIALS,
    RULES,
    TEXTS,
    YES_ANSWERS,
    Finding,
    RedFlag,
    Rule,
)


class Assessment(msgspec.Struct, frozen=True):
    level: str  # one of Urgency
    flags: tuple[str, ...]  # stable flag ids, sorted, no duplicates
    explanation: str  # short, in the language asked
    matched: tuple[str, ...] = ()  # the text fragments that triggered, for the nurse
    negated: tuple[str, ...] = ()  # flag ids mentioned only as denied ("ei rintakipua"): not counted
    history: tuple[str, ...] = ()  # flag ids mentioned only as remote past ("viime vuonna"): not counted
    findings: tuple[Finding, ...] = ()  # every flag found, counted or not, with its words and rule
    language: str | None = None  # the language the text was read in (None: all three)


# --------------------------------------------------------------------------------------------
# Rules (RULES in the lexicon), compiled: each part and ``unless`` as a set of concepts
# --------------------------------------------------------------------------------------------


class _Rule(NamedTuple):
    flag: str | None
    emit: str | None
    parts: tuple[frozenset[str], ...]
    window: int
    unless: frozenset[str] = frozenset()
    unless_window: int = 2
    ordered: bool = False  # the parts must appear in this order ("haluan kuolla", "want to die")
    name: str = ""


def _compile_rule(rule: Rule) -> _Rule:
    ps = tuple(frozenset(p.split("|")) for p in rule.parts.split())
    return _Rule(rule.flag, rule.emit, ps, rule.window,
                 frozenset(rule.unless.split("|")) if rule.unless else frozenset(), rule.unless_window,
                 rule.ordered, rule.name)


_RULES: tuple[_Rule, ...] = tuple(_compile_rule(r) for r in RULES)
# Concepts the number reader (_numeric) adds; rules may use them besides the lexicon's: NUM_HIGH
# (40–44 °C), NUM_FEVER (39.x °C), NUM_DAYS ("3 päivää", "5 days": 3+ of a time unit), AGE_CHILD /
# AGE_OLD ("3-vuotias" ≤ 6, "87 v" ≥ 70), INFANT_YOUNG ("3 kk"), UNBEARABLE ("9/10"), TOO_MANY_TERM.
NUMBER_CONCEPTS = frozenset({"NUM_HIGH", "NUM_FEVER", "NUM_DAYS", "AGE_CHILD", "AGE_OLD", "INFANT_YOUNG", "UNBEARABLE",
                             "TOO_MANY_TERM"})


# --------------------------------------------------------------------------------------------
# Reading a text (tokens and where each concept occurs: app/domain/urgency_tokens.py)
# --------------------------------------------------------------------------------------------

def _find(rule: _Rule, occ: dict[str, list[Occ]], clauses: list[int] | None = None) -> list[Occ]:
    """Where the rule's parts lie close enough together; ``clauses`` (token → clause) keeps an
    ``unless`` exception to the match's own clauses (``_UNLESS_IN_CLAUSE``)."""
    one_clause = clauses
    if clauses is not None and not _UNLESS_IN_CLAUSE.get(rule.flag, True):
        clauses = None
    lists: list[list[Occ]] = []
    for part in rule.parts:
        merged: list[Occ] = []
        for c in part:
            merged.extend(occ.get(c, ()))
        if not merged:
            return []
        merged.sort()
        lists.append(merged)
    unless: list[Occ] = []
    for c in rule.unless:
        unless.extend(occ.get(c, ()))
    unless.sort()
    w = rule.window
    anchor = min(range(len(lists)), key=lambda k: len(lists[k]))
    found: list[Occ] = []
    seen: set[tuple[int, int]] = set()
    for a in lists[anchor]:
        cands: list[list[Occ]] = []
        for k, lst in enumerate(lists):
            if k == anchor:
                cands.append([a])
                continue
            lo = bisect_left(lst, (a.lo - w - 4,))
            sel = []
            for o in lst[lo:]:
                if o.lo > a.hi + w:
                    break
                sel.append(o)
            if not sel:
                break
            cands.append(sel[:12])
        else:
            best = _best_combo(cands, w, unless, rule.unless_window, rule.ordered, clauses,
                               one_clause if rule.emit in _ONE_CLAUSE_EMITS else None)
            if best is not None and (best.tlo, best.thi) not in seen:
                seen.add((best.tlo, best.thi))
                found.append(best)
    return found


def _best_combo(cands: list[list[Occ]], w: int, unless: list[Occ], uw: int,
                ordered: bool = False, clauses: list[int] | None = None,
                one_clause: list[int] | None = None) -> Occ | None:
    """The tightest combination whose parts lie within ``w`` words of each other (and, with
    ``one_clause``, in one clause)."""
    best: Occ | None = None

    def rec(k: int, lo: int, hi: int, maxlo: int, minhi: int, tlo: int, thi: int, last: int = -1) -> None:
        nonlocal best
        if maxlo - minhi > w:
            return
        if k == len(cands):
            if one_clause is not None and one_clause[tlo] != one_clause[thi]:
                return
            if unless:
                i = bisect_left(unless, (lo - uw,))
                while i < len(unless) and unless[i].lo <= hi + uw:
                    if clauses is None or clauses[tlo] <= clauses[unless[i].tlo] <= clauses[thi]:
                        return
                    i += 1
            if best is None or hi - lo < best.hi - best.lo:
                best = Occ(lo, hi, tlo, thi)
            return
        for o in cands[k]:
            if ordered and o.tlo <= last:
                continue
            rec(k + 1, min(lo, o.lo), max(hi, o.hi), max(maxlo, o.lo), min(minhi, o.hi),
                min(tlo, o.tlo), max(thi, o.thi), o.thi)

    for o in cands[0]:
        rec(1, o.lo, o.hi, o.lo, o.hi, o.tlo, o.thi, o.thi)
    return best


_W = scope.compile_words(fold)
# An emergency rule's exception ("doesn't answer" next to *doctor*, "can't talk" next to *phone*)
# holds only within the match's own clauses: across a comma it is another matter ("isä ei herää,
# vill boka tid") — missing an emergency is the worst error. Other levels' exceptions (a chronic
# course, a cast, any symptom for an administrative matter) hold across their window.
_UNLESS_IN_CLAUSE: dict[str | None, bool] = {f: FLAGS[f].level == "emergency" for f in FLAGS}
_NEG_CONCEPTS = frozenset({*NEGATOR_CONCEPTS, "NEGCAN"})
# A negation and the ability or stopping it denies stay in one clause: "andningen går bra, ingen
# andnöd" is no "går inte" (cannot), only a denied breathlessness.
_ONE_CLAUSE_EMITS = frozenset({"INAB", "NOT_STOP", "NOT_DRINKING", "NO_URINE"})
# Rules with a negation among their own parts ("NEG_FI CAN_FI" → INAB, "LIMB NEG FUNCTION"): the
# negation words their matches cover are the symptom ("ei saa henkeä", "käsi ei toimi").
_NEGATING_RULES = frozenset(k for k, r in enumerate(_RULES) if any(p & _NEG_CONCEPTS for p in r.parts))
# concept → the rules that need it: a text wakes only the rules whose every part it mentions
_RULES_OF: dict[str, tuple[int, ...]] = {}
for _k, _r in enumerate(_RULES):
    for _c in {c for part in _r.parts for c in part}:
        _RULES_OF[_c] = (*_RULES_OF.get(_c, ()), _k)


class _Hit(NamedTuple):
    start: int  # character offsets of the triggering fragment
    end: int
    negated: bool
    history: bool = False
    rule: str = ""


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

_MAX_FRAGMENT = 80



def _answer_is_yes(value: object) -> bool | None:
    if value is True:
        return True
    if value is False or value is None:
        return False
    if isinstance(value, str):
        v = value.strip().casefold().rstrip(".!")
        if v in YES_ANSWERS:
            return True
        if v in NO_ANSWERS:
            return False
    return None


def _past(lo: int, folds: list[str], clauses: list[int], sentences: list[int],
          years: frozenset[int] = frozenset()) -> bool:
    return scope.is_history(lo, folds, clauses, _W.history, _W.now, sentences=sentences,
                            recent=_W.recent, resolved=_W.resolved, again=_W.again,
                            examined=_W.examined, negators=_W.negators, contrast=_W.contrast, conj=_W.conj,
                            years=years)


def _read(text: str, lang: str | None = None) -> dict[str, list[_Hit]]:
    """flag → the mentions that raised it, for one text read in ``lang`` (None: every language)."""
    toks = tokenize(text)
    if not toks:
        return {}
    occ = occurrences(toks)
    # Finnish "en" (I don't) is the Swedish article "en": a denial only in a Finnish text
    not_denials = NOT_DENIALS - {"en"} if lang == "fi" else NOT_DENIALS
    negators = {
        o.tlo for c in NEGATOR_CONCEPTS for o in occ.get(c, ()) if toks[o.tlo].fold not in not_denials
    }
    negators |= {i for i, t in enumerate(toks) if t.fold in _W.extra}
    # colloquial Finnish "et" is "että" (that); Swedish "ett" folds to Finnish "et"; Finnish "no" means "well": a denial only in English
    negators -= {i for i in negators if toks[i].raw.casefold() == "ett" or (toks[i].fold == "no" and lang != "en")}
    be = {o.tlo for o in occ.get("BE", ())}
    _SYMPTOM_ONLY = {i for i in negators if toks[i].fold == "et"}  # opens no scope
    folds, clauses, sentences = [t.fold for t in toks], [t.clause for t in toks], [t.sentence for t in toks]
    years = scope.standalone_years(text, [(t.start, t.end) for t in toks])
    scopes = scope.negation_scopes(folds, clauses, negators - _SYMPTOM_ONLY, _W.conj, _W.void, stop=STOP,
                                   lists=_W.lists, sentences=sentences)
    matched: list[tuple[_Rule, Occ]] = []
    neg_words = {o.tlo for c in _NEG_CONCEPTS for o in occ.get(c, ())}
    symptom_negs: set[int] = set()
    administrative: list[_Rule] = []  # read after the rest: their `unless` needs the denials
    woken = {k for c in occ for k in _RULES_OF.get(c, ())}
    for k, rule in enumerate(_RULES):
        if k not in woken:
            continue  # none of its concepts in the text (an emit below may wake it)
        if rule.unless and rule.flag and FLAGS[rule.flag].level == "non_urgent":
            if all(any(c in occ for c in part) for part in rule.parts):
                administrative.append(rule)
            continue
        matches = _find(rule, occ, clauses)
        if not matches:
            continue
        if k in _NEGATING_RULES:
            symptom_negs.update(i for m in matches for i in range(m.tlo, m.thi + 1) if i in neg_words)
        if rule.emit:
            lst = occ.setdefault(rule.emit, [])
            lst.extend(matches)
            lst.sort()
            woken.update(_RULES_OF.get(rule.emit, ()))
        if rule.flag:
            matched.extend((rule, m) for m in matches)
    items = [(m.tlo, m.thi) for _, m in matched]
    items += [(o.tlo, o.thi) for c in scope.ITEM_CONCEPTS for o in occ.get(c, ())]
    items += [(i, i) for i, t in enumerate(toks) if t.fold in _W.item_words or t.fold.startswith(_W.item_stems)]
    answers = frozenset(i for i in range(1, len(toks)) if ANSWER_MARK.search(text, toks[i - 1].end, toks[i].start))
    sc = scope.Text(folds, clauses, sentences, scopes, negators, be, items, symptom_negs, {t for t, _, _ in scopes}, answers)
    if administrative:
        # an administrative matter is set aside only by what the patient reports now: a denied
        # ("ei kuumetta", "no fever") or remote-past mention in ``unless`` does not count
        reported: dict[str, list[Occ]] = {}
        for rule in administrative:
            for c in rule.unless - reported.keys():
                reported[c] = [o for o in occ.get(c, ()) if scope.denial(o.tlo, o.thi, sc, _W) is None
                               and not _past(o.tlo, folds, clauses, sentences, years)]
            matched.extend((rule, m) for m in _find(rule, {**occ, **{c: reported[c] for c in rule.unless}}))
    found: dict[str, list[tuple[Occ, tuple[int, int] | None, str]]] = {}
    for rule, m in matched:
        neg = scope.denial(m.tlo, m.thi, sc, _W)
        if neg is not None:
            # A denied match may have taken words another reading of the rule does not need; it
            # holds when that reading is not denied. Denied from inside ("sekava, ei kuumetta"
            # read as CONFUSED + FEVER): without the denied words ("äiti … sekava": CONFUSED +
            # PERSON). Denied before it: without its first word ("not coughing han har blod i
            # kräkningarna" is blood in the vomit, whatever the cough).
            inside = [i for i in sc.scope_triggers if m.tlo < i <= m.thi]
            lo, hi = (inside[0] + 1, m.thi) if inside else (m.tlo, m.tlo)
            occ2 = {c: [o for o in lst if not lo <= o.tlo <= hi] for c, lst in occ.items()}
            alt = [x for x in _find(rule, occ2, clauses) if scope.denial(x.tlo, x.thi, sc, _W) is None]
            if alt:
                m, neg = alt[0], None
        found.setdefault(str(rule.flag), []).append((m, neg, rule.name))
    hits: dict[str, list[_Hit]] = {}
    for flag, mentions in found.items():
        for m, neg, name in mentions:
            a, b = neg if neg else (m.tlo, m.thi)
            past = neg is None and _past(m.tlo, folds, clauses, sentences, years)
            hits.setdefault(flag, []).append(_Hit(toks[a].start, toks[b].end, neg is not None, past, name))
    # a less urgent sign that is only part of a more urgent mention adds nothing ("pahin
    # päänsärky" is no plain headache, "kuume 40,5" no minor fever)
    spans = [(LEVEL_ORDER[FLAGS[f].level], h.start, h.end) for f, hs in hits.items()
             for h in hs if not (h.negated or h.history)]
    for flag in list(hits):
        rank = LEVEL_ORDER[FLAGS[flag].level]
        if all(any(r < rank and h.start < e and s < h.end for r, s, e in spans) for h in hits[flag]):
            del hits[flag]
    # an administrative matter is one with no symptom: any symptom flag found now sets it aside
    if any(r < LEVEL_ORDER["non_urgent"] for r, _, _ in spans):
        for flag in [f for f in hits if FLAGS[f].level == "non_urgent"]:
            del hits[flag]
    return hits


def _fragment(text: str, h: _Hit) -> str:
    frag = " ".join(text[h.start:h.end].split())
    return frag if len(frag) <= _MAX_FRAGMENT else frag[: _MAX_FRAGMENT - 1] + "…"


def _add_fragment(lst: list[str], frag: str) -> None:
    if not any(frag in x for x in lst):
        lst[:] = [x for x in lst if x not in frag] + [frag]


def assess(text: str | None, answers: Mapping[str, bool | str] | None = None, lang: str | None = None) -> Assessment:
    """Suggest an urgency level for a contact. Pure, deterministic, never raises on text.

    ``lang`` is the language the contact came in (the chat's, the patient's directory language);
    unknown or None → guessed from the text, and read in all three when the guess fails. The
    explanation is in that language; :func:`explain` renders the findings in any other."""
    texts: list[str] = []
    if text and text.strip():
        texts.append(text)
    form_flags: list[str] = []
    for key, value in (answers or {}).items():
        yes = _answer_is_yes(value)
        if key in FLAGS and yes:
            form_flags.append(key)
        elif yes is None and isinstance(value, str) and value.strip():
            texts.append(value)
    read_in = language_code(lang) or guess_language(" ".join(texts))
    lg = read_in or "fi"
    if not texts and not form_flags:
        return Assessment("unassessed", (), TEXTS[lg]["empty"], language=read_in)

    counted: dict[str, list[str]] = {}
    rules: dict[str, str] = {}
    uncounted: dict[str, tuple[str, list[str]]] = {}  # flag → (negated|history, fragments)
    for t in texts:
        for flag, all_hits in _read(t, read_in).items():
            for h in all_hits:
                if h.negated or h.history:
                    status, frags = uncounted.setdefault(flag, ("negated" if h.negated else "history", []))
                    if h.negated and status == "history":
                        uncounted[flag] = ("negated", frags)
                    _add_fragment(frags, _fragment(t, h))
                else:
                    _add_fragment(counted.setdefault(flag, []), _fragment(t, h))
                    rules.setdefault(flag, h.rule)
    for f in form_flags:
        counted.setdefault(f, [])  # a "yes" on the form is never a negation
        rules.setdefault(f, "form")

    findings = [Finding(f, FLAGS[f].level, "counted", tuple(counted[f]), rules[f]) for f in sorted(counted)]
    findings += [Finding(f, FLAGS[f].level, st, tuple(fr), "") for f, (st, fr) in sorted(uncounted.items())
                 if f not in counted]
    found = tuple(findings)
    neg = tuple(x.flag for x in found if x.status == "negated")
    hist = tuple(x.flag for x in found if x.status == "history")
    if not counted:
        return Assessment("unassessed", (), explain(found, lg) or TEXTS[lg]["none"], negated=neg, history=hist,
                          findings=found, language=read_in)
    flags = tuple(sorted(counted))
    level = min((FLAGS[f].level for f in flags), key=LEVEL_ORDER.__getitem__)
    matched: list[str] = []
    for f in flags:
        matched.extend(x for x in counted[f] if x not in matched)
    return Assessment(level, flags, explain(found, lg), tuple(matched), negated=neg, history=hist,
                      findings=found, language=read_in)


__all__ = ["Assessment", "FLAGS", "FLAG_IDS", "FLAG_LABELS", "Finding", "LANGS", "RedFlag", "assess", "explain",
           "fold", "guess_language", "reason"]
