"""An ended session on the case view: back to the login page without losing what was typed.

Aino has the case open and has typed a reply, a note, an urgency reason and a callback note. Her
session ends (the cookie is gone, or she logged out in another tab); she clicks send: the page
keeps the unsent texts in sessionStorage under the case id and goes to the login page, which
brings her back to the case after logging in, where every text is back in its own field (and
then forgotten) — hers only: someone else logging in there gets none. Any CSP violation or
script error on the way fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import PHONE, require_browser

require_browser("e2e session expiry tests")

from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeout  # noqa: E402

from tests.e2e.test_inbox_pages import WATCH_CSP, log_in, phone_callback  # noqa: E402

SESSION_COOKIE = "firstline_session"
EXPECTED_401 = "the server responded with a status of 401"  # the ended session, on purpose


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Page]:
    """The conftest's page, except that the browser's own log line for the deliberate 401 is
    not an error in the page; CSP violations are watched as in the other page tests."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="fi-FI", has_touch=True)
    context.set_default_timeout(10_000)
    pg: Page = context.new_page()
    pg.add_init_script(WATCH_CSP)
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "WebSocket" not in m.text and EXPECTED_401 not in m.text else None,
    )
    yield pg
    context.close()
    assert not errors, f"errors in the page: {errors}"


def open_case(page: Page, base_url: str, call_id: str, caller: str) -> str:
    created = phone_callback(base_url, call_id, caller)
    case_id = str(created["case_id"])
    page.goto(f"/cases/{case_id}")
    log_in(page)
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator("#case")).to_have_attribute("data-live", "live")
    expect(page.locator("#case")).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    return case_id


def test_an_expired_session_keeps_the_typed_texts_through_the_login(page: Page, base_url: str) -> None:
    case_id = open_case(page, base_url, "e2e-expiry-1", "+358503334444")  # a known patient: a reply needs one
    reply = "Soitamme teille huomenna aamupäivällä.\nToinen rivi."
    page.get_by_label("Vastaus potilaalle").fill(reply)
    page.get_by_label("Sisäinen muistiinpano").fill("Potilas toivoo soittoa aamulla")
    page.get_by_label("Perustelu").fill("Oireet pahentuneet")
    page.get_by_label("Huomio soittoyrityksestä").fill("Soitin kerran")

    page.context.clear_cookies(name=SESSION_COOKIE)  # the session is over
    page.get_by_role("button", name="Lähetä vastaus").click()

    expect(page).to_have_url(re.compile(rf"/login\?next=%2Fcases%2F{case_id}$"))
    stored = page.evaluate(f"sessionStorage.getItem('firstline-drafts:{case_id}')")
    assert stored and "Soitamme teille" in stored
    log_in(page)
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.get_by_label("Vastaus potilaalle")).to_have_value(reply)
    expect(page.get_by_label("Sisäinen muistiinpano")).to_have_value("Potilas toivoo soittoa aamulla")
    expect(page.get_by_label("Perustelu")).to_have_value("Oireet pahentuneet")
    expect(page.get_by_label("Huomio soittoyrityksestä")).to_have_value("Soitin kerran")
    expect(page.get_by_role("status").filter(has_text="keskeneräiset tekstisi palautettiin")).to_be_visible()
    assert page.evaluate(f"sessionStorage.getItem('firstline-drafts:{case_id}')") is None  # restored once, then forgotten

    # …and now it goes: the reply is sent and the box emptied
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(page.locator("#timeline .tl.message-professional")).to_contain_text("Soitamme teille huomenna aamupäivällä.")
    expect(page.get_by_label("Vastaus potilaalle")).to_have_value("")
    assert page.evaluate("window.__csp") == []


def test_logged_out_in_another_tab_keeps_the_resolve_text(page: Page, base_url: str) -> None:
    case_id = open_case(page, base_url, "e2e-expiry-2", "+358409997722")
    page.get_by_role("button", name="Ota käsittelyyn").click()
    expect(page.get_by_role("button", name="Vapauta")).to_be_visible()
    page.get_by_label("Lopputulos").select_option(label="Neuvonta")
    follow_up = "Soittaa uudelleen, jos kuume nousee"
    page.get_by_label("Miten asia jatkuu", exact=True).fill(follow_up)

    token = next(c["value"] for c in page.context.cookies() if c["name"] == SESSION_COOKIE)
    r = httpx.post(base_url + "/api/auth/logout", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 204, r.text
    try:
        page.get_by_role("button", name="Ratkaise").click(timeout=5_000)
    except PlaywrightTimeout:
        pass  # the live socket found the session ended first and went to the login: texts kept either way

    expect(page).to_have_url(re.compile(rf"/login\?next=%2Fcases%2F{case_id}$"))
    log_in(page)
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.get_by_label("Miten asia jatkuu", exact=True)).to_have_value(follow_up)
    expect(page.locator("#case-facts")).to_contain_text("Käsittelyssä")  # nothing was resolved meanwhile
    assert page.evaluate("window.__csp") == []


def test_someone_else_logging_in_does_not_get_the_texts(page: Page, base_url: str) -> None:
    """A shared workstation: Aino's session ends with a reply typed, and Eero logs in at the
    login page it left: the case opens for him with an empty reply box, and the draft is gone."""
    case_id = open_case(page, base_url, "e2e-expiry-3", "+358409997733")
    page.get_by_label("Vastaus potilaalle").fill("Ainon luonnos")
    page.context.clear_cookies(name=SESSION_COOKIE)
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(page).to_have_url(re.compile(rf"/login\?next=%2Fcases%2F{case_id}$"))
    log_in(page, "eero")
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator("#case")).to_have_attribute("data-loaded", re.compile(r"^\d+$"))
    expect(page.get_by_label("Vastaus potilaalle")).to_have_value("")
    assert page.evaluate(f"sessionStorage.getItem('firstline-drafts:{case_id}')") is None
