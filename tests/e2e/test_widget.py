"""The chat widget in a real browser against the real app.

A visitor on a plain HTML page (phone-sized) opens the widget with the keyboard, fills the
pre-information form, and is queued; a professional claims the case over the HTTP API and they
talk; the visitor's connection drops while the professional writes, and after reconnecting every
line is there exactly once, in order (also after a page reload); the professional resolves and the
widget shows the closed state with the survey link. A second test answers a red-flag question
"yes" and expects the emergency banner (role="alert", 112) at once.
"""

from __future__ import annotations

import re
import time
from typing import Any

import httpx

from tests.e2e.conftest import require_browser

require_browser("e2e widget tests")

from playwright.sync_api import Locator, Page, expect  # noqa: E402

UNIT = "kajaani"
STORE_KEY = f"firstline-chat:{UNIT}"
SCREENSHOT = "/tmp/widget.png"

# Records every WebSocket the page opens, so the test can cut the visitor's connection the way a
# flaky mobile network would (the widget itself exposes no socket).
TRACK_SOCKETS = """
(() => {
  const Native = window.WebSocket;
  window.__sockets = [];
  window.WebSocket = function (url, protocols) {
    const ws = protocols === undefined ? new Native(url) : new Native(url, protocols);
    window.__sockets.push(ws);
    return ws;
  };
  window.WebSocket.prototype = Native.prototype;
  Object.assign(window.WebSocket, { CONNECTING: 0, OPEN: 1, CLOSING: 2, CLOSED: 3 });
})();
"""


# ------------------------------------------------------------------------------------ helpers


class Pro:
    """A professional using the HTTP API."""

    def __init__(self, base_url: str, username: str = "aino") -> None:
        self.http = httpx.Client(base_url=base_url, timeout=10)
        r = self.http.post("/api/auth/login", json={"username": username, "password": f"{username}-demo"})
        assert r.status_code == 200, r.text
        self.http.headers["Authorization"] = f"Bearer {r.json()['token']}"

    def inbox(self, queue: str) -> list[dict[str, Any]]:
        r = self.http.get("/api/inbox", params={"queue": queue})
        assert r.status_code == 200, r.text
        items: list[dict[str, Any]] = r.json()["items"]
        return items

    def case(self, case_id: str) -> dict[str, Any]:
        r = self.http.get(f"/api/cases/{case_id}")
        assert r.status_code == 200, r.text
        data: dict[str, Any] = r.json()
        return data

    def post(self, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        r = self.http.post(path, json=body or {})
        assert r.status_code in (200, 201), f"{path}: {r.status_code} {r.text}"
        data: dict[str, Any] = r.json() if r.content else {}
        return data


def is_focused(locator: Locator) -> bool:
    return bool(locator.evaluate("el => el.getRootNode().activeElement === el"))


def tab_to(page: Page, locator: Locator, limit: int = 15) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if is_focused(locator):
            return
    raise AssertionError(f"Tab never reached {locator}")


def wait_until(check: Any, what: str, timeout: float = 10.0) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.1)


def chat_form(base_url: str, lang: str = "fi") -> dict[str, Any]:
    r = httpx.get(f"{base_url}/channels/chat/form", params={"unit": UNIT, "lang": lang}, timeout=10)
    assert r.status_code == 200, r.text
    form: dict[str, Any] = r.json()
    assert any(q["id"] == "reason" for q in form["questions"]), form
    return form


def open_with_keyboard(page: Page) -> Locator:
    page.goto("/demo/chat")
    launcher = page.get_by_role("button", name="Terveysaseman chat")
    expect(launcher).to_have_attribute("aria-expanded", "false")
    tab_to(page, launcher)
    page.keyboard.press("Enter")
    # at phone size the full-screen panel covers the launcher, which then leaves the Tab order
    expect(page.get_by_role("button", name="Terveysaseman chat", include_hidden=True)).to_have_attribute("aria-expanded", "true")
    dialog = page.get_by_role("dialog", name="Terveysaseman chat")
    expect(dialog).to_be_visible()
    return dialog


def log_lines(dialog: Locator) -> list[tuple[int, str]]:
    """(seq, text) of every line in the conversation log, in document order."""
    log = dialog.get_by_role("log")
    rows: list[list[Any]] = log.locator("[data-seq]").evaluate_all(
        "nodes => nodes.map(n => [Number(n.dataset.seq), n.querySelector('.text').textContent])"
    )
    return [(int(seq), text) for seq, text in rows]


def assert_once_in_order(dialog: Locator, expected: list[str]) -> None:
    lines = log_lines(dialog)
    seqs = [seq for seq, _ in lines]
    assert seqs == sorted(seqs) and len(set(seqs)) == len(seqs), f"lines out of order or repeated: {lines}"
    texts = [text for _, text in lines]
    for text in expected:
        assert texts.count(text) == 1, f"{text!r} shown {texts.count(text)} times: {texts}"
    positions = [texts.index(text) for text in expected]
    assert positions == sorted(positions), f"lines out of order: {texts}"


def message_texts(case: dict[str, Any]) -> list[str]:
    return [m["text"] for m in case.get("messages", [])]


# -------------------------------------------------------------------------------------- tests


def test_visitor_and_professional_chat_survives_a_drop_and_closes(page: Page, base_url: str) -> None:
    form = chat_form(base_url)
    page.context.add_init_script(TRACK_SOCKETS)

    # (a) keyboard only: launcher → form → start; the visitor is queued
    dialog = open_with_keyboard(page)
    questions = form["questions"]
    reason_at = next(i for i, q in enumerate(questions) if q["id"] == "reason")
    reason = dialog.get_by_role("textbox", name=questions[reason_at]["text"])
    expect(reason).to_be_focused()  # focus moved into the panel, onto the reason
    page.keyboard.type("Kurkku on ollut kipeä viikon, tarvitsenko lääkärin?")
    for q in questions[:reason_at]:  # anything the form asks before the reason
        if q["kind"] == "yes_no":
            dialog.get_by_role("group", name=q["text"]).get_by_role("radio", name="Ei").press("Space")
    for q in questions[reason_at + 1 :]:
        if q["kind"] == "yes_no":
            group = dialog.get_by_role("group", name=q["text"])
            tab_to(page, group.get_by_role("radio", name="Kyllä"), limit=1)  # Tab enters the group at its first radio
            page.keyboard.press("ArrowRight")  # …and the arrow moves to and checks "Ei"
            expect(group.get_by_role("radio", name="Ei")).to_be_checked()
            expect(group.get_by_role("radio", name="Kyllä")).not_to_be_checked()
        else:
            tab_to(page, dialog.get_by_role("textbox", name=q["text"]), limit=1)
    tab_to(page, dialog.get_by_role("textbox", name="Nimesi (vapaaehtoinen)"), limit=1)
    page.keyboard.type("Testi")
    expect(dialog.get_by_role("alert")).not_to_contain_text("112")  # no red flag, no emergency banner
    tab_to(page, dialog.get_by_role("button", name="Aloita chat"), limit=1)
    page.keyboard.press("Enter")

    status = dialog.get_by_role("status")
    expect(status).to_contain_text("jonossa")
    message_box = dialog.get_by_role("textbox", name="Viesti")
    expect(message_box).to_be_focused()
    stored = wait_until(lambda: page.evaluate(f"JSON.parse(sessionStorage.getItem('{STORE_KEY}'))"), "the session in sessionStorage")
    case_id = wait_until(lambda: page.evaluate(f"(JSON.parse(sessionStorage.getItem('{STORE_KEY}')) || {{}}).case_id"), "case id")
    assert stored["token"]

    # (b) the professional finds the chat, claims it, and they talk
    pro = Pro(base_url)
    assert case_id in [c["id"] for c in pro.inbox("chat")]
    pro.post(f"/api/cases/{case_id}/claim")
    expect(status).to_contain_text("Aino")
    expect(status).to_contain_text("liittyi")
    hello = "Hei, täällä Aino. Onko sinulla kuumetta?"
    pro.post(f"/api/cases/{case_id}/messages", {"text": hello})
    log = dialog.get_by_role("log")
    expect(log).to_have_attribute("aria-live", "polite")
    expect(log).to_contain_text(hello)

    reply = "Ei ole kuumetta, mutta nieleminen sattuu."
    message_box.focus()
    page.keyboard.type(reply)
    page.keyboard.press("Enter")
    expect(log).to_contain_text(reply)
    expect(message_box).to_have_value("")
    page.keyboard.type("Rivi yksi")
    page.keyboard.press("Shift+Enter")  # a new line, not a send
    page.keyboard.type("rivi kaksi")
    expect(message_box).to_have_value("Rivi yksi\nrivi kaksi")
    page.keyboard.press("Enter")
    two_lines = "Rivi yksi\nrivi kaksi"
    wait_until(lambda: any(t == two_lines for _, t in log_lines(dialog)), "the two-line message in the log")
    wait_until(lambda: {reply, two_lines} <= set(message_texts(pro.case(case_id))), "the visitor's lines on the case")
    expect(dialog.locator(".pending .msg")).to_have_count(0)  # "sending…" placeholders all replaced by the echo
    page.screenshot(path=SCREENSHOT)

    # (c) the connection drops; the professional writes twice meanwhile; nothing is lost or doubled
    page.context.set_offline(True)
    page.evaluate("window.__sockets.forEach(s => s.close())")
    expect(status).to_contain_text("Yhteys katkesi")
    while_away = ["Suosittelen lepoa ja runsasta juomista.", "Jos oireet pahenevat, ota uudelleen yhteyttä."]
    for text in while_away:
        pro.post(f"/api/cases/{case_id}/messages", {"text": text})
    time.sleep(1.5)  # the widget retries meanwhile, and fails: the network is down
    expect(log).not_to_contain_text(while_away[0])
    page.context.set_offline(False)
    expect(log).to_contain_text(while_away[1], timeout=20_000)
    expect(status).to_contain_text("liittyi")
    conversation = [hello, reply, two_lines, *while_away]
    assert_once_in_order(dialog, conversation)

    # … and after a page reload in the same tab, the whole conversation is back, once
    page.reload()
    dialog = page.get_by_role("dialog", name="Terveysaseman chat")
    expect(dialog).to_be_visible()  # it was open, so it opens again
    expect(dialog.get_by_role("log")).to_contain_text(while_away[1])
    assert_once_in_order(dialog, conversation)
    assert [t for t in message_texts(pro.case(case_id)) if t in conversation] == conversation

    # (d) the professional resolves: the widget shows the closed state with the survey link
    pro.post(f"/api/cases/{case_id}/resolve", {"outcome": "ADVICE", "patient_informed": True})
    expect(dialog).to_contain_text("Keskustelu on päättynyt")
    survey = dialog.get_by_role("link", name=re.compile("palautekysely"))
    expect(survey).to_have_attribute("href", re.compile(r"^https?://"))
    assert page.evaluate(f"sessionStorage.getItem('{STORE_KEY}')") is None

    # Escape closes the panel and focus returns to the launcher
    survey.focus()
    page.keyboard.press("Escape")
    launcher = page.get_by_role("button", name="Terveysaseman chat")
    expect(dialog).to_be_hidden()
    expect(launcher).to_have_attribute("aria-expanded", "false")
    expect(launcher).to_be_focused()


def test_red_flag_answer_shows_emergency_instructions_at_once(page: Page, base_url: str) -> None:
    form = chat_form(base_url)
    red = [q for q in form["questions"] if q["kind"] == "yes_no" and q.get("red_flag")]
    assert red, f"the form has no red-flag question: {form}"

    dialog = open_with_keyboard(page)
    alert = dialog.get_by_role("alert")
    expect(alert).not_to_contain_text("112")
    dialog.get_by_role("group", name=red[0]["text"]).get_by_role("radio", name="Kyllä").press("Space")
    expect(alert).to_contain_text("112", timeout=1000)  # at once, before anything is sent
    expect(alert.get_by_role("link", name="Soita 112")).to_have_attribute("href", "tel:112")

    # the chat can still be started; the server's own instructions replace the local ones
    dialog.get_by_role("textbox", name=next(q["text"] for q in form["questions"] if q["id"] == "reason")).fill("Kova puristava rintakipu")
    for q in form["questions"]:
        if q["kind"] == "yes_no" and q["id"] != red[0]["id"]:
            dialog.get_by_role("group", name=q["text"]).get_by_role("radio", name="Ei").press("Space")
    dialog.get_by_role("button", name="Aloita chat").press("Enter")
    expect(dialog.get_by_role("textbox", name="Viesti")).to_be_visible()
    expect(alert).to_contain_text("112")
    case_id = wait_until(lambda: page.evaluate(f"(JSON.parse(sessionStorage.getItem('{STORE_KEY}')) || {{}}).case_id"), "case id")
    pro = Pro(base_url)
    wait_until(lambda: case_id in [c["id"] for c in pro.inbox("urgent")], "the case in the urgent queue")

    # over 4000 characters is refused in the widget already, with a reason the visitor can act on
    message_box = dialog.get_by_role("textbox", name="Viesti")
    message_box.fill("ä" * 4001)
    message_box.press("Enter")
    expect(message_box).to_have_attribute("aria-invalid", "true")
    expect(dialog).to_contain_text("enintään 4000 merkkiä")
    expect(message_box).to_have_value("ä" * 4001)  # kept, so it can be shortened
    message_box.fill("")

    # the visitor leaves: the chat ends on their side
    dialog.get_by_role("button", name="Lopeta chat").press("Enter")
    expect(dialog).to_contain_text("Keskustelu on päättynyt")
    expect(dialog.get_by_role("button", name="Aloita uusi chat")).to_be_visible()


def test_widget_js_is_served_for_any_site_with_caching(base_url: str) -> None:
    r = httpx.get(f"{base_url}/widget.js", headers={"Origin": "https://www.example.fi"}, timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"] == "application/javascript; charset=utf-8"
    assert r.headers["access-control-allow-origin"] == "*"
    assert r.headers["cache-control"] == "public, max-age=300"
    assert r.headers["x-content-type-options"] == "nosniff"
    etag = r.headers["etag"]
    assert etag.startswith('"') and len(etag) > 10
    assert "FirstlineWidget" in r.text
    again = httpx.get(f"{base_url}/widget.js", headers={"If-None-Match": etag}, timeout=10)
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert httpx.get(f"{base_url}/widget.js", headers={"If-None-Match": '"other"'}, timeout=10).status_code == 200


def test_demo_page_has_a_strict_csp(base_url: str) -> None:
    r = httpx.get(f"{base_url}/demo/chat", timeout=10)
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/html")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "connect-src 'self' ws: wss:" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert '<script src="/widget.js" data-unit="kajaani" data-lang="fi">' in r.text
