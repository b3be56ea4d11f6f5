"""The case page's shell: served for a case the professional may see, the API's own 404 for one
they may not (or that does not exist), the login page first when nobody is logged in. Its pickers
come from the region, so nobody types a queue id."""

from __future__ import annotations

import html
import json
import re

from litestar.testing import AsyncTestClient
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import schema as t

from tests.api.test_session import log_in
from tests.helpers import callback

ANNA = "+358452223344"  # p-0004, named nurse n-liisa (team B): not Aino's to see


def data_attribute(page: str, name: str) -> object:
    found = re.search(rf'data-{name}="([^"]*)"', page)
    assert found, f"no data-{name} in the page"
    return json.loads(html.unescape(found[1]))


async def test_the_page_of_a_visible_case_carries_what_its_script_needs(client: AsyncTestClient) -> None:
    case_id = (await callback(client, "page-1")).json()["case_id"]
    await log_in(client)
    r = await client.get(f"/cases/{case_id}")
    assert r.status_code == 200, r.text
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert "<style" not in r.text and "style=" not in r.text and "<script>" not in r.text
    assert f'data-case-id="{case_id}"' in r.text and 'data-me="n-aino"' in r.text and 'data-role="nurse"' in r.text
    targets = data_attribute(r.text, "targets")
    assert isinstance(targets, list)
    to = {target["to"] for target in targets}
    assert {"personal:n-eero", "team:kajaani-a", "team:kajaani-b", "coordinator:kajaani", "assistants:kajaani"} <= to
    assert not any(q.endswith("sotkamo") or q == "personal:n-veera" for q in to)  # the case's unit only
    outcomes = data_attribute(r.text, "outcomes")
    assert isinstance(outcomes, list)
    failure_demand = {o["code"] for o in outcomes if o["failure_demand"]}
    assert failure_demand == {"OTHER_UNIT", "PROGRESS_QUERY"}
    assert "Neuvonta" in {o["label"] for o in outcomes}


async def test_unknown_and_invisible_cases_get_the_apis_404(client: AsyncTestClient) -> None:
    hidden = (await callback(client, "page-2", caller=ANNA)).json()
    assert hidden["queue"] == "personal:n-liisa", hidden
    await log_in(client)
    for case_id in ("no-such-case", hidden["case_id"]):
        page = await client.get(f"/cases/{case_id}")
        api = await client.get(f"/api/cases/{case_id}")
        assert page.status_code == api.status_code == 404, page.text
        assert page.json() == api.json()


async def test_a_stranger_is_sent_to_login_and_back(client: AsyncTestClient) -> None:
    case_id = (await callback(client, "page-3")).json()["case_id"]
    r = await client.get(f"/cases/{case_id}", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"] == f"/login?next=%2Fcases%2F{case_id}"
    r = await log_in(client, next_=f"/cases/{case_id}")
    assert r.headers["location"] == f"/cases/{case_id}"


async def test_the_shell_reads_no_patient_data_and_speaks_the_chosen_language(client: AsyncTestClient, db: AsyncEngine) -> None:
    """Only the script's `GET /api/cases/{id}` is a look at the patient's data (and logged so);
    serving the page around it is not."""
    case_id = (await callback(client, "page-4")).json()["case_id"]
    await log_in(client)

    async def views() -> int:
        async with db.connect() as conn:
            return int((await conn.execute(select(func.count()).select_from(t.access_log))).scalar_one())

    before = await views()
    r = await client.get(f"/cases/{case_id}?lang=sv")
    assert r.status_code == 200 and '<html lang="sv">' in r.text
    assert "Överför" in r.text and "Registrera uppringningsförsök" in r.text
    assert await views() == before
    assert (await client.get(f"/api/cases/{case_id}")).status_code == 200
    assert await views() == before + 1
