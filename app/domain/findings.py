"""A case's urgency findings: what the rules found in the patient's words, kept with the case.

The engine (:mod:`app.domain.urgency`) reads one text; a case gathers the findings of its first
contact and of the patient's later lines, so that the nurse sees why the rules suggested a level
(SPEC §7: rules suggest, the professional decides). Here are the pure rules of that record:

- which language a contact is read in (the channel's, else the patient's directory language,
  else none: the engine guesses);
- what a contact contributes (the engine's findings, plus the flags the channel established on
  its own pre-form, which the text may not repeat);
- how a later line's findings join the case's (same flag and status: one finding, the union of
  the words; anything else is added);
- which findings are the case's red flags (counted, of an emergency/urgent level: the inbox
  column), and how the retention purge strips the patient's words from them.

Stored as JSON text in ``cases.urgency_findings`` (:func:`encode` / :func:`decode`).
"""

from __future__ import annotations

from collections.abc import Iterable

import msgspec

from app.domain.urgency import FLAGS, LANGS, Assessment, Finding
from app.domain.urgency_lexicon import RED_FLAG_LEVELS
from app.domain.urgency_types import LEVEL_ORDER

STATUS_ORDER: dict[str, int] = {"counted": 0, "negated": 1, "history": 2}
# A long conversation repeats itself; the nurse needs a few of the patient's words, not all.
MAX_WORDS = 6

_decoder = msgspec.json.Decoder(list[Finding])


def reading_language(stated: str | None, directory: str | None) -> str | None:
    """The language to read a patient's text in: the one the channel stated (a chat's), else the
    patient's directory language, else None (the engine guesses, and reads in all three when the
    guess fails). A language the engine does not read (e.g. Somali in the directory) is no help."""
    for code in (stated, directory):
        c = (code or "").strip().lower()[:2]
        if c in LANGS:
            return c
    return None


def from_contact(assessment: Assessment | None, channel_flags: Iterable[str] = ()) -> tuple[Finding, ...]:
    """A contact's findings: the engine's, plus each flag the channel established itself (a chat
    pre-form's "yes") that the text did not count, as a counted ``form`` finding without words."""
    found = list(assessment.findings) if assessment is not None else []
    counted = {f.flag for f in found if f.status == "counted"}
    for flag in channel_flags:
        if flag not in counted and flag in FLAGS:
            found = [f for f in found if f.flag != flag]  # a "yes" on the form outweighs a denial in the text
            found.append(Finding(flag, FLAGS[flag].level, "counted", (), "form"))
            counted.add(flag)
    return ordered(found)


def _union(old: tuple[str, ...], new: tuple[str, ...]) -> tuple[str, ...]:
    words = list(old)
    words += [w for w in new if w not in words]
    return tuple(words[:MAX_WORDS])


def merge(old: Iterable[Finding], new: Iterable[Finding]) -> tuple[Finding, ...]:
    """The case's findings after a later line: a flag found again with the same status keeps one
    finding with the union of the words (first said first) and its first rule; a new flag, or the
    same flag with another status ("no chest pain" then "now my chest hurts"), is added — the
    nurse sees both."""
    by_key: dict[tuple[str, str], Finding] = {}
    for f in (*old, *new):
        key = (f.flag, f.status)
        seen = by_key.get(key)
        if seen is None:
            by_key[key] = msgspec.structs.replace(f, matched=_union((), f.matched))
        else:
            by_key[key] = msgspec.structs.replace(seen, matched=_union(seen.matched, f.matched), rule=seen.rule or f.rule)
    return ordered(by_key.values())


def ordered(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """Counted first, most urgent first; then denied, then past mentions; by flag within."""
    return tuple(
        sorted(findings, key=lambda f: (STATUS_ORDER.get(f.status, 9), LEVEL_ORDER.get(f.level, 9), f.flag))
    )


def red_flags(findings: Iterable[Finding]) -> tuple[str, ...]:
    """The case's red flags (the inbox's column): counted findings of an emergency or urgent level.
    A ``soon`` or ``non_urgent`` criterion explains a suggestion but is no red flag."""
    return tuple(sorted({f.flag for f in findings if f.status == "counted" and f.level in RED_FLAG_LEVELS}))


def red_flags_of(assessment: Assessment) -> tuple[str, ...]:
    """The red flags among an assessment's counted flags (see :func:`red_flags`)."""
    return tuple(sorted(f for f in assessment.flags if f in FLAGS and FLAGS[f].level in RED_FLAG_LEVELS))


def without_words(findings: Iterable[Finding]) -> tuple[Finding, ...]:
    """The findings with the patient's words removed (the retention purge): flag, level, status
    and rule are codes and stay."""
    return tuple(msgspec.structs.replace(f, matched=()) for f in findings)


def encode(findings: Iterable[Finding]) -> str:
    """The stored form: a JSON list of {flag, level, status, matched, rule}."""
    return msgspec.json.encode(list(findings)).decode()


def decode(stored: str | None) -> tuple[Finding, ...]:
    """The stored findings; a row written before findings were kept (or unreadable) has none."""
    if not stored:
        return ()
    try:
        return tuple(_decoder.decode(stored))
    except (msgspec.ValidationError, msgspec.DecodeError):
        return ()


__all__ = ["MAX_WORDS", "decode", "encode", "from_contact", "merge", "ordered", "reading_language", "red_flags", "red_flags_of", "without_words"]
