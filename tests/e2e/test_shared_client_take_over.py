"""A coordinator catches the ball, in a real browser: Kaisa (no named nurse: her calls wait in the
unit's default team, Helena's) has called three times; Helena opens the case, sees the
shared-client suggestion with its triggers in words, takes Kaisa over until next week with a
note, and the panel shows her as the responsible worker; the case is now in her own queue, where
the inbox row says "shared client". No CSP violation or script error on the way."""

from __future__ import annotations

import re
from datetime import date, timedelta

from tests.e2e.conftest import require_browser

require_browser("e2e shared-client tests")

from playwright.sync_api import Page, expect  # noqa: E402

from tests.e2e.test_inbox_pages import log_in, phone_callback  # noqa: E402

KAISA = "+358503334444"  # p-0006: no named nurse → team:kajaani-a


def test_a_coordinator_takes_a_suggested_patient_over(watched: Page, base_url: str) -> None:
    page = watched
    created = [phone_callback(base_url, f"e2e-shared-{i}", KAISA) for i in range(3)]
    case_id = created[0]["case_id"]
    assert {c["case_id"] for c in created} == {case_id} and created[0]["queue"] == "team:kajaani-a"

    page.goto(f"/cases/{case_id}")
    log_in(page, "helena")
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    panel = page.locator("#shared-client")
    expect(panel).to_have_attribute("data-suggested", "true")
    expect(page.locator("#shared-status")).to_have_text("Ehdotetaan yhteisasiakkaaksi: koordinaattori voisi ottaa asiakkaan haltuun.")
    expect(page.locator("#shared-triggers li")).to_have_text(
        ["Toistuvia yhteydenottoja kuukauden sisällä", "Useita yhteydenottoja samasta avoimesta asiasta"]
    )
    expect(page.locator("#shared-responsible")).to_be_empty()

    until = date.today() + timedelta(days=7)
    page.get_by_label("Asti (viimeinen päivä)").fill(until.isoformat())
    page.get_by_label("Huomio", exact=True).fill("Kartoitan tilanteen")
    page.get_by_role("button", name="Ota haltuun").click()

    expect(page.locator("#shared-message")).to_have_text("Olet nyt asiakkaan vastuutyöntekijä.")
    expect(panel).to_have_attribute("data-responsible", "c-helena")
    expect(panel).to_have_attribute("data-suggested", "false")
    expect(page.locator("#shared-status")).to_have_text("Koordinaattori on ottanut asiakkaan haltuun.")
    expect(page.locator("#shared-responsible")).to_contain_text("Vastuutyöntekijä")
    expect(page.locator("#shared-responsible")).to_contain_text("Helena Laine")
    expect(page.locator("#shared-responsible")).to_contain_text(str(until.year))
    expect(page.get_by_role("button", name="Päätä haltuunotto")).to_be_visible()

    page.goto("/inbox")
    row = page.locator(f'tr[data-case-id="{case_id}"]')
    expect(row).to_be_visible()  # on Helena's own tab now
    expect(row.locator('[data-need="shared"]')).to_have_text("yhteisasiakas")
    shared = page.locator('#shared-list li[data-patient-id="p-0006"]')  # the unit's shared-client list
    expect(shared).to_contain_text("Kaisa Pulkkinen")
    expect(shared).to_contain_text("Toistuvia yhteydenottoja kuukauden sisällä")
    expect(shared).to_contain_text("Helena Laine vastaa")
    expect(shared).to_have_attribute("data-suggested", "false")


def test_a_nurse_has_no_shared_client_list_but_may_record_a_concern(watched: Page, base_url: str) -> None:
    page = watched
    case_id = phone_callback(base_url, "e2e-shared-nurse", "+358401234567")["case_id"]  # Matti, Aino's patient
    page.goto(f"/cases/{case_id}")
    log_in(page, "aino")
    expect(page).to_have_url(re.compile(rf"/cases/{case_id}$"))
    expect(page.locator("#shared-status")).to_have_text("Ei yhteisasiakkuuden herätteitä.")
    expect(page.get_by_role("button", name="Ota haltuun")).to_have_count(0)
    page.get_by_label("Huoli asiakkaasta").fill("Ei pärjää kotona")
    page.get_by_role("button", name="Kirjaa huoli").click()
    expect(page.locator("#shared-message")).to_have_text("Huoli kirjattiin.")
    expect(page.locator("#shared-triggers li")).to_have_text(["Ammattilaisen huoli"])
    page.goto("/inbox")
    expect(page.locator('tr[data-case-id="%s"]' % case_id)).to_be_visible()
    expect(page.locator("#shared-clients")).to_have_count(0)
