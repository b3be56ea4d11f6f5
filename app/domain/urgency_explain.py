"""Urgency findings in words, for a professional: the explanation and the one-line reasons.

Pure. The engine (:mod:`app.domain.urgency`) finds flags in the patient's words; this renders
what it found in whichever language the *professional* reads (fi/sv/en), so the case view and
the API can show the same findings to a Swedish-speaking nurse and a Finnish-speaking one.
"""

from __future__ import annotations

from app.domain.urgency_lexicon import FLAG_LABELS, FLAG_REASONS, FLAGS, LEVEL_ORDER, TEXTS, Finding
from app.domain.urgency_words import language_code


def _lang(lang: str | None) -> str:
    return language_code(lang) or "fi"


def reason(flag: str, lang: str) -> str:
    """The one-line reason a flag raises its level, for a professional, in ``lang`` (fi/sv/en)."""
    lg = _lang(lang)
    return FLAG_REASONS.get(flag, {}).get(lg, "")


def explain(findings: tuple[Finding, ...] | list[Finding], lang: str) -> str:
    """'Punainen lippu: rintakipu ("puristaa rinnassa")' — short, in ``lang``: the counted flags
    by level with the patient's words, then the mentions that were not counted and why."""
    lg = _lang(lang)
    t = TEXTS[lg]
    parts: list[str] = []
    counted = [x for x in findings if x.status == "counted" and x.flag in FLAGS]
    for level in LEVEL_ORDER:
        fl = [x for x in counted if x.level == level]
        if not fl:
            continue
        items = []
        for x in fl:
            evidence = [f'"{m}"' for m in x.matched[:2]]
            if x.rule == "form":
                evidence.append(t["form"])
            items.append(FLAG_LABELS[x.flag][lg] + (f" ({', '.join(evidence)})" if evidence else ""))
        head = t[level + ("1" if len(fl) == 1 else "N")]
        parts.append(f"{head}: " + "; ".join(items))
    parts.extend(f"{FLAG_LABELS[x.flag][lg]} — {t[x.status]}" for x in findings if x.status != "counted" and x.flag in FLAGS)
    return ". ".join(parts)
