"""Layering that no single test would notice breaking: the channel adapters and the domain load
no web framework, database driver or server. Each check runs in a fresh interpreter, where
nothing else has imported those yet.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ADAPTERS = ("channels.phone", "channels.sms", "channels.chat", "channels.omasote")


def loaded_after(code: str, watched: tuple[str, ...]) -> list[str]:
    """Run `code` in a fresh interpreter; which of `watched` ended up in sys.modules."""
    probe = f"{code}\nimport sys\nprint(','.join(m for m in {watched!r} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return [m for m in done.stdout.strip().split(",") if m]


def test_channel_adapters_load_no_framework_database_or_server():
    code = "\n".join(f"import {m}" for m in ADAPTERS)
    assert loaded_after(code, ("litestar", "sqlalchemy", "uvicorn", "asyncpg")) == []


def test_the_domain_loads_neither_litestar_nor_sqlalchemy():
    code = (
        "import importlib, pkgutil, app.domain\n"
        "names = [m.name for m in pkgutil.iter_modules(app.domain.__path__, 'app.domain.')]\n"
        "assert len(names) >= 10, names\n"
        "for n in names: importlib.import_module(n)"
    )
    assert loaded_after(code, ("litestar", "sqlalchemy")) == []


def test_the_probe_does_see_a_heavy_import():
    """The check above can fail: importing the app's web layer is seen."""
    assert "litestar" in loaded_after("import app.live.chat", ("litestar", "sqlalchemy"))
