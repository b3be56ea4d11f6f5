"""The professionals' pages in a real browser against the real app.

Aino opens the inbox and is sent to the login page; she logs in and lands in her inbox. A
callback request arrives over the signed phone webhook and appears in her list without a reload,
the patient's name (here an HTML snippet) shown as text. Her connection drops: the page says it
is reconnecting, a callback that arrives meanwhile is there once it is back. She switches the
language and the tabs with the keyboard, logs out, and the inbox then sends her to login again.
Any Content-Security-Policy violation or script error on the way fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import msgspec
import pytest

from tests.e2e.conftest import WATCH_CSP, require_browser

require_browser("e2e inbox page tests")

from playwright.sync_api import Page, expect  # noqa: E402

from app.security.webhooks import sign  # noqa: E402

XSS = "<img src=x onerror=alert(1)>"
XSS_PHONE = "+358409990001"
MATTI = "+358401234567"
KAJAANI = "+35886150000"

# CSP violations are reported as console errors (which the page fixture turns into a failure)
# and collected here, so the test can also say which directive was violated.


@pytest.fixture(scope="module")
def extra_patients(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    path = tmp_path_factory.mktemp("patients") / "xss.csv"
    path.write_text(
        "id,name,phones,language,named_nurse,named_doctor,unit,hearing_impaired,interpreter_language\n"
        f"p-9001,{XSS},040 999 0001,fi,n-aino,,kajaani,false,\n",
        encoding="utf-8",
    )
    return [path]


def phone_callback(base_url: str, call_id: str, caller: str, **extra: Any) -> dict[str, Any]:
    """A signed callback request to the e2e server (extra fields, e.g. voicemail_text, as given)."""
    body = msgspec.json.encode({"call_id": call_id, "caller": caller, "dialed": KAJAANI, "line": 1, **extra})
    r = httpx.post(
        base_url + "/channels/phone/callback-requests",
        content=body,
        headers={"Content-Type": "application/json", "X-Firstline-Signature": sign("e2e", body)},
        timeout=10,
    )
    assert r.status_code == 202, r.text
    data: dict[str, Any] = r.json()
    return data


def log_in(page: Page, username: str = "aino") -> None:
    page.get_by_label("Käyttäjätunnus").fill(username)
    page.get_by_label("Salasana").fill(f"{username}-demo")
    page.get_by_role("button", name="Kirjaudu").click()


def test_login_live_inbox_and_logout(watched: Page, base_url: str) -> None:
    page = watched
    page.goto("/inbox")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Finbox$"))
    expect(page.get_by_role("heading", name="Kirjaudu sisään")).to_be_visible()

    page.get_by_label("Käyttäjätunnus").fill("aino")
    page.get_by_label("Salasana").fill("wrong")
    page.get_by_role("button", name="Kirjaudu").click()
    expect(page.get_by_role("alert")).to_have_text("Väärä käyttäjätunnus tai salasana.")
    expect(page.get_by_label("Käyttäjätunnus")).to_have_value("aino")

    log_in(page)
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.get_by_role("heading", name="Saapuneet")).to_be_visible()
    mine = page.get_by_role("tab", name=re.compile("^Omat"))
    expect(mine).to_have_attribute("aria-selected", "true")
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")
    expect(page.locator('[data-count-for="mine"]')).to_have_text("0")
    expect(page.get_by_text("Ei odottavia yhteydenottoja.")).to_be_visible()

    # a callback request arrives: in the list at once, the name shown as text
    created = phone_callback(base_url, "e2e-pages-1", XSS_PHONE)
    assert created["queue"] == "personal:n-aino", created
    row = page.locator(f'tr[data-case-id="{created["case_id"]}"]')
    expect(row).to_be_visible()
    expect(row.get_by_role("link", name=XSS)).to_have_attribute("href", f"/cases/{created['case_id']}")
    expect(row).to_contain_text("Puhelin")
    expect(row).to_contain_text("Omahoitaja")
    expect(row).to_contain_text("Arvioimatta")
    expect(row.locator("time")).to_have_attribute("datetime", re.compile(r"^\d{4}-\d\d-\d\dT"))
    assert page.locator("#rows img").count() == 0
    expect(page.locator('[data-count-for="mine"]')).to_have_text("1")

    # the connection drops: the page says so, and what arrives meanwhile is there afterwards
    page.evaluate("document.getElementById('inbox').liveConnection.drop()")
    expect(page.get_by_role("status")).to_have_text("Yhteys katkesi – yhdistetään uudelleen…")
    second = phone_callback(base_url, "e2e-pages-2", MATTI)
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")
    expect(page.get_by_role("status")).to_be_hidden()
    expect(page.locator(f'tr[data-case-id="{second["case_id"]}"]')).to_be_visible()
    expect(page.locator('[data-count-for="mine"]')).to_have_text("2")

    # tabs with the keyboard
    mine.focus()
    page.keyboard.press("ArrowRight")
    team = page.get_by_role("tab", name=re.compile("^Tiimi"))
    expect(team).to_be_focused()
    expect(team).to_have_attribute("aria-selected", "true")
    page.keyboard.press("End")
    expect(page.get_by_role("tab", name=re.compile("^Kaikki"))).to_have_attribute("aria-selected", "true")
    expect(page.locator(f'tr[data-case-id="{created["case_id"]}"]')).to_be_visible()

    # another language, the same session
    page.get_by_role("link", name="Svenska").click()
    expect(page.locator("html")).to_have_attribute("lang", "sv")
    expect(page.get_by_role("heading", name="Inkorg")).to_be_visible()
    expect(page.get_by_role("tab", name=re.compile("^Mina"))).to_be_visible()

    page.get_by_role("button", name="Logga ut").click()
    expect(page).to_have_url(re.compile(r"/login$"))
    expect(page.locator("html")).to_have_attribute("lang", "sv")  # the pick is remembered
    page.goto("/inbox")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Finbox$"))
    assert page.evaluate("window.__csp") == []


def test_a_stale_session_on_the_page_goes_to_login(watched: Page, base_url: str) -> None:
    """The session ends elsewhere (another tab logged out): the inbox's next request goes to login."""
    page = watched
    page.goto("/login")
    log_in(page)
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")
    for count in page.locator("[data-count-for]").all():  # every list loaded: no request in flight
        expect(count).to_have_text(re.compile(r"^\d+$"))
    cookies = {c["name"]: c["value"] for c in page.context.cookies()}
    r = httpx.post(
        base_url + "/api/auth/logout", headers={"Authorization": f"Bearer {cookies['firstline_session']}"}, timeout=10
    )
    assert r.status_code == 204, r.text
    page.reload()
    expect(page).to_have_url(re.compile(r"/login\?next=%2Finbox$"))
