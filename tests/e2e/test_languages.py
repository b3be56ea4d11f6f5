"""The whole first day in Swedish and in English, as a browser with that language set would get
it: log in, take a callback, call, hand another case over, resolve, read the dashboard. Every
label, button and message is looked up in the page's own language (app/web/texts), so a page that
fell back to Finnish, or lost a translation, fails here."""

from __future__ import annotations

import re
from typing import Any

import pytest

from tests.e2e.conftest import require_browser

require_browser("e2e language tests")

from playwright.sync_api import expect  # noqa: E402

from app.web.texts import en, sv  # noqa: E402
from tests.e2e.test_inbox_pages import WATCH_CSP, phone_callback  # noqa: E402

ERIK = "+358449876543"  # Swedish-speaking, named nurse Eero
UNKNOWN = {"sv": "+358405550001", "en": "+358405550002"}  # numbers nobody has: overflow
OUTCOME = {"sv": "Rådgivning", "en": "Advice given"}


@pytest.mark.parametrize("lang,locale,texts", [("sv", "sv-FI", sv.TEXTS), ("en", "en-GB", en.TEXTS)], ids=["sv", "en"])
def test_a_first_day_in_another_language(browser: Any, base_url: str, lang: str, locale: str, texts: dict[str, str]) -> None:
    t = texts
    context = browser.new_context(base_url=base_url, locale=locale, viewport={"width": 1366, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "WebSocket" not in m.text else None)
    try:
        first = phone_callback(base_url, f"e2e-{lang}-1", ERIK)
        second = phone_callback(base_url, f"e2e-{lang}-2", UNKNOWN[lang], voicemail_text="Question about my prescription")
        page.goto("/inbox")
        expect(page.get_by_role("heading", name=t["login.title"])).to_be_visible()
        page.get_by_label(t["login.username"]).fill("eero")
        page.get_by_label(t["login.password"]).fill("eero-demo")
        page.get_by_role("button", name=t["login.submit"]).click()
        expect(page).to_have_url(re.compile(r"/inbox$"))
        assert page.evaluate("document.documentElement.lang") == lang
        expect(page.get_by_role("tab", name=re.compile("^" + re.escape(t["tab.mine"])))).to_have_attribute("aria-selected", "true")

        # the first callback: claim, call, resolve
        page.locator(f'tr[data-case-id="{first["case_id"]}"]').get_by_role("link").click()
        expect(page).to_have_url(re.compile(rf"/cases/{first['case_id']}$"))
        page.get_by_role("button", name=t["action.claim"], exact=True).click()
        expect(page.get_by_role("status").filter(has_text=t["done.claimed"])).to_be_visible()
        page.get_by_label(t["attempt.result"]).select_option(label=t["result.reached"])
        page.get_by_role("button", name=t["attempt.submit"]).click()
        expect(page.locator("#timeline .tl.attempt")).to_contain_text(t["result.reached"])
        page.get_by_label(t["resolve.outcome"]).select_option(label=OUTCOME[lang])
        page.get_by_label(t["resolve.follow_up"], exact=True).fill("-")
        page.get_by_label(t["resolve.informed"]).check()
        page.get_by_role("button", name=t["resolve.submit"], exact=True).click()
        expect(page.get_by_role("status").filter(has_text=t["done.resolved"])).to_be_visible()

        # the second: handed over to the team, picked from the list
        page.goto(f"/cases/{second['case_id']}")
        page.get_by_label(t["handover.to"], exact=True).select_option(label="Tiimi A")
        page.get_by_role("button", name=t["handover.submit"], exact=True).click()
        expect(page.get_by_role("status").filter(has_text=t["done.handed_over"])).to_be_visible()

        # and the way out
        page.get_by_role("button", name=t["logout"]).click()
        # the login page; the case page's own scripts may get there first and ask to come back
        expect(page).to_have_url(re.compile(r"/login(\?next=[^&]*)?$"))

        # the supervisor's dashboard in the same language
        page.get_by_label(t["login.username"]).fill("paula")
        page.get_by_label(t["login.password"]).fill("paula-demo")
        page.get_by_role("button", name=t["login.submit"]).click()
        page.get_by_role("navigation", name=t["nav.pages"]).get_by_role("link", name=t["nav.dashboard"]).click()
        expect(page.get_by_role("heading", name=re.compile("^" + re.escape(t["dash.title"])))).to_be_visible()
        expect(page.locator(".dash-today svg.chart")).to_have_count(3)
        expect(page.get_by_role("img", name=re.compile("^" + re.escape(t["trend.fcr"])))).to_be_visible()
        assert page.evaluate("window.__csp") == []
        assert not errors, errors
    finally:
        context.close()
