"""The professionals' pages in Finnish, Swedish and English.

The language is the user's pick (a cookie) or else the browser's Accept-Language. The pages'
scripts get the texts they need through a `data-texts` attribute (JSON, escaped by Jinja), so
the strict CSP needs no inline script.
"""

from __future__ import annotations

from typing import Final, Literal

from app.web.texts import en, fi, sv

Lang = Literal["fi", "sv", "en"]
LANGS: Final[tuple[Lang, ...]] = ("fi", "sv", "en")
LANG_NAMES: Final[dict[str, str]] = {"fi": "Suomi", "sv": "Svenska", "en": "English"}

TEXTS: Final[dict[str, dict[str, str]]] = {"fi": fi.TEXTS, "sv": sv.TEXTS, "en": en.TEXTS}


def pick_language(chosen: str | None, accept_language: str | None) -> Lang:
    """The user's pick if it is one of ours, else the first of ours in Accept-Language, else fi."""
    for lang in LANGS:
        if chosen == lang:
            return lang
    weighted: list[tuple[float, int, str]] = []
    for i, item in enumerate((accept_language or "")[:500].split(",")):
        tag, _, params = item.strip().partition(";")
        q = 1.0
        if params.strip().startswith("q="):
            try:
                q = float(params.strip()[2:])
            except ValueError:
                q = 0.0
        weighted.append((-q, i, tag.strip().lower()[:2]))
    for _, _, prefix in sorted(weighted):
        for lang in LANGS:
            if prefix == lang:
                return lang
    return "fi"
