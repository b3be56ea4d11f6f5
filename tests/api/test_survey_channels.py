"""The survey on every channel (SPEC §9), on SQLite and PostgreSQL: the link in a secure-message
thread, the survey SMS a phone caller agreed to, expiry, the page's language, the KPI report."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import select, update

from app.clock import utcnow
from app.db import schema as t
from tests.helpers import MATTI, SCRAPER, callback, login


async def _secure_thread(client, patient_token):  # type: ignore[no-untyped-def]
    matti = {"Authorization": f"Bearer {patient_token('p-0001')}"}
    r = await client.post("/channels/omasote/messages", json={"subject": "Resepti", "text": "Uusisitteko reseptin?"}, headers=matti)
    assert r.status_code in (200, 201, 202), r.text
    return r.json()["thread_id"], matti


async def _claim(client, cid, who="aino"):  # type: ignore[no-untyped-def]
    head = await login(client, who)
    assert (await client.post(f"/api/cases/{cid}/claim", headers=head)).status_code == 200
    return head


async def test_a_resolved_secure_message_leaves_the_link_in_the_thread_in_the_patients_language(client, db, patient_token):  # type: ignore[no-untyped-def]
    async with db.begin() as conn:
        await conn.execute(update(t.patients).where(t.patients.c.id == "p-0001").values(language="sv"))
    thread, matti = await _secure_thread(client, patient_token)
    aino = await _claim(client, thread)
    r = await client.post(f"/api/cases/{thread}/resolve", json={"outcome": "ADVICE"}, headers=aino)
    assert r.status_code == 200, r.text
    messages = (await client.get(f"/channels/omasote/threads/{thread}", headers=matti)).json()["messages"]
    last = messages[-1]
    assert last["sender"] == "system" and "enkät" in last["text"]
    url = last["text"].split(": ")[-1]
    assert url.startswith(f"/survey/{thread}.") and url.endswith("?lang=sv")
    page = await client.get(url)
    assert page.status_code == 200 and 'lang="sv"' in page.text and "Hur lyckades vi?" in page.text
    # the resolution's event and the message were one transaction: both there
    async with db.connect() as conn:
        resolved_at = (await conn.execute(select(t.cases.c.resolved_at).where(t.cases.c.id == thread))).scalar_one()
        sent = (await conn.execute(select(t.messages.c.at).where(t.messages.c.case_id == thread, t.messages.c.sender == "system"))).scalars().all()
    assert sent == [resolved_at]
    # and the answer lands in the KPI report's NPS and the metric
    r = await client.post(url, json={"nps": 9, "solved": True})
    assert r.status_code == 201, r.text
    today = utcnow().astimezone(ZoneInfo("Europe/Helsinki")).date().isoformat()
    paula = await login(client, "paula")
    report = await client.get(f"/api/reports/kpis?unit=kajaani&from={today}&to={today}", headers=paula)
    assert report.status_code == 200, report.text
    assert report.json()["nps"] == {"responses": 1, "score": 100.0, "promoters": 1, "detractors": 0}
    metrics = (await client.get("/metrics", headers=SCRAPER)).text
    assert 'firstline_survey_responses_total{nps_band="promoter",unit="kajaani"} 1.0' in metrics


async def test_a_phone_caller_who_agreed_gets_the_survey_sms(client, db):  # type: ignore[no-untyped-def]
    cid = (await callback(client, "survey-sms-1")).json()["case_id"]
    aino = await _claim(client, cid)
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE", "survey_sms": True}, headers=aino)
    assert r.status_code == 200, r.text
    async with db.connect() as conn:
        rows = (await conn.execute(select(t.outbox))).all()
    assert [(x.channel, x.recipient, x.template, x.case_id) for x in rows] == [("sms", MATTI, "survey", cid)]


async def test_no_survey_sms_unless_asked(client, db):  # type: ignore[no-untyped-def]
    cid = (await callback(client, "survey-sms-2")).json()["case_id"]
    aino = await _claim(client, cid)
    assert (await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE"}, headers=aino)).status_code == 200
    async with db.connect() as conn:
        assert (await conn.execute(select(t.outbox))).all() == []


async def test_survey_sms_on_a_case_without_a_phone_is_422_and_nothing_changes(client, db, patient_token):  # type: ignore[no-untyped-def]
    thread, _ = await _secure_thread(client, patient_token)
    aino = await _claim(client, thread)
    r = await client.post(f"/api/cases/{thread}/resolve", json={"outcome": "ADVICE", "survey_sms": True}, headers=aino)
    assert r.status_code == 422, r.text
    assert r.json()["extra"]["code"] == "survey_no_phone" and "phone" in r.json()["detail"]
    detail = (await client.get(f"/api/cases/{thread}", headers=aino)).json()
    assert detail["status"] == "claimed"
    async with db.connect() as conn:
        assert (await conn.execute(select(t.outbox))).all() == []


async def test_an_expired_link_is_refused_in_the_patients_language(client, db, patient_token):  # type: ignore[no-untyped-def]
    thread, matti = await _secure_thread(client, patient_token)
    aino = await _claim(client, thread)
    assert (await client.post(f"/api/cases/{thread}/resolve", json={"outcome": "ADVICE"}, headers=aino)).status_code == 200
    url = (await client.get(f"/channels/omasote/threads/{thread}", headers=matti)).json()["messages"][-1]["text"].split(": ")[-1]
    token = url.split("/survey/")[1].split("?")[0]
    async with db.begin() as conn:
        await conn.execute(update(t.cases).where(t.cases.c.id == thread).values(resolved_at=utcnow() - timedelta(days=14, seconds=1)))
    page = await client.get(f"/survey/{token}?lang=en")
    assert page.status_code == 410 and "This survey has closed" in page.text and "<form" not in page.text
    page = await client.get(f"/survey/{token}", headers={"Accept-Language": "sv-FI,sv;q=0.9"})
    assert page.status_code == 410 and 'lang="sv"' in page.text and "Svarstiden" in page.text
    r = await client.post(f"/survey/{token}", json={"nps": 10})
    assert r.status_code == 410
    assert r.json()["extra"]["code"] == "survey_expired" and "expired" in r.json()["detail"]
    form = await client.post(f"/survey/{token}?lang=fi", data={"nps": "10"})
    assert form.status_code == 410 and "päättynyt" in form.text
    async with db.connect() as conn:
        assert (await conn.execute(select(t.survey_responses))).all() == []


async def test_the_page_honours_accept_language_without_lang(client, patient_token):  # type: ignore[no-untyped-def]
    thread, matti = await _secure_thread(client, patient_token)
    aino = await _claim(client, thread)
    assert (await client.post(f"/api/cases/{thread}/resolve", json={"outcome": "ADVICE"}, headers=aino)).status_code == 200
    url = (await client.get(f"/channels/omasote/threads/{thread}", headers=matti)).json()["messages"][-1]["text"].split(": ")[-1]
    bare = url.split("?")[0]
    page = await client.get(bare, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert page.status_code == 200 and "How did we do?" in page.text
    page = await client.get(bare)
    assert page.status_code == 200 and "Miten onnistuimme?" in page.text
