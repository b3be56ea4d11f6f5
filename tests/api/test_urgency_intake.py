"""Issue 3 end to end: red flags on every channel, the urgent queue, the override with a reason."""

from __future__ import annotations

from datetime import datetime, timedelta

from tests.helpers import SCRAPER, callback, login, signed_post


async def test_voicemail_red_flag_lands_as_emergency_due_in_15_minutes(client):  # type: ignore[no-untyped-def]
    received = "2026-11-14T03:00:00+02:00"  # a Saturday night: emergencies have no opening hours
    r = await callback(client, "hta-1", voicemail_text="isällä puristaa rinnassa ja hikoiluttaa", received_at=received)
    assert r.status_code == 202, r.text
    body = r.json()
    assert (body["queue"], body["routing_reason"], body["urgency"]) == ("urgent:kajaani", "emergency", "emergency")
    assert datetime.fromisoformat(body["due_at"]) - datetime.fromisoformat(received) == timedelta(minutes=15)
    assert "chest_pain" in body["red_flags"]
    nurse = await login(client, "aino")
    detail = (await client.get(f"/api/cases/{body['case_id']}", headers=nurse)).json()
    assert "chest_pain" in detail["red_flags"] and detail["urgency_source"] == "rules"
    urgent = (await client.get("/api/inbox?queue=urgent", headers=nurse)).json()["items"]
    assert urgent[0]["id"] == body["case_id"]
    assert 'firstline_red_flags_total{flag="chest_pain"}' in (await client.get("/metrics", headers=SCRAPER)).text


async def test_routine_voicemail_stays_unassessed_with_the_named_nurse(client):  # type: ignore[no-untyped-def]
    r = await callback(client, "hta-2", voicemail_text="Tarvitsisin reseptin uusinnan, rintaliivit hiertävät myös")
    assert (r.json()["queue"], r.json()["urgency"]) == ("personal:n-aino", "unassessed")


async def test_sms_and_secure_message_red_flags(client, patient_token):  # type: ignore[no-untyped-def]
    body = {"message_id": "hta-sms", "sender": "0452223344", "recipient": "+358400150000", "text": "en saa henkeä kunnolla, huulet siniset"}
    r = await signed_post(client, "/channels/sms/inbound", body)
    assert (r.json()["urgency"], r.json()["queue"]) == ("emergency", "urgent:kajaani")
    h = {"Authorization": f"Bearer {patient_token('p-0003')}"}
    r = await client.post("/channels/omasote/messages", json={"subject": "Apua", "text": "Jag har ont i bröstet och svettas"}, headers=h)
    assert r.status_code == 201
    nurse = await login(client, "eero")
    detail = (await client.get(f"/api/cases/{r.json()['case_id']}", headers=nurse)).json()
    assert detail["urgency"] == "emergency" and detail["queue"] == "urgent:kajaani"


async def test_red_flag_later_in_a_thread_escalates(client, patient_token):  # type: ignore[no-untyped-def]
    h = {"Authorization": f"Bearer {patient_token('p-0001')}"}
    r = await client.post("/channels/omasote/messages", json={"subject": "Kysymys", "text": "Milloin laboratorio on auki?"}, headers=h)
    thread = r.json()["thread_id"]
    nurse = await login(client, "aino")
    assert (await client.get(f"/api/cases/{thread}", headers=nurse)).json()["urgency"] == "unassessed"
    r = await client.post(f"/channels/omasote/threads/{thread}/messages", json={"text": "Nyt toinen käsi ei toimi ja puhe sammaltaa"}, headers=h)
    assert r.status_code == 201
    detail = (await client.get(f"/api/cases/{thread}", headers=nurse)).json()
    assert detail["urgency"] == "emergency" and "stroke" in detail["red_flags"] and detail["queue"] == "urgent:kajaani"
    assert detail["events"][-1]["type"] == "case.urgency"


async def test_override_needs_a_reason_and_moves_the_due_time(client):  # type: ignore[no-untyped-def]
    r = await callback(client, "hta-3", voicemail_text="kova rintakipu")
    case = r.json()
    nurse = await login(client, "aino")
    assert (await client.post(f"/api/cases/{case['case_id']}/urgency", json={"level": "soon"}, headers=nurse)).status_code == 400
    r = await client.post(
        f"/api/cases/{case['case_id']}/urgency",
        json={"level": "soon", "reason": "Soitin: kipu on ollut viikon, liittyy liikkeeseen"},
        headers=nurse,
    )
    assert r.status_code == 200 and r.json()["urgency"] == "soon"
    due = datetime.fromisoformat(r.json()["due_at"].replace("Z", "+00:00"))
    assert due >= datetime.fromisoformat(case["due_at"]), "lowering never makes the matter due sooner"
    detail = (await client.get(f"/api/cases/{case['case_id']}", headers=nurse)).json()
    change = detail["events"][-1]
    assert change["type"] == "case.urgency"
    assert change["urgency"] == {"from": "emergency", "to": "soon", "reason": "Soitin: kipu on ollut viikon, liittyy liikkeeseen"}
    assert detail["urgency_source"] == "professional"
    assert any("Soitin" in n["text"] for n in detail["notes"])
