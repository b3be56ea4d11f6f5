"""A concept named twice in one lexicon literal silently keeps only the second list (Python's
dict literal): a new concept "FLOW" for urine once wiped out the breathing one of that name and
with it three emergency phrasings. Every dict literal of the urgency modules has unique keys."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

DOMAIN = Path(__file__).resolve().parents[2] / "app" / "domain"
MODULES = sorted(DOMAIN.glob("urgency*.py"))


def _duplicates(path: Path) -> list[str]:
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Dict):
            seen: set[object] = set()
            for key in node.keys:
                if isinstance(key, ast.Constant):
                    if key.value in seen:
                        out.append(f"{path.name}:{key.lineno}: {key.value!r}")
                    seen.add(key.value)
    return out


def test_the_modules_are_found() -> None:
    assert len(MODULES) >= 5


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_no_dict_literal_names_a_key_twice(path: Path) -> None:
    assert _duplicates(path) == []


def test_the_check_finds_a_duplicate(tmp_path: Path) -> None:
    f = tmp_path / "urgency_x.py"
    f.write_text('L = {"FLOW": ("a",), "PEE": ("b",), "FLOW": ("c",)}\n', encoding="utf-8")
    assert _duplicates(f) == ["urgency_x.py:1: 'FLOW'"]
