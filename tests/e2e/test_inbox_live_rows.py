"""The inbox keeps its rows live in place, in a real browser against the real app.

Eero's inbox is open. Callback requests arrive over the signed webhook — his patient Ahmed (who
speaks English and needs an Arabic interpreter), Ahmed again (merged into the open case), two
unidentified callers — and a colleague hands Anna (hearing impaired) over to him: every row
appears or changes in its tab, with the patient's language, interpreter and hearing needs in
words, and the tab counts follow, without the page asking `GET /api/inbox` again. Only when the
live connection drops and comes back are the lists fetched again.

Then two nurses in two browsers: Aino opens Matti's case from her inbox, claims it and hands it
over to Eero by picking him; Eero's inbox, open all along and never reloaded, shows the case
arrive in his Mine tab with its count. Any CSP violation or script error fails the test.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx
import pytest

from app.web.i18n import TEXTS
from tests.e2e.conftest import PHONE, require_browser

require_browser("e2e live inbox row tests")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.test_inbox_pages import WATCH_CSP, log_in, phone_callback  # noqa: E402

MATTI = "+358401234567"  # p-0001, Aino's patient
AHMED = "+358407654321"  # p-0005, Eero's patient: English, Arabic interpreter
ANNA = "+358452223344"  # p-0004, Liisa's patient: hearing impaired, sign language interpreter
GONE = TEXTS["fi"]["case.handed_away"]  # handed to a colleague: out of her sight, and told so
SETTLE_MS = 1000  # longer than the page's reload delay (150 ms): a refetch would have started by then


def bearer(base_url: str, username: str) -> dict[str, str]:
    r = httpx.post(base_url + "/api/auth/login", json={"username": username, "password": f"{username}-demo"}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def watched_page(browser: Any, base_url: str, errors: list[str], expected: tuple[str, ...]) -> Page:
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="fi-FI", has_touch=True)
    context.set_default_timeout(10_000)
    pg: Page = context.new_page()
    pg.add_init_script(WATCH_CSP)
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "console",
        lambda m: errors.append(m.text)
        if m.type == "error" and "WebSocket" not in m.text and not any(e in m.text for e in expected)
        else None,
    )
    return pg


@pytest.fixture
def open_page(browser: Any, base_url: str) -> Iterator[Callable[..., Page]]:
    """Pages in contexts of their own (one per professional); script errors and CSP violations in
    any of them fail the test."""
    errors: list[str] = []
    pages: list[Page] = []

    def make(*expected: str) -> Page:
        """`expected`: a console error this page is meant to log (e.g. a 404 the test causes)."""
        pages.append(watched_page(browser, base_url, errors, expected))
        return pages[-1]

    yield make
    for pg in pages:
        pg.context.close()
    assert not errors, f"errors in the pages: {errors}"


def count_inbox_fetches(page: Page) -> list[str]:
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if "/api/inbox" in r.url else None)
    return fetched


def open_inbox(page: Page, username: str) -> None:
    page.goto("/inbox")
    log_in(page, username)
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")


def wait_first_loads(page: Page, fetched: list[str]) -> tuple[int, int]:
    """Every tab loaded (counts shown) and nothing more under way: (tabs, fetches so far) — one
    per tab, or two if the socket was slower than the page's fallback load."""
    tabs = page.get_by_role("tab").count()
    for filter_ in page.locator("[data-filter]").evaluate_all("els => els.map(e => e.dataset.filter)"):
        expect(page.locator(f'[data-count-for="{filter_}"]')).to_have_text(re.compile(r"^\d+\+?$"))
    page.wait_for_timeout(SETTLE_MS)
    assert len(fetched) in (tabs, 2 * tabs), fetched
    return tabs, len(fetched)


def count_of(page: Page, filter_: str) -> int:
    return int(page.locator(f'[data-count-for="{filter_}"]').inner_text())


def test_live_events_change_rows_in_place_without_refetching(open_page: Callable[..., Page], base_url: str) -> None:
    page = open_page()
    fetched = count_inbox_fetches(page)
    open_inbox(page, "eero")
    tabs, base = wait_first_loads(page, fetched)
    mine0, overflow0 = count_of(page, "mine"), count_of(page, "overflow")

    ahmed = phone_callback(base_url, "e2e-rows-1", AHMED)
    assert ahmed["queue"] == "personal:n-eero", ahmed
    row = page.locator(f'tr[data-case-id="{ahmed["case_id"]}"]')
    expect(row).to_be_visible()
    # the needs in words, in the page's language
    expect(row.locator('[data-need="language"]')).to_have_text("Kieli: englanti")
    expect(row.locator('[data-need="interpreter"]')).to_have_text("Tulkki: arabia")
    expect(row.locator('[data-need="hearing"]')).to_have_count(0)
    expect(page.locator('[data-count-for="mine"]')).to_have_text(str(mine0 + 1))

    again = phone_callback(base_url, "e2e-rows-2", AHMED)
    assert again["merged"] and again["case_id"] == ahmed["case_id"], again
    unknown = [phone_callback(base_url, f"e2e-rows-{3 + i}", f"+35840999100{i}") for i in range(2)]
    assert {u["queue"] for u in unknown} == {"overflow:kajaani"}
    expect(page.locator('[data-count-for="overflow"]')).to_have_text(str(overflow0 + 2))
    expect(page.locator('[data-count-for="mine"]')).to_have_text(str(mine0 + 1))  # the merge added no row

    # a colleague hands over her patient: it arrives in Eero's Mine tab, hearing need in words
    liisa = bearer(base_url, "liisa")
    anna = phone_callback(base_url, "e2e-rows-5", ANNA)
    assert anna["queue"] == "personal:n-liisa", anna
    r = httpx.post(f"{base_url}/api/cases/{anna['case_id']}/handover", json={"to": "personal:n-eero"}, headers=liisa, timeout=10)
    assert r.status_code == 200, r.text
    anna_row = page.locator(f'tr[data-case-id="{anna["case_id"]}"]')
    expect(anna_row.locator('[data-need="hearing"]')).to_have_text("Kuulo- tai puhevamma")
    expect(page.locator('[data-count-for="mine"]')).to_have_text(str(mine0 + 2))

    # a claim by someone else keeps the overflow row (still open) and a resolve removes it
    aino = bearer(base_url, "aino")
    first = unknown[0]["case_id"]
    assert httpx.post(f"{base_url}/api/cases/{first}/claim", headers=aino, timeout=10).status_code == 200
    r = httpx.post(f"{base_url}/api/cases/{first}/resolve", json={"outcome": "ADVICE"}, headers=aino, timeout=10)
    assert r.status_code == 200, r.text
    expect(page.locator('[data-count-for="overflow"]')).to_have_text(str(overflow0 + 1))
    page.get_by_role("tab", name=re.compile("^Tunnistamattomat")).click()
    expect(page.locator(f'tr[data-case-id="{first}"]')).to_have_count(0)
    expect(page.locator(f'tr[data-case-id="{unknown[1]["case_id"]}"]')).to_be_visible()

    page.wait_for_timeout(SETTLE_MS)
    assert len(fetched) == base, f"a live event made the page fetch the lists again: {fetched[base:]}"

    # the rows are in the API's order, as a fresh fetch would give them
    me = bearer(base_url, "eero")
    for filter_ in ("mine", "overflow"):
        api = httpx.get(f"{base_url}/api/inbox/", params={"queue": filter_, "limit": 200}, headers=me, timeout=10).json()["items"]
        page.get_by_role("tab", name=re.compile("^" + {"mine": "Omat", "overflow": "Tunnistamattomat"}[filter_])).click()
        shown = page.locator("#rows tr[data-case-id]").evaluate_all("trs => trs.map(tr => tr.dataset.caseId)")
        assert shown == [c["id"] for c in api], filter_

    # a dropped connection: "reconnecting…" shows, and the lists are fetched again once it is back
    page.evaluate("document.getElementById('inbox').liveConnection.drop()")
    expect(page.locator("#live-status")).to_be_visible()
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")
    expect(page.locator("#live-status")).to_be_hidden()
    deadline = time.monotonic() + 10
    while len(fetched) < base + tabs and time.monotonic() < deadline:
        page.wait_for_timeout(100)
    page.wait_for_timeout(SETTLE_MS)
    assert len(fetched) == base + tabs, fetched[base:]
    assert page.evaluate("window.__csp") == []


def test_a_handover_arrives_live_in_the_colleagues_inbox(open_page: Callable[..., Page], base_url: str) -> None:
    eero = open_page()
    fetched = count_inbox_fetches(eero)
    open_inbox(eero, "eero")
    _, base = wait_first_loads(eero, fetched)
    mine0 = count_of(eero, "mine")
    eero.evaluate("window.__sameDocument = true")  # gone if the page is ever reloaded

    # once handed to Eero's own queue the case is no longer Aino's to see: her case page's
    # next load answers 404, which the browser logs and the page shows as "gone"
    aino = open_page("the server responded with a status of 404")
    open_inbox(aino, "aino")
    created = phone_callback(base_url, "e2e-handover-1", MATTI)
    assert created["queue"] == "personal:n-aino", created
    case_id = created["case_id"]
    aino.locator(f'tr[data-case-id="{case_id}"]').get_by_role("link").click()
    expect(aino).to_have_url(re.compile(rf"/cases/{case_id}$"))
    aino.get_by_role("button", name="Ota käsittelyyn").click()
    expect(aino.locator("#case-facts")).to_contain_text("Aino Nurminen")
    aino.get_by_label("Vastaanottaja", exact=True).select_option(label="Eero Kallio (Sairaanhoitaja)")
    aino.get_by_role("button", name="Siirrä").click()
    expect(aino.get_by_role("status").filter(has_text="Yhteydenotto siirretty.")).to_be_visible()
    expect(aino.locator("#case-state")).to_have_text(GONE)

    row = eero.locator(f'tr[data-case-id="{case_id}"]')
    expect(row).to_be_visible()
    expect(row.get_by_role("link")).to_have_text("Matti Meikäläinen")
    expect(row.locator('[data-need="language"]')).to_have_text("Kieli: suomi")
    expect(eero.locator('[data-count-for="mine"]')).to_have_text(str(mine0 + 1))
    eero.wait_for_timeout(SETTLE_MS)
    assert eero.evaluate("window.__sameDocument") is True, "Eero's inbox was reloaded"
    assert len(fetched) == base, f"the handover made Eero's page fetch the lists again: {fetched[base:]}"
    assert eero.evaluate("window.__csp") == [] and aino.evaluate("window.__csp") == []
