"""The inbox's presence control, the signal of an unclaimed emergency, and its keyboard shortcuts.

Aino sets herself busy from the inbox header and still reads busy after a reload, as the API
says. A callback request whose voicemail has a red flag arrives: its row signals and a banner
counts one emergency waiting, until the case is claimed. She moves through the rows, opens a
case, switches tabs and reads the shortcut help, all by keyboard.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import msgspec
import pytest

from tests.e2e.conftest import REQUIRE, missing

_problem = missing()
if _problem:
    if REQUIRE:
        pytest.fail(f"e2e: {_problem} — but FIRSTLINE_REQUIRE_SERVICES=1 requires it", pytrace=False)
    pytest.skip(f"e2e inbox presence/keyboard tests skipped: {_problem}", allow_module_level=True)

from playwright.sync_api import Page, expect  # noqa: E402

from app.security.webhooks import sign  # noqa: E402

MATTI = "+358401234567"
KAJAANI = "+35886150000"


@pytest.fixture
def watched(page: Page) -> Iterator[Page]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert not errors, f"console errors: {errors}"


def callback(base_url: str, call_id: str, voicemail: str | None = None) -> dict[str, Any]:
    fields: dict[str, Any] = {"call_id": call_id, "caller": MATTI, "dialed": KAJAANI, "line": 1}
    if voicemail:
        fields["voicemail_text"] = voicemail
    body = msgspec.json.encode(fields)
    r = httpx.post(
        base_url + "/channels/phone/callback-requests",
        content=body,
        headers={"Content-Type": "application/json", "X-Firstline-Signature": sign("e2e", body)},
        timeout=10,
    )
    assert r.status_code == 202, r.text
    data: dict[str, Any] = r.json()
    return data


def log_in(page: Page, username: str = "aino") -> str:
    page.goto("/login")
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(f"{username}-demo")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")
    return next(c["value"] for c in page.context.cookies() if c["name"] == "firstline_session")


def test_presence_from_the_inbox_header(watched: Page, base_url: str) -> None:
    page = watched
    token = log_in(page)
    select = page.get_by_label("Oma tila")
    expect(select).to_be_enabled()
    select.select_option(label="Varattu")
    expect(page.locator("#inbox")).to_have_attribute("data-presence", "busy")
    page.reload()
    expect(page.get_by_label("Oma tila")).to_be_enabled()
    expect(page.get_by_label("Oma tila")).to_have_value("busy")
    r = httpx.get(base_url + "/api/presence/", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    mine = [e for e in r.json() if e["professional"]["id"] == "n-aino"]
    assert [e["status"] for e in mine] == ["busy"]

