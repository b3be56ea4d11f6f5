"""A follow-up in a real browser: Aino claims an unidentified caller's callback, agrees a call in
three days with a note, sees the case wait with its follow-up listed, and cancels it: the case is
hers again at once. No CSP violation or script error on the way."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.e2e.conftest import require_browser

require_browser("e2e follow-up tests")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.test_session_expiry import open_case  # noqa: E402


def test_agree_and_cancel_a_follow_up(watched: Page, base_url: str) -> None:
    page = watched
    open_case(page, base_url, "e2e-follow-up-1", "+358409997733")
    page.get_by_role("button", name="Ota käsittelyyn").click()
    expect(page.get_by_role("button", name="Vapauta")).to_be_visible()

    when = (datetime.now() + timedelta(days=3)).replace(hour=10, minute=0)  # the browser's local time
    page.get_by_label("Päivä", exact=True).fill(when.strftime("%Y-%m-%d"))
    page.get_by_label("Kellonaika").fill(when.strftime("%H:%M"))
    page.get_by_label("Mitä sovittiin").fill("Soitan labratuloksista")
    page.get_by_role("button", name="Sovi yhteydenotto").click()
    expect(page.locator("#case")).to_have_attribute("data-status", "waiting")
    expect(page.locator("#follow-up-list")).to_contain_text("Soitan labratuloksista")
    expect(page.locator("#follow-up-list")).to_contain_text("odottaa")
    expect(page.get_by_role("button", name="Ota käsittelyyn")).to_be_hidden()

    page.get_by_role("button", name="Peru sovittu yhteydenotto").click()
    expect(page.locator("#case")).to_have_attribute("data-status", "claimed")
    expect(page.locator("#follow-up-list")).to_contain_text("peruttu")
    expect(page.get_by_role("button", name="Peru sovittu yhteydenotto")).to_be_hidden()
