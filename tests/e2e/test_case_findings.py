"""Issue 12 in a real browser: the case view says why the rules suggest an urgency.

Matti leaves a voicemail that denies chest pain but reports trouble breathing. Aino opens the
case: the box shows the counted finding (its label, its level, Matti's own words as text, the
reason) and the chest pain as mentioned and denied, and that the rules suggest while the nurse
decides — in Finnish, and in English after she switches the page's language.
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import require_browser

require_browser("e2e urgency findings tests")

from playwright.sync_api import Page, expect  # noqa: E402

from app.domain.urgency import reason  # noqa: E402
from tests.e2e.test_inbox_pages import log_in, phone_callback  # noqa: E402

MATTI = "+358401234567"
VOICEMAIL = "Ei rintakipua, mutta minun on vaikea hengittää <b>apua</b>"


def test_the_case_view_explains_the_suggestion_in_the_pages_language(watched: Page, base_url: str) -> None:
    page = watched
    created = phone_callback(base_url, "e2e-findings-1", MATTI, voicemail_text=VOICEMAIL)
    assert created["urgency"] == "emergency" and created["red_flags"] == ["breathing"], created
    case_id = created["case_id"]

    page.goto("/login")
    log_in(page)
    expect(page).to_have_url(re.compile(r"/inbox"))
    page.goto(f"/cases/{case_id}")
    box = page.locator("#red-flags")
    expect(box).to_be_visible()
    expect(box.get_by_role("heading", name="Kiireellisyysehdotus")).to_be_visible()
    expect(page.locator("#findings-note")).to_have_text("Säännöt ehdottavat: Hätä. Hoitaja päättää.")
    counted = box.locator('li[data-flag="breathing"][data-status="counted"]')
    expect(counted.locator(".finding-label")).to_have_text("hengitysvaikeus")
    expect(counted.locator(".urgency-label")).to_have_text("Hätä")
    expect(counted.locator("q")).to_have_text(["vaikea hengittää"])
    expect(counted.locator(".finding-reason")).to_have_text(reason("breathing", "fi"))
    denied = box.locator('li[data-flag="chest_pain"][data-status="negated"]')
    expect(denied).to_contain_text("rintakipu")
    expect(denied.locator(".finding-status")).to_have_text("mainittu, kielletty")
    expect(denied.locator("q")).to_have_text(["Ei rintakipua"])
    assert denied.locator(".urgency-label").count() == 0, "a denied mention raises no level"
    expect(box.locator("li.finding")).to_have_count(2)
    assert page.locator("#case b").count() == 0  # the voicemail's markup is text, wherever it shows

    page.locator("nav.languages").get_by_role("link", name="English").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}\?lang=en$"))
    expect(box.get_by_role("heading", name="Urgency suggestion")).to_be_visible()
    expect(page.locator("#findings-note")).to_have_text("The rules suggest: Emergency. The nurse decides.")
    expect(counted.locator(".finding-label")).to_have_text("difficulty breathing")
    expect(counted.locator(".urgency-label")).to_have_text("Emergency")
    expect(counted.locator(".finding-words")).to_have_text('Patient\'s words: vaikea hengittää')
    expect(counted.locator(".finding-reason")).to_have_text(reason("breathing", "en"))
    expect(denied.locator(".finding-label")).to_have_text("chest pain")
    expect(denied.locator(".finding-status")).to_have_text("mentioned, negated")
    expect(denied.locator("q")).to_have_text(["Ei rintakipua"])  # the patient's words stay as said
    try:  # axe-core (the test extra), as for every other page
        from tests.e2e.test_accessibility import scan
    except pytest.skip.Exception:
        return
    scan(page, "the case view's urgency findings")
