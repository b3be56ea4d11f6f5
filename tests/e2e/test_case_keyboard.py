"""A callback worked from the inbox to resolution with the keyboard alone, in a real browser:
`n` opens the next case, `c` claims it, `a` goes to the callback attempt, `o` to the outcome;
fields are filled by typing and forms sent with Enter — no mouse anywhere."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import require_browser

require_browser("e2e keyboard case tests")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.test_inbox_pages import WATCH_CSP, log_in, phone_callback  # noqa: E402

KAISA = "+358503334444"  # no named nurse: her callback waits in the team queue


def test_claim_call_back_and_resolve_by_keyboard(watched: Page, base_url: str) -> None:
    page = watched
    page.set_viewport_size({"width": 1366, "height": 768})
    created = phone_callback(base_url, "e2e-keys-case", KAISA, voicemail_text="Kysyisin reseptin uusimisesta")
    case_id = created["case_id"]
    page.goto("/login")
    log_in(page)
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")  # its script is listening
    page.keyboard.press("2")  # the team tab
    expect(page.get_by_role("tab", name=re.compile("^Tiimi"))).to_have_attribute("aria-selected", "true")
    row = page.locator(f'tr[data-case-id="{case_id}"]')
    expect(row).to_be_visible()
    # j until the case is selected, then Enter
    for _ in range(20):
        if "selected" in (row.get_attribute("class") or ""):
            break
        page.keyboard.press("j")
    expect(row).to_have_class(re.compile(r"\bselected\b"))
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator("#case")).to_have_attribute("data-live", "live")
    expect(page.locator("#case")).to_have_attribute("data-loaded", re.compile(r"\d"))  # the case is shown
    expect(page.locator("#case-facts")).to_contain_text("Uusi")

    page.keyboard.press("c")
    expect(page.get_by_role("status").filter(has_text="Otit yhteydenoton käsittelyyn.")).to_be_visible()
    expect(page.locator("#case-facts")).to_contain_text("Käsittelyssä")

    page.keyboard.press("a")
    expect(page.get_by_label("Soiton tulos")).to_be_focused()  # "Tavoitettu" is the first choice
    page.keyboard.press("Tab")
    page.keyboard.type("Resepti uusittu puhelimessa")
    page.keyboard.press("Enter")
    expect(page.locator("#timeline .tl.attempt")).to_contain_text("Tavoitettu")

    page.keyboard.press("Escape")  # out of the field, so that letters are shortcuts again
    page.keyboard.press("o")
    outcome = page.get_by_label("Lopputulos")
    expect(outcome).to_be_focused()
    page.keyboard.type("Neuvonta")  # a closed select picks the option typed
    expect(outcome.locator("option:checked")).to_have_text(re.compile("^Neuvonta"))
    page.keyboard.press("Tab")  # care pathway: none
    page.keyboard.press("Tab")
    page.keyboard.type("Uusi resepti apteekissa huomenna")
    page.keyboard.press("Tab")
    page.keyboard.press("Space")  # the patient knows how it continues
    expect(page.get_by_label("Potilas tietää, miten asia jatkuu")).to_be_checked()
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Yhteydenotto ratkaistu.")).to_be_visible()
    expect(page.locator("#case-facts")).to_contain_text("Neuvonta")
    page.keyboard.press("Escape")
    page.keyboard.press("i")
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator(f'tr[data-case-id="{case_id}"]')).to_have_count(0)
    assert page.evaluate("window.__csp") == []
