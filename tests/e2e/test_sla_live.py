"""The clock as a nurse sees it, in a real browser against a server running its jobs every half
second: her callback turns "at risk" in her inbox without a reload, and when it goes past due it
leaves her queue for her team's, where the row and the case's timeline say why."""

from __future__ import annotations

import re
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from tests.e2e.conftest import require_browser

require_browser("e2e SLA tests")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.test_inbox_pages import MATTI, log_in, phone_callback  # noqa: E402


@pytest.fixture(scope="module")
def extra_env() -> dict[str, str]:
    return {"FIRSTLINE_RUN_JOBS": "1", "FIRSTLINE_SWEEP_SECONDS": "0.5"}


def move_times(server_env: dict[str, str], case_id: str, due: datetime, at_risk: datetime) -> None:
    """What an hour passing would do: the case's due and at-risk times, moved in its database."""
    path = Path(server_env["FIRSTLINE_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///"))
    stamp = "%Y-%m-%d %H:%M:%S.%f"  # how SQLAlchemy stores a UTC timestamp in SQLite
    with sqlite3.connect(path, timeout=10) as db:
        db.execute(
            "UPDATE cases SET due_at = ?, at_risk_at = ?, version = version + 1 WHERE id = ?",
            (due.strftime(stamp), at_risk.strftime(stamp), case_id),
        )


def test_a_callback_turns_at_risk_then_spills_to_the_team_live(watched: Page, base_url: str, server_env: dict[str, str]) -> None:
    page = watched
    created = phone_callback(base_url, "e2e-sla-1", MATTI)
    case_id = created["case_id"]
    assert created["queue"] == "personal:n-aino", created
    page.goto("/login")
    log_in(page)
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")
    row = page.locator(f'tr[data-case-id="{case_id}"]')
    expect(row).to_be_visible()
    expect(row).not_to_have_class(re.compile(r"\bat-risk\b"))

    now = datetime.now(UTC)
    move_times(server_env, case_id, due=now + timedelta(minutes=20), at_risk=now - timedelta(seconds=1))
    expect(row).to_have_class(re.compile(r"\bat-risk\b"), timeout=10_000)  # amber, live
    expect(row).to_contain_text("vaarassa")

    move_times(server_env, case_id, due=now - timedelta(seconds=1), at_risk=now - timedelta(minutes=30))
    expect(row).to_have_count(0, timeout=10_000)  # gone from Mine: spilled to the team
    page.get_by_role("tab", name=re.compile("^Tiimi")).click()
    spilled = page.locator(f'tr[data-case-id="{case_id}"]')
    expect(spilled).to_contain_text("Määräaika ylittyi, siirretty tiimille")
    expect(spilled).to_have_class(re.compile(r"\boverdue\b"))
    spilled.get_by_role("link").click()
    expect(page.locator("#timeline .tl.event", has_text="Määräaika lähestyy")).to_have_count(1)
    expect(page.locator("#timeline .tl.event", has_text=re.compile("Määräaika ylittyi, siirretty tiimille: .*Tiimi A"))).to_have_count(1)
    assert page.evaluate("window.__csp") == []
