"""The case view in a real browser against the real app.

Aino logs in, Matti's callback request (its voicemail an HTML snippet) arrives over the signed
phone webhook, she opens it from her inbox: the snippet shows as text. She claims it, writes a
note and a reply, records a reached callback and resolves it with an outcome; the inbox no longer
lists it. On an unidentified caller's case she changes the urgency with a reason and hands it over
by picking a team; a colleague's claim shows up live, and her stale claim shows who has it (in
Finnish, from the API's `extra.code`). The
shortcut help opens with `?`. Any CSP violation or script error on the way fails the test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import PHONE, require_browser

require_browser("e2e case page tests")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.test_inbox_pages import WATCH_CSP, log_in, phone_callback  # noqa: E402

XSS = "<img src=x onerror=alert(1)>"
MATTI = "+358401234567"
UNKNOWN = "+358409998877"


EXPECTED_409 = "the server responded with a status of 409"  # the stale claim this test makes on purpose


@pytest.fixture
def page(browser: Any, base_url: str) -> Iterator[Page]:
    """The conftest's page, except that the browser's own log line for the one deliberate 409
    is not an error in the page."""
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="fi-FI", has_touch=True)
    context.set_default_timeout(10_000)
    pg: Page = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "console",
        lambda m: errors.append(m.text) if m.type == "error" and "WebSocket" not in m.text and EXPECTED_409 not in m.text else None,
    )
    yield pg
    context.close()
    assert not errors, f"errors in the page: {errors}"


def bearer(base_url: str, username: str) -> dict[str, str]:
    r = httpx.post(base_url + "/api/auth/login", json={"username": username, "password": f"{username}-demo"}, timeout=10)
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['token']}"}


def test_claim_call_back_note_reply_and_resolve(watched: Page, base_url: str) -> None:
    page = watched
    created = phone_callback(base_url, "e2e-case-1", MATTI, voicemail_text=XSS)
    assert created["queue"] == "personal:n-aino", created
    case_id = created["case_id"]

    page.goto("/login")
    log_in(page)
    row = page.locator(f'tr[data-case-id="{case_id}"]')
    row.get_by_role("link", name="Matti Meikäläinen").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.get_by_role("heading", name="Matti Meikäläinen", level=1)).to_be_visible()
    timeline = page.locator("#timeline")
    expect(timeline).to_contain_text(XSS)  # the patient's words as text, never markup
    assert page.locator("#case img").count() == 0
    expect(page.locator("#patient-facts")).to_contain_text("Aino Nurminen")  # named nurse at a glance
    expect(page.locator("#case")).to_have_attribute("data-live", "live")

    page.get_by_role("button", name="Ota käsittelyyn").click()
    expect(page.get_by_role("status").filter(has_text="Otit yhteydenoton käsittelyyn.")).to_be_visible()
    expect(page.locator("#case-facts")).to_contain_text("Käsittelyssä")
    expect(page.get_by_role("button", name="Vapauta")).to_be_visible()
    expect(page.get_by_role("button", name="Ota käsittelyyn")).to_be_hidden()

    page.get_by_label("Sisäinen muistiinpano").fill("Soitan iltapäivällä")
    page.get_by_role("button", name="Tallenna muistiinpano").click()
    expect(timeline.locator(".tl.note")).to_contain_text("Soitan iltapäivällä")
    page.get_by_label("Vastaus potilaalle").fill("Soitamme teille tänään")
    page.get_by_role("button", name="Lähetä vastaus").click()
    expect(timeline.locator(".tl.message-professional")).to_contain_text("Soitamme teille tänään")
    expect(page.get_by_label("Vastaus potilaalle")).to_have_value("")

    page.get_by_label("Soiton tulos").select_option(label="Tavoitettu")
    page.get_by_role("button", name="Kirjaa soittoyritys").click()
    expect(timeline.locator(".tl.attempt")).to_contain_text("Tavoitettu")

    outcome = page.get_by_label("Lopputulos")
    expect(outcome.locator("option", has_text="hukkakysyntä")).to_have_count(2)  # failure demand marked
    outcome.select_option(label="Neuvonta")
    page.get_by_label("Hoitopolku (valinnainen)").select_option(label="Diabetes")
    page.get_by_label("Miten asia jatkuu", exact=True).fill("Soittaa uudelleen, jos oireet pahenevat")
    page.get_by_label("Potilas tietää, miten asia jatkuu").check()
    page.get_by_role("button", name="Ratkaise").click()
    expect(page.get_by_role("status").filter(has_text="Yhteydenotto ratkaistu.")).to_be_visible()
    expect(page.locator("#case-facts")).to_contain_text("Ratkaistu")
    expect(page.locator("#case-facts")).to_contain_text("Neuvonta")
    expect(page.locator("#actions")).to_be_hidden()
    expect(timeline.locator(".tl.event", has_text="Lopputulos: Neuvonta")).to_have_count(1)  # the event says what it meant
    expect(timeline.locator(".tl.event", has_text="Soittoyritys: Tavoitettu")).to_have_count(1)
    stored = httpx.get(f"{base_url}/api/cases/{case_id}", headers=bearer(base_url, "aino"), timeout=10)
    assert stored.status_code == 200 and stored.json()["care_pathway"] == "diabetes", stored.text

    page.get_by_role("link", name="Takaisin saapuneisiin").click()
    expect(page).to_have_url(re.compile(r"/inbox$"))
    expect(page.locator('[data-count-for="mine"]')).to_have_text(re.compile(r"^\d+$"))
    expect(page.locator(f'tr[data-case-id="{case_id}"]')).to_have_count(0)
    assert page.evaluate("window.__csp") == []


def test_urgency_handover_live_claim_conflict_and_help(watched: Page, base_url: str) -> None:
    page = watched
    first = phone_callback(base_url, "e2e-case-2", UNKNOWN)
    assert first["queue"] == "overflow:kajaani", first
    page.goto(f"/cases/{first['case_id']}")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fcases%2F"))
    log_in(page)
    expect(page).to_have_url(re.compile(rf"/cases/{first['case_id']}$"))
    expect(page.get_by_role("heading", name="Tunnistamaton", level=1)).to_be_visible()

    # urgency with its required reason, then a handover picked from the unit's queues
    page.get_by_label("Uusi kiireellisyys").select_option(label="Kiireellinen")
    page.get_by_label("Perustelu").fill("Kova kipu puhelussa")
    page.get_by_role("button", name="Muuta kiireellisyys").click()
    expect(page.locator("#case-facts")).to_contain_text("Kiireellinen")
    expect(page.locator("#timeline .tl.note")).to_contain_text("Kova kipu puhelussa")
    page.get_by_label("Vastaanottaja", exact=True).select_option(label="Tiimi A")
    page.get_by_role("button", name="Siirrä").click()
    expect(page.get_by_role("status").filter(has_text="Yhteydenotto siirretty.")).to_be_visible()
    expect(page.locator("#case-facts")).to_contain_text("Tiimi A")
    expect(page.locator("#timeline .tl.event", has_text="Tunnistamattomat → Tiimi A")).to_have_count(1)
    expect(page.locator("#timeline .tl.event", has_text=re.compile(r"→ Kiireellinen: Kova kipu puhelussa"))).to_have_count(1)
    expect(page.locator("#link-form")).to_be_hidden()  # no longer an overflow case

    # a colleague claims it: the page shows it live
    eero = bearer(base_url, "eero")
    r = httpx.post(f"{base_url}/api/cases/{first['case_id']}/claim", headers=eero, timeout=10)
    assert r.status_code == 200, r.text
    expect(page.locator("#case-facts")).to_contain_text("Eero Kallio")
    expect(page.get_by_role("button", name="Ota käsittelyyn")).to_be_hidden()

    # a stale claim (the live socket is away): the page says who has it, in its own language
    second = phone_callback(base_url, "e2e-case-3", "+358409998866")
    page.goto(f"/cases/{second['case_id']}")
    expect(page.locator("#case")).to_have_attribute("data-live", "live")
    page.evaluate("document.getElementById('case').liveConnection.close()")
    r = httpx.post(f"{base_url}/api/cases/{second['case_id']}/claim", headers=eero, timeout=10)
    assert r.status_code == 200, r.text
    page.get_by_role("button", name="Ota käsittelyyn").click()
    expect(page.get_by_role("alert")).to_have_text("Yhteydenoton on jo ottanut käsittelyyn Eero Kallio – tiedot päivitetty.")
    expect(page.locator("#case-facts")).to_contain_text("Eero Kallio")

    # the shortcut help
    page.locator("body").press("?")
    dialog = page.get_by_role("dialog", name="Pikanäppäimet")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Sulje")).to_be_focused()
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.locator("body").press("n")
    expect(page.get_by_label("Sisäinen muistiinpano")).to_be_focused()
    assert page.evaluate("window.__csp") == []


def test_link_unknown_caller_to_a_patient(watched: Page, base_url: str) -> None:
    """An unknown caller's callback lands in overflow; Aino finds the patient by name and links
    them: the case shows the patient and leaves overflow. A second, stale link is the API's 409."""
    page = watched
    created = phone_callback(base_url, "e2e-case-link", "+358409998855")
    assert created["queue"] == "overflow:kajaani", created
    case_id = created["case_id"]
    page.goto(f"/cases/{case_id}")
    log_in(page)
    expect(page.get_by_role("heading", name="Tunnistamaton", level=1)).to_be_visible()
    expect(page.locator("#case")).to_have_attribute("data-live", "live")

    search = page.get_by_label("Hae potilasta (nimi tai puhelin)")
    search.fill("V")
    expect(page.locator("#link-hits li")).to_have_count(0)  # one character is no search
    search.fill("Virtanen")
    pick = page.get_by_role("button", name="Liitä: Maija Virtanen")
    expect(pick).to_be_visible()
    expect(page.locator("#link-hits")).to_contain_text("omahoitaja Aino Nurminen")
    pick.click()
    expect(page.get_by_role("status").filter(has_text="Potilas liitetty.")).to_be_visible()
    expect(page.get_by_role("heading", name="Maija Virtanen", level=1)).to_be_visible()
    expect(page.locator("#patient-facts")).to_contain_text("Maija Virtanen")
    expect(page.locator("#case-facts")).not_to_contain_text("Tunnistamattomat")
    expect(page.locator("#link-form")).to_be_hidden()
    expect(page.locator("#timeline .tl.event", has_text="Tunnistamattomat → ")).to_have_count(1)

    # a case someone else identified meanwhile (the live socket is away): the API's 409, in Finnish
    other = phone_callback(base_url, "e2e-case-link-2", "+358409998844")
    page.goto(f"/cases/{other['case_id']}")
    expect(page.locator("#case")).to_have_attribute("data-live", "live")
    page.evaluate("document.getElementById('case').liveConnection.close()")
    search.fill("Virtanen")
    pick = page.get_by_role("button", name="Liitä: Maija Virtanen")
    expect(pick).to_be_visible()
    aino = bearer(base_url, "aino")  # joins Maija's open case above, which closes this one
    r = httpx.post(f"{base_url}/api/cases/{other['case_id']}/link-patient", json={"patient_id": "p-0002"}, headers=aino, timeout=10)
    assert r.status_code == 200, r.text
    pick.click()
    expect(page.get_by_role("alert")).to_have_text("Yhteydenotto on jo ratkaistu – tiedot päivitetty.")  # extra.code already_resolved
    expect(page.locator("#case-facts")).to_contain_text("Ratkaistu")
    expect(page.locator("#link-form")).to_be_hidden()
    assert page.evaluate("window.__csp") == []
