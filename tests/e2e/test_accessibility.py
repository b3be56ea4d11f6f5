"""Accessibility of every page a person sees: an axe-core scan (WCAG 2.1 A and AA rules) and the
parts of a WCAG 2.1 AA review a browser can check.

Every page — login, each inbox tab of a nurse and a supervisor, a case page with a populated
timeline, the shortcut help dialogs open, the dashboard with data, the chat widget's visitor side
with the form shown, the survey — is scanned in Finnish on a 1366×768 desktop; the inbox and the
case page also in Swedish and English and on a 768×1024 tablet. A violation of impact "serious" or
"critical" fails the test with the rule, the elements and axe's help text.

axe is injected with `page.evaluate` (a DevTools evaluation, which the pages' strict CSP does not
block: no CSP bypass is needed, and the CSP stays on for every scan). Beyond axe: a visible focus
outline on focused controls, no keyboard trap (Tab goes round the page and comes back), the help
dialog lets go of focus with Escape, focus order follows reading order, and no horizontal
scrolling of the page at desktop and tablet widths.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from tests.e2e.conftest import CHROMIUM_ARGS, E2E_SECRET_KEY, require_browser

require_browser("e2e accessibility tests")

pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python (the test extra)")

from axe_playwright_python.sync_playwright import Axe  # noqa: E402
from playwright.sync_api import Browser, Page, expect  # noqa: E402

from app.services.survey import survey_token  # noqa: E402
from tests.e2e.test_inbox_pages import WATCH_CSP, phone_callback  # noqa: E402

DESKTOP = {"width": 1366, "height": 768}
TABLET = {"width": 768, "height": 1024}
LOCALES = {"fi": "fi-FI", "sv": "sv-SE", "en": "en-GB"}
MATTI = "+358401234567"
UNKNOWN = "+358409997711"
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BLOCKING = ("serious", "critical")

_axe = Axe()


# ------------------------------------------------------------------------------------ helpers


# CSS animations stop half-way — the emergency row's pulse at its strongest colour, which must
# still leave its text readable — and transitions (the widget panel fading in) end, so axe sees a
# fixed page and the result does not depend on the moment it looks.
FREEZE = """() => document.getAnimations({ subtree: true }).forEach((a) => {
  if (a instanceof CSSAnimation) { a.pause(); a.currentTime = (a.effect.getComputedTiming().duration || 0) / 2; }
  else a.finish();
})"""


def scan(page: Page, what: str) -> None:
    """axe-core over the page as it is now; fails on any serious or critical violation."""
    page.evaluate(FREEZE)
    results = _axe.run(page, options={"runOnly": {"type": "tag", "values": WCAG_TAGS}, "resultTypes": ["violations"]})
    found = [v for v in results.response["violations"] if v.get("impact") in BLOCKING]
    report = []
    for v in found:
        targets = "; ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:8])
        more = f" (+{len(v['nodes']) - 8} more)" if len(v["nodes"]) > 8 else ""
        summary = (v["nodes"][0].get("failureSummary") or "").replace("\n", " ")
        report.append(f"- {v['id']} [{v['impact']}] {v['help']} ({v['helpUrl']})\n    at: {targets}{more}\n    {summary}")
    assert not found, f"axe on {what}: {len(found)} serious/critical violation(s)\n" + "\n".join(report)


def no_horizontal_scroll(page: Page, what: str) -> None:
    width = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width[0] <= width[1], f"{what}: the page scrolls sideways ({width[0]} px content in a {width[1]} px window)"


def log_in(page: Page, username: str, next_path: str) -> None:
    """Logs in through the form, whatever the page's language."""
    page.goto(next_path)
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.locator("#username").fill(username)
    page.locator("#password").fill(f"{username}-demo")
    page.locator("form.login button[type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def bearer(base_url: str, username: str) -> httpx.Client:
    client = httpx.Client(base_url=base_url, timeout=10)
    r = client.post("/api/auth/login", json={"username": username, "password": f"{username}-demo"})
    assert r.status_code == 200, r.text
    client.headers["Authorization"] = f"Bearer {r.json()['token']}"
    return client


def inbox_loaded(page: Page) -> None:
    expect(page.locator("#inbox")).to_have_attribute("data-live", "live")
    expect(page.locator("#list-state")).not_to_have_text(re.compile(r"…$"))


def case_loaded(page: Page) -> None:
    expect(page.locator("#case-body")).to_be_visible()
    expect(page.locator("#timeline > li").first).to_be_visible()


@pytest.fixture(scope="module")
def cases(base_url: str) -> dict[str, str]:
    """Cases the pages show: Matti's callback with a timeline (claimed, a call attempt, a note, a
    reply, an urgency change) in Aino's own queue, an unknown caller's in the team's, one overdue
    emergency for the alerts."""
    matti = phone_callback(base_url, "e2e-a11y-1", MATTI, voicemail_text="Kurkku kipeä, soittakaa takaisin.")["case_id"]
    unknown = phone_callback(base_url, "e2e-a11y-2", UNKNOWN)["case_id"]
    aino = bearer(base_url, "aino")
    for path, body in (
        ("claim", {}),
        ("callback-attempts", {"result": "no_answer", "note": "Ei vastannut."}),
        ("notes", {"text": "Soitan uudelleen iltapäivällä."}),
        ("messages", {"text": "Soitamme teille tänään uudelleen."}),
        ("urgency", {"level": "urgent", "reason": "Nielemisvaikeus."}),
    ):
        r = aino.post(f"/api/cases/{matti}/{path}", json=body)
        assert r.status_code in (200, 201), f"{path}: {r.status_code} {r.text}"
    r = aino.post(f"/api/cases/{unknown}/urgency", json={"level": "emergency", "reason": "Rintakipu."})
    assert r.status_code == 200, r.text
    aino.close()
    return {"matti": matti, "unknown": unknown}


def _context_page(browser: Browser, base_url: str, lang: str, viewport: dict[str, int]) -> tuple[Any, Page, list[str]]:
    context = browser.new_context(viewport=viewport, base_url=base_url, locale=LOCALES[lang])
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.add_init_script(WATCH_CSP)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and "WebSocket" not in m.text else None)
    return context, page, errors


@pytest.fixture
def open_page(browser: Browser, base_url: str) -> Iterator[Any]:
    """open_page(lang, viewport) → a fresh page in its own context; script errors and CSP
    violations (the CSP is not bypassed for the scans) fail the test."""
    made: list[tuple[Any, list[str], str | None]] = []

    def make(lang: str = "fi", viewport: dict[str, int] = DESKTOP, allow: str | None = None) -> Page:
        context, page, errors = _context_page(browser, base_url, lang, viewport)
        made.append((context, errors, allow))
        return page

    yield make
    problems = [e for _, errors, allow in made for e in errors if not (allow and allow in e)]
    for context, _, _ in made:
        context.close()
    assert not problems, f"errors in the page: {problems}"


# -------------------------------------------------------------------------------------- scans


def test_login_page(open_page: Any) -> None:
    page = open_page()
    page.goto("/login")
    scan(page, "the login page")
    no_horizontal_scroll(page, "the login page")
    page.locator("#username").fill("aino")
    page.locator("#password").fill("wrong")
    page.locator("form.login button[type=submit]").click()
    expect(page.get_by_role("alert")).to_be_visible()
    scan(page, "the login page with an error")


@pytest.mark.parametrize(("username", "lang", "viewport"), [
    ("aino", "fi", DESKTOP),
    ("paula", "fi", DESKTOP),
    ("aino", "sv", DESKTOP),
    ("aino", "en", DESKTOP),
    ("aino", "fi", TABLET),
])
def test_inbox_every_tab(open_page: Any, cases: dict[str, str], username: str, lang: str, viewport: dict[str, int]) -> None:
    page = open_page(lang, viewport)
    log_in(page, username, "/inbox")
    inbox_loaded(page)
    tabs = page.get_by_role("tab")
    assert tabs.count() >= 2
    for i in range(tabs.count()):
        tab = tabs.nth(i)
        tab.click()
        expect(tab).to_have_attribute("aria-selected", "true")
        inbox_loaded(page)
        name = tab.get_attribute("data-filter")
        scan(page, f"{username}'s inbox, tab {name} ({lang}, {viewport['width']}×{viewport['height']})")
        no_horizontal_scroll(page, f"the inbox tab {name}")


def test_inbox_shortcut_help_open(open_page: Any, cases: dict[str, str]) -> None:
    page = open_page()
    log_in(page, "aino", "/inbox")
    inbox_loaded(page)
    page.locator("body").press("?")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    scan(page, "the inbox with the shortcut help open")
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()


@pytest.mark.parametrize(("lang", "viewport"), [("fi", DESKTOP), ("sv", DESKTOP), ("en", DESKTOP), ("fi", TABLET)])
def test_case_page(open_page: Any, cases: dict[str, str], lang: str, viewport: dict[str, int]) -> None:
    page = open_page(lang, viewport)
    for key in ("matti", "unknown"):
        path = f"/cases/{cases[key]}"
        if key == "matti":
            log_in(page, "aino", path)
        else:
            page.goto(path)
        case_loaded(page)
        scan(page, f"the case page of {key} ({lang}, {viewport['width']}×{viewport['height']})")
        no_horizontal_scroll(page, f"the case page of {key}")


def test_case_page_help_open(open_page: Any, cases: dict[str, str]) -> None:
    page = open_page()
    log_in(page, "aino", f"/cases/{cases['matti']}")
    case_loaded(page)
    page.locator("body").press("?")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    scan(page, "the case page with the shortcut help open")


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET])
def test_dashboard(open_page: Any, cases: dict[str, str], viewport: dict[str, int]) -> None:
    page = open_page("fi", viewport)
    log_in(page, "paula", "/dashboard")
    expect(page.locator("#dashboard")).to_have_attribute("data-live", "live")
    expect(page.locator("svg.chart")).to_have_count(8)  # today's three and the weekly trend's five
    for details in page.locator("details").all():
        details.locator("summary").click()  # the charts' tables open too
    scan(page, f"the dashboard ({viewport['width']}×{viewport['height']})")
    no_horizontal_scroll(page, "the dashboard")


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET])
def test_chat_widget(open_page: Any, viewport: dict[str, int]) -> None:
    page = open_page("fi", viewport)
    page.goto("/demo/chat")
    launcher = page.get_by_role("button", name="Terveysaseman chat")
    expect(launcher).to_be_visible()
    scan(page, "the chat demo page, widget closed")
    launcher.click()
    dialog = page.get_by_role("dialog", name="Terveysaseman chat")
    expect(dialog).to_be_visible()
    expect(dialog.get_by_role("button", name="Aloita chat")).to_be_visible()
    # the panel has faded in (its transition starts two frames after opening; on a busy machine
    # later than the scan's freeze would see it)
    page.wait_for_function(
        "() => { const p = document.querySelector('firstline-chat').shadowRoot.querySelector('.panel');"
        " return p && !p.classList.contains('entering') && getComputedStyle(p).opacity === '1'; }"
    )
    scan(page, f"the chat widget with its form ({viewport['width']}×{viewport['height']})")
    no_horizontal_scroll(page, "the chat demo page")


def test_survey_page(open_page: Any, cases: dict[str, str]) -> None:
    token = survey_token(E2E_SECRET_KEY, cases["unknown"])
    page = open_page(allow="status of 404")  # the broken link's page is a 404, on purpose
    for lang in ("fi", "sv", "en"):
        page.goto(f"/survey/{token}?lang={lang}")
        expect(page.get_by_role("button")).to_be_visible()
        scan(page, f"the survey ({lang})")
    page.goto("/survey/not-a-valid-token")
    scan(page, "the survey with a broken link")


# ------------------------------------------------------------------------- beyond axe: keyboard

# The element with focus, looking into the widget's shadow root: a description, its place in
# document order, whether it shows a focus ring and whether it has a positive tabindex.
FOCUSED = """() => {
  let el = document.activeElement;
  while (el && el.shadowRoot && el.shadowRoot.activeElement) el = el.shadowRoot.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const all = [...document.querySelectorAll("*")];
  const style = getComputedStyle(el);
  const label = (el.getAttribute("aria-label") || el.textContent || el.value || "").trim().slice(0, 40);
  return {
    what: `${el.tagName.toLowerCase()}${el.id ? "#" + el.id : ""} "${label}"`,
    order: all.indexOf(el),
    ring: style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2,
    tabindex: el.tabIndex,
  };
}"""


def tab_round(page: Page, limit: int = 120) -> list[dict[str, Any]]:
    """Tab from the top of the page until focus comes back to where it started (through the
    browser's own controls); every stop on the way. Fails when focus gets stuck or never returns."""
    # start before the first element (past an autofocus): a temporary unfocusable-by-Tab marker
    page.evaluate("""() => { const m = document.createElement("span"); m.id = "a11y-start"; m.tabIndex = -1;
      document.body.prepend(m); m.focus(); window.scrollTo(0, 0); }""")
    stops: list[dict[str, Any]] = []
    same = 0
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUSED)
        if now is None:  # between the page and the browser's controls
            if stops:
                break
            continue
        if stops and now["what"] == stops[0]["what"] and now["order"] == stops[0]["order"]:
            break
        if stops and now["order"] == stops[-1]["order"]:  # a date field's day, month and year
            same += 1
            assert same < 4, f"focus stuck on {now['what']} after {len(stops)} Tab presses"
            continue
        same = 0
        stops.append(now)
    else:
        raise AssertionError(f"focus did not come back round in {limit} Tab presses: {[s['what'] for s in stops][-10:]}")
    page.evaluate("() => document.getElementById('a11y-start').remove()")
    return stops


def check_round(stops: list[dict[str, Any]], what: str, minimum: int) -> None:
    names = [s["what"] for s in stops]
    assert len(stops) >= minimum, f"{what}: only {len(stops)} focus stops: {names}"
    no_ring = [s["what"] for s in stops if not s["ring"]]
    assert not no_ring, f"{what}: no visible focus outline on {no_ring}"
    positive = [s["what"] for s in stops if s["tabindex"] > 0]
    assert not positive, f"{what}: a positive tabindex changes the focus order: {positive}"
    orders = [s["order"] for s in stops]
    assert orders == sorted(orders), f"{what}: focus order is not the reading (document) order: {names}"


@pytest.mark.parametrize("viewport", [DESKTOP, TABLET])
def test_keyboard_round_login_inbox_case_dashboard(open_page: Any, cases: dict[str, str], viewport: dict[str, int]) -> None:
    """Tab goes through each page in reading order, every stop with a visible focus ring, and
    comes back to the start: no keyboard trap. The first stop is the skip link to the content."""
    page = open_page("fi", viewport)
    page.goto("/login")
    stops = tab_round(page)
    check_round(stops, "the login page", 7)
    assert stops[0]["what"] == 'a "Siirry sisältöön"', stops[0]

    log_in(page, "aino", "/inbox")
    inbox_loaded(page)
    stops = tab_round(page)
    check_round(stops, "the inbox", 8)
    assert any("#tab-mine" in s["what"] for s in stops) and any('a "' in s["what"] for s in stops[6:]), [s["what"] for s in stops]

    page.goto(f"/cases/{cases['matti']}")
    case_loaded(page)
    stops = tab_round(page)
    check_round(stops, "the case page", 20)
    assert any("#resolve-outcome" in s["what"] for s in stops), [s["what"] for s in stops]

    paula = open_page("fi", viewport)
    log_in(paula, "paula", "/dashboard")
    expect(paula.locator("#dashboard")).to_have_attribute("data-live", "live")
    stops = tab_round(paula)
    check_round(stops, "the dashboard", 10)


def test_skip_link_moves_to_the_content(open_page: Any, cases: dict[str, str]) -> None:
    page = open_page()
    log_in(page, "aino", "/inbox")
    inbox_loaded(page)
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Siirry sisältöön")
    expect(skip).to_be_focused()
    expect(skip).to_be_in_viewport()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")  # past the header's languages and logout, into the inbox
    assert page.evaluate("() => !!document.activeElement.closest('main')"), page.evaluate(FOCUSED)


@pytest.mark.parametrize("where", ["inbox", "case"])
def test_help_dialog_holds_focus_and_escape_gives_it_back(open_page: Any, cases: dict[str, str], where: str) -> None:
    page = open_page()
    if where == "inbox":
        log_in(page, "aino", "/inbox")
        inbox_loaded(page)
        start = page.get_by_role("tab").first
        close = page.locator("#shortcut-help-close")
    else:
        log_in(page, "aino", f"/cases/{cases['matti']}")
        case_loaded(page)
        start = page.locator("#back")
        close = page.locator("#help-close")
    start.focus()
    page.keyboard.press("?")
    dialog = page.get_by_role("dialog")
    expect(dialog).to_be_visible()
    expect(close).to_be_focused()
    for key in ("Tab", "Tab", "Shift+Tab"):  # modal: focus stays in the dialog
        page.keyboard.press(key)
        assert page.evaluate("() => !!document.activeElement.closest('[role=dialog]')"), f"{key} left the open dialog"
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(start).to_be_focused()
    page.keyboard.press("Tab")  # and the page goes on from there
    assert page.evaluate("() => !document.activeElement.closest('[role=dialog]') && document.activeElement !== document.body")


def test_focus_ring_is_visible_and_contrasts(open_page: Any) -> None:
    """A focused button and link show a ring at least 2 px wide whose colour has 3:1 or more against
    the page behind it (WCAG 2.4.7, 1.4.11)."""
    page = open_page()
    page.goto("/login")
    page.keyboard.press("Tab")
    for target in ("a.skip-link", "form.login button"):
        page.locator(target).focus()
        ring = page.locator(target).evaluate(
            "el => { const s = getComputedStyle(el); return [s.outlineStyle, parseFloat(s.outlineWidth), s.outlineColor]; }"
        )
        assert ring[0] != "none" and ring[1] >= 2, f"{target}: focus outline {ring}"
        rgb = [int(x) for x in re.findall(r"\d+", ring[2])[:3]]
        assert contrast(rgb, [0xF7, 0xF9, 0xFA]) >= 3 and contrast(rgb, [255, 255, 255]) >= 3, f"{target}: ring colour {ring[2]}"


def contrast(a: list[int], b: list[int]) -> float:
    def lum(c: list[int]) -> float:
        v = [x / 255 for x in c]
        v = [x / 12.92 if x <= 0.03928 else ((x + 0.055) / 1.055) ** 2.4 for x in v]
        return 0.2126 * v[0] + 0.7152 * v[1] + 0.0722 * v[2]

    hi, lo = sorted((lum(a), lum(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def test_single_key_shortcuts_can_be_turned_off(open_page: Any, cases: dict[str, str]) -> None:
    """WCAG 2.1.4: the inbox's and the case page's one-character shortcuts can be switched off
    (for speech input); the choice stays for the next page; arrow keys still move in the list."""
    page = open_page()
    log_in(page, "aino", "/inbox")
    inbox_loaded(page)
    switch = page.get_by_label("Yhden näppäimen pikanäppäimet käytössä")
    expect(switch).to_be_checked()
    switch.uncheck()
    page.locator("h1").click()
    page.keyboard.press("2")
    expect(page.locator("#tab-mine")).to_have_attribute("aria-selected", "true")
    page.keyboard.press("?")
    expect(page.locator("#shortcut-help")).to_be_hidden()
    page.keyboard.press("ArrowDown")  # not a character key: still moves the selection
    expect(page.locator("#rows tr.selected")).to_have_count(1)

    page.goto(f"/cases/{cases['matti']}")
    case_loaded(page)
    expect(page.get_by_label("Yhden näppäimen pikanäppäimet käytössä")).not_to_be_checked()
    page.locator("h1").click()
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_hidden()
    page.get_by_role("button", name=re.compile("Pikanäppäimet")).click()  # the help is still a click away
    expect(page.locator("#help")).to_be_visible()
    page.keyboard.press("Escape")
    page.get_by_label("Yhden näppäimen pikanäppäimet käytössä").check()
    page.locator("h1").click()
    page.keyboard.press("?")
    expect(page.locator("#help")).to_be_visible()
