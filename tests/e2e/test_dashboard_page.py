"""The supervisor dashboard in a real browser against the real app.

Paula opens the dashboard, is sent to log in and comes back to it. The charts are there with the
callbacks that came in; another one arrives and the figures follow without a reload, as does a
colleague becoming available; the live connection drops and the page says so. She records an
absence with a substitute and sees it listed. Every form field has a label, every chart is an
image with a title. Any CSP violation or script error fails the test.
"""

from __future__ import annotations

import re
from typing import Any
from datetime import date, timedelta

import httpx
import pytest

from tests.e2e.conftest import require_browser

require_browser("e2e dashboard page tests")

from playwright.sync_api import Page, expect

from tests.e2e.test_inbox_pages import MATTI, WATCH_CSP, log_in, phone_callback

UNKNOWN = "+358401111111"
ERIK = "+358449876543"

UNLABELLED = """() => [...document.querySelectorAll("input:not([type=hidden]), select, textarea")]
  .filter((el) => el.labels.length === 0 && !el.getAttribute("aria-label") && !el.getAttribute("aria-labelledby"))
  .map((el) => el.id || el.name)"""


@pytest.fixture
def expected_console() -> tuple[str, ...]:
    return ("status of 422",)  # the absence that ends before it starts, refused on purpose


def test_the_dashboard_live_with_charts_and_absences(watched: Page, base_url: str) -> None:
    page = watched
    phone_callback(base_url, "e2e-dash-1", MATTI)
    phone_callback(base_url, "e2e-dash-2", UNKNOWN)

    page.goto("/dashboard")
    expect(page).to_have_url(re.compile(r"/login\?next=%2Fdashboard$"))
    log_in(page, "paula")
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page.get_by_role("heading", name=re.compile("^Tilannekuva"))).to_be_visible()
    expect(page.get_by_role("navigation", name="Sivut").get_by_role("link", name="Tilannekuva")).to_have_attribute("aria-current", "page")
    expect(page.locator("#dashboard")).to_have_attribute("data-live", "live")

    # the charts: images with a title, drawn with today's contacts; their tables one click away
    charts = page.locator(".dash-today svg.chart")
    expect(charts).to_have_count(3)
    expect(page.locator("#trend svg.chart")).to_have_count(5)  # the weekly trend, each titled too
    for i in range(5):
        expect(page.locator("#trend svg.chart").nth(i)).to_have_accessible_name(re.compile(r"\w"))
    for i in range(3):
        chart = charts.nth(i)
        expect(chart).to_have_attribute("role", "img")
        assert chart.locator("title").first.text_content()
        expect(chart).to_have_accessible_name(re.compile(r"\w"))
    expect(page.get_by_role("img", name=re.compile("^Yhteydenotot tänään tunneittain Yhteensä 2\\. klo \\d\\d: "))).to_be_visible()
    expect(page.get_by_role("img", name=re.compile("^Yhteydenotot tänään kanavittain Yhteensä 2. Puhelin: 2"))).to_be_visible()
    expect(page.locator("#kpi-contacts")).to_have_text("2")
    expect(page.locator("#kpi-overflow")).to_have_text("50,0 %")
    assert page.locator("#figure-hours rect.bar[height]:not([height='0'])").count() >= 1
    page.locator("#table-hours summary").click()
    expect(page.get_by_role("table", name="Yhteydenotot tänään tunneittain")).to_be_visible()
    assert page.evaluate(UNLABELLED) == []

    # a callback arrives: the figures follow without a reload; the opened table stays open and
    # the keyboard focus stays where it was
    page.locator("#table-hours summary").focus()
    phone_callback(base_url, "e2e-dash-3", ERIK)  # Eero's patient: a second personal queue
    expect(page.locator("#kpi-contacts")).to_have_text("3")
    expect(page.locator('tr[data-kind="personal"] td').first).to_have_text("2")
    expect(page.locator("#table-hours")).to_have_attribute("open", "")
    expect(page.locator("#table-hours summary")).to_be_focused()

    # Aino says she is available (through the API, as her own page would): the roster follows
    token = httpx.post(base_url + "/api/auth/login", json={"username": "aino", "password": "aino-demo"}, timeout=10).json()["token"]
    r = httpx.put(base_url + "/api/presence", json={"status": "available"}, headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 200, r.text
    expect(page.locator('tr[data-professional="n-aino"] .status')).to_have_text("Vapaana")

    # the connection drops: the page says it is reconnecting, then is live again
    page.evaluate("document.getElementById('dashboard').liveConnection.drop()")
    expect(page.locator("#live-status")).to_have_text("Yhteys katkesi – yhdistetään uudelleen…")
    expect(page.locator("#dashboard")).to_have_attribute("data-live", "live")
    expect(page.locator("#live-status")).to_be_hidden()

    # an absence with a substitute, recorded through the API and listed
    expect(page.get_by_text("Ei tulevia poissaoloja.")).to_be_visible()
    start = date.today() + timedelta(days=1)
    page.get_by_label("Työntekijä").select_option(label="Aino Nurminen")
    page.get_by_label("Alkaen (päivä)").fill(start.isoformat())
    page.get_by_label("Päättyen (päivä)").fill((start + timedelta(days=2)).isoformat())
    page.get_by_label("Sijainen").select_option(label="Eero Kallio")
    page.get_by_role("button", name="Kirjaa poissaolo").click()
    expect(page.locator("#absence-status")).to_have_text("Poissaolo kirjattu.")
    listed = page.locator("#absences tbody tr")
    expect(listed).to_have_count(1)
    expect(listed).to_contain_text("Aino Nurminen")
    expect(listed).to_contain_text("Eero Kallio")
    assert page.evaluate(UNLABELLED) == []

    # a slip of the finger: the refusal is said in Finnish, not in the API's English
    page.get_by_label("Työntekijä").select_option(label="Aino Nurminen")
    page.get_by_label("Alkaen (päivä)").fill((start + timedelta(days=5)).isoformat())
    page.get_by_label("Päättyen (päivä)").fill(start.isoformat())
    page.get_by_role("button", name="Kirjaa poissaolo").click()
    expect(page.locator("#absence-status")).to_have_text("Poissaolo päättyy ennen kuin se alkaa.")
    expect(listed).to_have_count(1)

    # Aino's plans change: the absence is ended (cancelled, as it has not begun) from its row
    listed.get_by_role("button", name="Päätä poissaolo: Aino Nurminen").click()
    expect(page.locator("#absence-status")).to_have_text("Poissaolo päätetty.")
    expect(page.locator("#absences tbody tr")).to_have_count(0)
    expect(page.get_by_text("Ei tulevia poissaoloja.")).to_be_visible()
    assert page.evaluate("window.__csp") == []


def test_absences_without_javascript(browser: Any, base_url: str) -> None:
    """With scripts off the absence forms still work: they post to the page, which comes back
    with the answer; a mistake is said in the page's language with the reason; a forged form is 403."""
    context = browser.new_context(java_script_enabled=False, base_url=base_url, locale="fi-FI", viewport={"width": 1366, "height": 768})
    context.set_default_timeout(10_000)
    page = context.new_page()
    try:
        page.goto("/dashboard")
        log_in(page, "paula")
        page.goto("/dashboard?lang=sv")  # and Swedish from here on
        expect(page.get_by_role("heading", name=re.compile("^Lägesbild"))).to_be_visible()
        start = date.today() + timedelta(days=20)
        page.get_by_label("Medarbetare").select_option(label="Eero Kallio")
        page.get_by_label("Från (dag)").fill(start.isoformat())
        page.get_by_label("Till (dag)").fill((start - timedelta(days=2)).isoformat())  # ends before it starts
        page.get_by_role("button", name="Registrera frånvaro").click()
        expect(page.locator("#absence-status")).to_have_text("Frånvaron slutar innan den börjar.")
        page.get_by_label("Medarbetare").select_option(label="Eero Kallio")
        page.get_by_label("Från (dag)").fill(start.isoformat())
        page.get_by_label("Till (dag)").fill(start.isoformat())
        page.get_by_role("button", name="Registrera frånvaro").click()
        expect(page).to_have_url(re.compile(r"/dashboard\?unit=kajaani&done=absence-saved$"))
        expect(page.locator("#absence-status")).to_have_text("Frånvaron registrerad.")
        row = page.locator("#absences tbody tr", has_text="Eero Kallio")
        expect(row).to_have_count(1)
        row.get_by_role("button", name="Avsluta frånvaron: Eero Kallio").click()
        expect(page.locator("#absence-status")).to_have_text("Frånvaron avslutad.")
        expect(page.locator("#absences tbody tr", has_text="Eero Kallio")).to_have_count(0)
        forged = httpx.post(
            f"{base_url}/dashboard/absences", data={"professional": "n-aino", "from": "2030-01-01", "to": "2030-01-02", "csrf_token": "x" * 40},
            cookies={c["name"]: c["value"] for c in context.cookies()}, timeout=10,
        )
        assert forged.status_code == 403 and "CSRF" in forged.json()["detail"]
    finally:
        context.close()
