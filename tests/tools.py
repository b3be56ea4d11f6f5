"""External programs some tests drive (promtool, nginx): found on PATH or in the usual Debian
places. Missing → the test skips saying which Debian package brings it — unless
FIRSTLINE_REQUIRE_SERVICES=1 (CI: .ci/run installs them), where it fails."""

from __future__ import annotations

import os
import shutil

import pytest

REQUIRE = os.environ.get("FIRSTLINE_REQUIRE_SERVICES") == "1"


def tool_or_skip(name: str, package: str) -> str:
    path = shutil.which(name) or next(
        (p for p in (f"/usr/sbin/{name}", f"/usr/bin/{name}") if os.access(p, os.X_OK)), None
    )
    if path is None:
        message = f"{name} not found (apt-get install {package})"
        if REQUIRE:
            pytest.fail(message + " — but FIRSTLINE_REQUIRE_SERVICES=1 requires it", pytrace=False)
        pytest.skip(message + "; test skipped")
    return path
