"""The page texts: no key written twice in a language (a later one silently wins in a dict)."""

from __future__ import annotations

import ast
from pathlib import Path

import app.web.i18n as i18n


def test_no_text_key_is_written_twice() -> None:
    tree = ast.parse(Path(i18n.__file__).read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Dict):
            keys = [k.value for k in node.keys if isinstance(k, ast.Constant)]
            assert len(keys) == len(set(keys)), sorted({k for k in keys if keys.count(k) > 1})
