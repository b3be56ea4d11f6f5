"""Linking a patient by the search and giving them a care pathway, in a real browser.

An unknown caller's callback lands in overflow; Aino finds the patient by name in the case view
— the search goes out as a POST, the name never in a URL — and links them. She claims the case
and resolves it with a care pathway: the form tells her the patient will see it in the portal,
and the patient's record then lists it. Any CSP violation or script error fails the test.
"""

from __future__ import annotations

import re

import httpx

from tests.e2e.conftest import require_browser

require_browser("e2e care pathway tests")

from playwright.sync_api import Page, Request, expect  # noqa: E402

from tests.e2e.test_case_page import bearer  # noqa: E402
from tests.e2e.test_inbox_pages import log_in, phone_callback  # noqa: E402


def test_link_by_search_then_resolve_with_a_pathway(watched: Page, base_url: str) -> None:
    page = watched
    sent: list[tuple[str, str, str | None]] = []

    def record(request: Request) -> None:
        if "/api/patients" in request.url:
            sent.append((request.method, request.url, request.post_data))

    page.on("request", record)
    created = phone_callback(base_url, "e2e-pathway-1", "+358409998866")
    assert created["queue"] == "overflow:kajaani", created
    case_id = created["case_id"]
    page.goto(f"/cases/{case_id}")
    log_in(page)
    expect(page.get_by_role("heading", name="Tunnistamaton", level=1)).to_be_visible()

    page.get_by_label("Hae potilasta (nimi tai puhelin)").fill("Pulkkinen")
    pick = page.get_by_role("button", name="Liitä: Kaisa Pulkkinen")
    expect(pick).to_be_visible()
    searches = [(m, u, body) for m, u, body in sent if u.endswith("/api/patients/search")]
    assert searches and all(m == "POST" and body and "Pulkkinen" in body for m, _, body in searches), sent
    assert not any("Pulkkinen" in url for _, url, _ in sent), sent  # the name stays out of every URL
    pick.click()
    expect(page.get_by_role("status").filter(has_text="Potilas liitetty.")).to_be_visible()
    expect(page.get_by_role("heading", name="Kaisa Pulkkinen", level=1)).to_be_visible()  # no named nurse: Aino's team

    page.get_by_role("button", name="Ota käsittelyyn").click()
    expect(page.get_by_role("button", name="Ota käsittelyyn")).to_be_hidden()
    page.get_by_label("Lopputulos").select_option(label="Neuvonta")
    pathway = page.get_by_label("Hoitopolku (valinnainen)")
    expect(pathway).to_have_accessible_description(re.compile("potilasportaalissa"))  # the patient will see it
    pathway.select_option(label="Astma")
    page.get_by_role("button", name="Ratkaise").click()
    expect(page.get_by_role("status").filter(has_text="Yhteydenotto ratkaistu.")).to_be_visible()
    expect(page.locator("#case-facts")).to_contain_text("Ratkaistu")

    r = httpx.get(f"{base_url}/api/patients/p-0006", headers=bearer(base_url, "aino"), timeout=10)
    assert r.status_code == 200, r.text
    assert [(p["id"], p["title"]) for p in r.json()["care_pathways"]] == [("asthma", "Astma")]
    assert page.evaluate("window.__csp") == []

    # the patient panel lists it and attaches one more from the case view
    page.reload()
    pathways = page.get_by_role("list", name="Hoitopolut")
    expect(pathways.get_by_role("listitem")).to_have_count(1)
    expect(pathways).to_contain_text("Astma")
    choice = page.get_by_label("Liitä hoitopolku (potilas näkee sen Omasotessa)")
    expect(choice.locator("option", has_text="Astma")).to_have_count(0)  # attached already: not offered again
    choice.select_option(label="Diabetes")
    page.get_by_role("button", name="Liitä", exact=True).click()
    expect(page.get_by_role("status").filter(has_text="Hoitopolku liitetty")).to_be_visible()
    expect(pathways.get_by_role("listitem")).to_have_count(2)
    expect(pathways).to_contain_text("Diabetes")
    r = httpx.get(f"{base_url}/api/patients/p-0006", headers=bearer(base_url, "aino"), timeout=10)
    assert sorted(p["id"] for p in r.json()["care_pathways"]) == ["asthma", "diabetes"]
    assert page.evaluate("window.__csp") == []
