"""The dashboard page on SQLite and PostgreSQL: rendered on the server from the same figures as
`GET /api/reports/dashboard`, readable without a script, for supervisors and admins only."""

from __future__ import annotations

import re

from litestar.testing import AsyncTestClient

from app.api.pages_dashboard import duration, percent
from app.security.session import CSRF_COOKIE
from app.web.i18n import TEXTS
from tests.helpers import callback

CSP_FREE = ("<style", "style=", "<script>", "onerror=", "onclick=")


async def log_in(client: AsyncTestClient, username: str) -> None:
    """The browser's way in: the login form, leaving the session cookie in the client."""
    r = await client.get("/login")
    assert r.status_code == 200
    token = client.cookies.get(CSRF_COOKIE)
    r = await client.post(
        "/login", data={"username": username, "password": f"{username}-demo", "csrf_token": token, "next": "/dashboard"}, follow_redirects=False
    )
    assert r.status_code == 303 and r.headers["location"] == "/dashboard", r.text


def row(html: str, kind: str) -> list[str]:
    found = re.search(rf'<tr data-kind="{kind}"[^>]*>(.*?)</tr>', html, re.DOTALL)
    assert found, f"no row for {kind}"
    return re.findall(r"<td>([^<]*)</td>", found.group(1))


async def test_a_supervisor_reads_the_api_figures_as_charts_and_tables(client: AsyncTestClient) -> None:
    for i, caller in enumerate(("+358401234567", "0401111111", "0449876543")):  # Matti, unknown, Erik
        r = await callback(client, f"page-{i}", caller=caller)
        assert r.status_code == 202, r.text
    await log_in(client, "paula")
    page = await client.get("/dashboard?lang=en")
    assert page.status_code == 200, page.text
    html = page.text
    assert "script-src 'self'" in page.headers["content-security-policy"]
    for bad in CSP_FREE:
        assert bad not in html, bad
    api = (await client.get("/api/reports/dashboard?unit=kajaani")).json()

    # the charts: SVG images with a title, their figures as tables too
    for chart_id in ("contacts-by-channel", "contacts-by-hour", "outcomes"):
        assert re.search(rf'<svg [^>]*role="img"[^>]*aria-labelledby="{chart_id}-title', html), chart_id
        assert f'<title id="{chart_id}-title">' in html
    assert html.count('<table class="chart-table">') == 3 + 5  # today's three charts, the weekly trend's five
    # the weekly trend: titled charts, FCR measured and patient-reported side by side, the CSV
    for chart_id in ("trend-same-day", "trend-fcr", "trend-failure", "trend-nps", "trend-continuity"):
        assert f'<title id="{chart_id}-title">' in html, chart_id
    assert 'id="kpi-fcr"' in html and "patient-reported" in html and "measured (7-day rule)" in html
    assert 'href="/api/reports/kpis/weekly?unit=kajaani&amp;weeks=8&amp;format=csv"' in html
    csv_ = await client.get("/api/reports/kpis/weekly?unit=kajaani&weeks=8&format=csv")  # with the page's session
    assert csv_.status_code == 200 and csv_.text.startswith("week,unit,from,to,") and csv_.text.count("\r\n") == 9
    assert "Contacts today by hour" in html and "failure demand" in html
    # described in the page's language: the total and the bars that are not zero
    assert '<desc id="contacts-by-channel-desc">Total 3. Phone: 3.</desc>' in html
    assert '<desc id="outcomes-desc">Every value is zero.</desc>' in html

    # "now": every queue kind with the API's counts
    for q in api["now"]["queues"]:
        assert row(html, q["kind"])[:3] == [str(q["open"]), str(q["unclaimed"]), str(q["overdue"])]
    assert sum(q["open"] for q in api["now"]["queues"]) == 3
    assert row(html, "overflow")[3].endswith("min")  # the unidentified caller waits, counted in minutes
    assert f'id="overdue-count">{api["now"]["overdue_total"]}<' in html

    # "today": totals, every hour of the table, the ratios as percentages
    contacts = api["today"]["contacts"]
    assert contacts["total"] == 3 and f'id="kpi-contacts">{contacts["total"]}<' in html
    hours = re.search(r"<caption>Contacts today by hour</caption>.*?</table>", html, re.DOTALL)
    assert hours is not None
    assert [int(n) for n in re.findall(r"<td>(\d+)</td>", hours.group(0))] == contacts["by_hour"]
    assert '<th scope="row">Phone</th><td>3</td>' in html
    assert api["today"]["overflow"]["ratio"] == 0.3333 and 'id="kpi-overflow">33.3%<' in html
    assert 'id="kpi-failure">–<' in html  # nothing resolved yet: no ratio, not 0 %

    # who is present, the absences, the nav link
    assert 'data-professional="n-aino"' in html and "Offline" in html
    assert 'id="absence-form"' in html and 'for="absence-from"' in html
    assert '<a href="/dashboard" aria-current="page">Dashboard</a>' in html
    assert "Matti" not in html  # no patient names on the dashboard


async def test_the_inbox_links_to_the_dashboard_only_for_supervisors(client: AsyncTestClient) -> None:
    await log_in(client, "paula")
    assert 'href="/dashboard"' in (await client.get("/inbox")).text
    await client.post("/logout", data={"csrf_token": client.cookies.get(CSRF_COOKIE)})
    await log_in(client, "aino")
    assert 'href="/dashboard"' not in (await client.get("/inbox")).text


async def test_a_nurse_gets_a_403_page_and_a_stranger_the_login(client: AsyncTestClient) -> None:
    r = await client.get("/dashboard?unit=kajaani", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == "/login?next=%2Fdashboard%3Funit%3Dkajaani"
    await log_in(client, "aino")
    r = await client.get("/dashboard?lang=en")
    assert r.status_code == 403 and "for the unit&#39;s supervisors and admins" in r.text
    assert "<svg" not in r.text and "dashboard.js" not in r.text


async def test_a_supervisor_may_not_read_another_unit_an_admin_may(client: AsyncTestClient) -> None:
    await log_in(client, "paula")
    assert (await client.get("/dashboard?unit=sotkamo")).status_code == 403
    assert (await client.get("/dashboard?unit=nowhere")).status_code == 404
    await client.post("/logout", data={"csrf_token": client.cookies.get(CSRF_COOKIE)})
    await log_in(client, "admin")
    r = await client.get("/dashboard?unit=sotkamo")
    assert r.status_code == 200 and 'data-unit="sotkamo"' in r.text and 'for="unit-pick"' in r.text


def test_waits_and_shares_read_as_people_say_them() -> None:
    fi = TEXTS["fi"]
    assert [duration(s, fi) for s in (None, 5, 60, 3599, 3600 + 5 * 60, 49 * 3600)] == ["–", "< 1 min", "1 min", "59 min", "1 h 05 min", "2 pv 1 h"]
    assert (percent(None, "fi"), percent(0.3333, "fi"), percent(0.3333, "sv"), percent(1.0, "en")) == ("–", "33,3 %", "33,3 %", "100.0%")
