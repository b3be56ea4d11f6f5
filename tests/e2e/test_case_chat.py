"""A live chat worked from the case view, in two real browsers against the real app.

A visitor opens the chat widget on the plain demo page, fills the pre-form and writes. In a
second browser context nurse Aino sees the chat arrive live in her inbox's Chat tab and opens it:
the case view says it is a live chat and shows the visitor's line. She claims it and replies
from the box right under the timeline — Enter sends, Shift+Enter is a new line, the box keeps the
focus — and the visitor sees the reply in the widget. The visitor writes again: it appears in the
case view without a reload. Aino resolves with an outcome: the widget shows the chat closed with
the survey link, and the case view says the chat has ended. A second test: the visitor leaves,
and the case view says so. Any CSP violation or script error on either side fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest

from tests.e2e.conftest import require_browser

require_browser("e2e case chat tests")

from playwright.sync_api import BrowserContext, Locator, Page, expect  # noqa: E402

from tests.e2e.test_inbox_pages import WATCH_CSP, log_in  # noqa: E402
from tests.e2e.test_widget import STORE_KEY, chat_form, wait_until  # noqa: E402

DESKTOP = {"width": 1280, "height": 900}


@pytest.fixture
def nurse(browser: Any, base_url: str) -> Iterator[Page]:
    """Aino's browser: a desktop-sized context of its own (its own cookies), watched for CSP
    violations and script errors like the visitor's page."""
    context: BrowserContext = browser.new_context(viewport=DESKTOP, base_url=base_url, locale="fi-FI")
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "WebSocket" not in m.text else None)
    yield page
    context.close()
    assert not errors, f"errors in the nurse's page: {errors}"


def start_chat(page: Page, base_url: str, reason: str, name: str) -> tuple[Locator, str]:
    """The visitor opens the widget on the demo page, answers the pre-form (no red flags) and
    starts; returns the dialog and the new case's id."""
    form = chat_form(base_url)
    page.goto("/demo/chat")
    page.get_by_role("button", name="Terveysaseman chat").click()
    dialog = page.get_by_role("dialog", name="Terveysaseman chat")
    expect(dialog).to_be_visible()
    for q in form["questions"]:
        if q["id"] == "reason":
            dialog.get_by_role("textbox", name=q["text"]).fill(reason)
        elif q["kind"] == "yes_no":
            dialog.get_by_role("group", name=q["text"]).get_by_role("radio", name="Ei").check()
    dialog.get_by_role("textbox", name="Nimesi (vapaaehtoinen)").fill(name)
    dialog.get_by_role("button", name="Aloita chat").click()
    expect(dialog.get_by_role("textbox", name="Viesti")).to_be_visible()
    case_id = wait_until(lambda: page.evaluate(f"(JSON.parse(sessionStorage.getItem('{STORE_KEY}')) || {{}}).case_id"), "case id")
    return dialog, str(case_id)


def visitor_says(dialog: Locator, line: str) -> None:
    box = dialog.get_by_role("textbox", name="Viesti")
    box.fill(line)
    box.press("Enter")
    expect(dialog.get_by_role("log")).to_contain_text(line)


def test_a_live_chat_worked_from_the_case_view(page: Page, nurse: Page, base_url: str) -> None:
    visitor = page
    # Aino is at her inbox's Chat tab before the chat starts
    nurse.goto("/login")
    log_in(nurse)
    expect(nurse.locator("#inbox")).to_have_attribute("data-live", "live")
    nurse.get_by_role("tab", name=re.compile("^Chat")).click()
    expect(nurse.get_by_role("tab", name=re.compile("^Chat"))).to_have_attribute("aria-selected", "true")

    dialog, case_id = start_chat(visitor, base_url, "Kurkku on kipeä, saako täältä neuvoa?", "Vieras")
    first = "Hei! Onko joku paikalla?"
    visitor_says(dialog, first)

    # the chat arrives live in the Chat tab; she opens it
    row = nurse.locator(f'tr[data-case-id="{case_id}"]')
    expect(row).to_be_visible()
    expect(row).to_contain_text("Chat")
    row.get_by_role("link").first.click()
    expect(nurse).to_have_url(re.compile(rf"/cases/{case_id}$"))
    case = nurse.locator("#case")
    expect(case).to_have_attribute("data-live", "live")
    expect(case).to_have_attribute("data-channel", "chat")
    expect(nurse.locator("#chat-state")).to_have_text("Live-chat: asiakas näkee vastauksesi heti.")
    timeline = nurse.locator("#timeline")
    expect(timeline.locator(".tl.message-patient", has_text=first)).to_have_count(1)
    expect(timeline.locator(".tl.message-patient").first).to_contain_text("Asiakas chatissa")
    nurse.evaluate("window.__notReloaded = true")  # gone if the page reloads

    nurse.get_by_role("button", name="Ota käsittelyyn").click()
    expect(dialog.get_by_role("status")).to_contain_text("liittyi")

    # the reply box is the chat's: labelled so, right under the timeline; Enter sends
    reply_box = nurse.get_by_label("Vastaa chatissa")
    expect(reply_box).to_be_visible()
    expect(nurse.locator("#reply-hint")).to_have_text("Enter lähettää, Shift+Enter aloittaa uuden rivin.")
    assert nurse.locator(".timeline-panel #reply-form").count() == 1
    hello = "Hei, täällä Aino. Onko sinulla kuumetta?"
    reply_box.click()
    nurse.keyboard.type(hello)
    nurse.keyboard.press("Enter")
    expect(dialog.get_by_role("log")).to_contain_text(hello)  # the visitor sees it
    expect(timeline.locator(".tl.message-professional", has_text=hello)).to_have_count(1)
    expect(timeline.locator(".tl.message-professional").first).to_contain_text("Vastaus chatissa · Aino Nurminen")
    expect(reply_box).to_have_value("")
    expect(reply_box).to_be_focused()  # ready for the next line

    nurse.keyboard.type("Juo runsaasti.")
    nurse.keyboard.press("Shift+Enter")  # a new line, not a send
    nurse.keyboard.type("Lepää.")
    expect(reply_box).to_have_value("Juo runsaasti.\nLepää.")
    nurse.keyboard.press("Enter")
    expect(reply_box).to_have_value("")
    expect(reply_box).to_be_focused()
    expect(dialog.get_by_role("log")).to_contain_text("Lepää.")

    # the visitor writes again: it is in the case view without a reload
    again = "Ei ole kuumetta, kiitos."
    visitor_says(dialog, again)
    expect(timeline.locator(".tl.message-patient", has_text=again)).to_have_count(1)
    assert nurse.evaluate("window.__notReloaded") is True
    expect(reply_box).to_be_focused()  # the live update left the focus where it was

    # resolved with an outcome: the widget shows the chat closed and the survey link
    nurse.get_by_label("Lopputulos").select_option(label="Neuvonta")
    nurse.get_by_label("Potilas tietää, miten asia jatkuu").check()
    nurse.get_by_role("button", name="Ratkaise").click()
    expect(nurse.get_by_role("status").filter(has_text="Yhteydenotto ratkaistu.")).to_be_visible()
    expect(dialog).to_contain_text("Keskustelu on päättynyt")
    expect(dialog.get_by_role("link", name=re.compile("palautekysely"))).to_have_attribute("href", re.compile(r"/survey/"))
    expect(nurse.locator("#chat-state")).to_have_text("Chat on päättynyt.")
    expect(case).to_have_attribute("data-chat", "closed")
    expect(reply_box).to_be_hidden()
    assert nurse.evaluate("window.__csp") == []


def test_the_case_view_says_when_the_visitor_left(page: Page, nurse: Page, base_url: str) -> None:
    dialog, case_id = start_chat(page, base_url, "Kysyisin reseptin uusimisesta", "Vieras")
    nurse.goto(f"/cases/{case_id}")
    log_in(nurse)
    expect(nurse).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(nurse.locator("#case")).to_have_attribute("data-live", "live")
    expect(nurse.locator("#case")).to_have_attribute("data-chat", "live")

    dialog.get_by_role("button", name="Lopeta chat").click()
    expect(dialog).to_contain_text("Keskustelu on päättynyt")
    expect(nurse.locator("#chat-state")).to_have_text("Asiakas poistui chatista.")
    expect(nurse.locator("#case")).to_have_attribute("data-chat", "left")
    expect(nurse.locator("#timeline .tl.message-system")).to_contain_text("Asiakas poistui chatista.")
    assert nurse.evaluate("window.__csp") == []
