"""The page texts: no key written twice in a language (a later one silently wins in a dict)."""

from __future__ import annotations

import ast
from pathlib import Path

from app.web import texts


def test_no_text_key_is_written_twice() -> None:
    for module in Path(texts.__file__).parent.glob("*.py"):
        tree = ast.parse(module.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Dict):
                keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
                assert len(keys) == len(set(keys)), (module.name, sorted({k for k in keys if keys.count(k) > 1}))


def test_every_language_has_every_key() -> None:
    from app.web.i18n import TEXTS

    assert TEXTS["fi"].keys() == TEXTS["sv"].keys() == TEXTS["en"].keys()
