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
import pytest

from tests.e2e.conftest import require_browser

require_browser("e2e inbox presence/keyboard tests")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.test_inbox_pages import phone_callback  # noqa: E402

MATTI = "+358401234567"


@pytest.fixture
def watched(page: Page) -> Iterator[Page]:
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    assert not errors, f"console errors: {errors}"


def callback(base_url: str, call_id: str, voicemail: str | None = None) -> dict[str, Any]:
    return phone_callback(base_url, call_id, MATTI, **({"voicemail_text": voicemail} if voicemail else {}))


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


def test_an_unclaimed_emergency_signals_until_claimed(watched: Page, base_url: str) -> None:
    page = watched
    token = log_in(page)
    sound = page.get_by_label("Äänimerkki hätätilanteista")
    expect(sound).not_to_be_checked()  # off by default
    for count in page.locator("[data-count-for]").all():
        expect(count).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator("#emergency-banner")).to_be_hidden()

    created = callback(base_url, "e2e-emergency-1", "Isällä on kova rintakipu ja hän hikoilee")
    assert created["queue"].startswith("urgent:"), created
    page.locator('[role="tab"][data-filter="urgent"]').click()
    row = page.locator(f'tr[data-case-id="{created["case_id"]}"]')
    expect(row).to_have_class(re.compile(r"\bemergency-waiting\b"))
    banner = page.get_by_role("alert")
    expect(banner).to_have_text("1 hätätilanne odottaa")
    expect(page).to_have_title(re.compile(r"^\(1\) "))

    sound.check()  # remembered
    page.reload()
    expect(page.get_by_label("Äänimerkki hätätilanteista")).to_be_checked()
    expect(page.locator("#emergency-banner")).to_have_text("1 hätätilanne odottaa")

    r = httpx.post(
        base_url + f"/api/cases/{created['case_id']}/claim", headers={"Authorization": f"Bearer {token}"}, timeout=10
    )
    assert r.status_code == 200, r.text
    expect(page.locator("#emergency-banner")).to_be_hidden()
    expect(page.locator("#inbox")).to_have_attribute("data-emergencies", "0")
    expect(page.locator("tr.emergency-waiting")).to_have_count(0)


def test_the_inbox_by_keyboard(watched: Page, base_url: str) -> None:
    page = watched
    log_in(page)
    first = callback(base_url, "e2e-keys-1")
    second = callback(base_url, "e2e-keys-2")  # the same matter may merge into the first
    mine = page.get_by_role("tab", name=re.compile("^Omat"))
    page.keyboard.press("1")
    expect(mine).to_have_attribute("aria-selected", "true")
    rows = page.locator("#rows tr[data-case-id]")
    expect(rows.first).to_be_visible()
    expect(page.locator(f'tr[data-case-id="{first["case_id"]}"]')).to_be_visible()
    expect(page.locator(f'tr[data-case-id="{second["case_id"]}"]')).to_be_visible()

    # typing in a field is not a shortcut
    page.get_by_label("Oma tila").focus()
    page.keyboard.press("2")
    expect(mine).to_have_attribute("aria-selected", "true")

    # tabs by number
    page.locator("h1").click()
    page.keyboard.press("2")
    expect(page.get_by_role("tab", name=re.compile("^Tiimi"))).to_have_attribute("aria-selected", "true")
    page.keyboard.press("1")
    expect(mine).to_have_attribute("aria-selected", "true")

    # the help, focus trapped, Escape returns focus
    page.locator("h1").click()
    page.keyboard.press("j")
    selected = page.locator("#rows tr.selected")
    expect(selected).to_have_count(1)
    expect(selected.get_by_role("link")).to_be_focused()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog", name="Pikanäppäimet")
    expect(dialog).to_be_visible()
    close = dialog.get_by_role("button", name="Sulje")
    expect(close).to_be_focused()
    page.keyboard.press("Tab")
    expect(close).to_be_focused()
    page.keyboard.press("j")  # no shortcut while the help is open
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(selected.get_by_role("link")).to_be_focused()

    # j/k move, Enter opens the selected case
    page.keyboard.press("k")
    expect(rows.first).to_have_class(re.compile(r"\bselected\b"))
    chosen = rows.first.get_attribute("data-case-id")
    assert chosen
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(f"/cases/{chosen}$"))

    # n opens the tab's first case
    page.goto("/inbox")
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")
    expect(rows.first).to_be_visible()
    top = rows.first.get_attribute("data-case-id")
    page.keyboard.press("n")
    expect(page).to_have_url(re.compile(f"/cases/{top}$"))
