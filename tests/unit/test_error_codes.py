"""The error codes (`extra.code`) agree everywhere: every code the app raises is listed in
`app.domain.errors.ERROR_CODES` (which the OpenAPI description shows), documented in
docs/api-errors.md, and has a sentence in every page language; nothing listed is unused."""

from __future__ import annotations

import re
from pathlib import Path

from app.api.errors import OPENAPI_DESCRIPTION
from app.domain.errors import ERROR_CODES
from app.web.i18n import TEXTS

ROOT = Path(__file__).resolve().parents[2]
RAISED = re.compile(r"""\bcode=["'](\w+)["']|["']code["']:\s*["'](\w+)["']""")


def raised_codes() -> set[str]:
    found: set[str] = set()
    for path in (ROOT / "app").rglob("*.py"):
        for match in RAISED.finditer(path.read_text(encoding="utf-8")):
            found.add(match.group(1) or match.group(2))
    return found


def test_every_raised_code_is_listed_and_every_listed_code_is_raised() -> None:
    assert raised_codes() == set(ERROR_CODES)


def test_every_code_is_documented_and_in_the_openapi_description() -> None:
    doc = (ROOT / "docs" / "api-errors.md").read_text(encoding="utf-8")
    for code in ERROR_CODES:
        assert f"| `{code}` |" in doc, code
        assert f"`{code}`" in OPENAPI_DESCRIPTION, code


def test_every_code_has_a_sentence_in_every_page_language() -> None:
    for lang, texts in TEXTS.items():
        missing = [code for code in ERROR_CODES if f"err.{code}" not in texts]
        assert not missing, (lang, missing)
