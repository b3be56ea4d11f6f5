"""A missing external program skips its tests on a user's machine and fails them in CI."""

from __future__ import annotations

import pytest

from tests import tools


def test_a_missing_tool_skips_naming_the_package(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tools, "REQUIRE", False)
    with pytest.raises(pytest.skip.Exception, match=r"no-such-tool not found \(apt-get install some-package\)"):
        tools.tool_or_skip("no-such-tool", "some-package")


def test_a_missing_tool_fails_when_services_are_required(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(tools, "REQUIRE", True)
    with pytest.raises(pytest.fail.Exception, match="FIRSTLINE_REQUIRE_SERVICES=1 requires it"):
        tools.tool_or_skip("no-such-tool", "some-package")
