"""SMS inbound and the patient portal's secure messages, with patient JWTs."""

from __future__ import annotations

import msgspec
import pytest
from sqlalchemy import select

from app.db import schema as t
from tests.helpers import login, signed_post


async def sms(client, message_id: str, sender: str = "045 222 3344", text: str = "Tarvitsen ajan", **kw):  # type: ignore[no-untyped-def]
    body = {"message_id": message_id, "sender": sender, "recipient": "+358400150000", "text": text, **kw}
    return await signed_post(client, "/channels/sms/inbound", body)


async def test_sms_from_a_known_patient_is_routed_and_threaded(client):  # type: ignore[no-untyped-def]
    r = await sms(client, "sms-1")
    assert r.status_code == 202, r.text
    assert (r.json()["queue"], r.json()["routing_reason"]) == ("personal:n-liisa", "named_nurse")
    again = await sms(client, "sms-1")
    assert again.status_code == 200 and again.json() == r.json()
    liisa = await login(client, "liisa")
    detail = (await client.get(f"/api/cases/{r.json()['case_id']}", headers=liisa)).json()
    assert detail["channel"] == "sms" and [m["text"] for m in detail["messages"]] == ["Tarvitsen ajan"]


async def test_sms_from_unknown_sender_and_bad_input(client):  # type: ignore[no-untyped-def]
    r = await sms(client, "sms-2", sender="0401231231")
    assert r.json()["routing_reason"] == "unidentified"
    assert (await sms(client, "sms-3", text="")).status_code == 422
    bad = await signed_post(client, "/channels/sms/inbound", {"message_id": "x", "sender": "0401", "recipient": "+358400150000", "text": "a"})
    assert bad.status_code == 422 and "sender" in bad.json()["detail"]
    bad = await signed_post(client, "/channels/sms/inbound", {"message_id": "x", "sender": "0401231231", "recipient": "+35886150099", "text": "a"})
    assert bad.status_code == 422 and "recipient" in bad.json()["detail"]


async def test_secure_message_thread_round_trip(client, patient_token, db):  # type: ignore[no-untyped-def]
    matti = {"Authorization": f"Bearer {patient_token('p-0001')}"}
    r = await client.post("/channels/omasote/messages", json={"subject": "Reseptit", "text": "Voinko kysyä lääkkeistä?"}, headers=matti)
    assert r.status_code == 201, r.text
    thread = r.json()["thread_id"]
    aino = await login(client, "aino")
    inbox = (await client.get("/api/inbox?queue=mine", headers=aino)).json()["items"]
    assert [c["id"] for c in inbox] == [thread] and inbox[0]["channel"] == "secure_message"
    assert (await client.post(f"/api/cases/{thread}/messages", json={"text": "Kyllä, kertokaa lisää."}, headers=aino)).status_code == 201
    got = (await client.get(f"/channels/omasote/threads/{thread}", headers=matti)).json()
    assert got["subject"] == "Reseptit" and got["status"] == "open"
    assert [(m["sender"], m["text"]) for m in got["messages"]] == [
        ("patient", "Voinko kysyä lääkkeistä?"), ("professional", "Kyllä, kertokaa lisää.")
    ]
    async with db.connect() as conn:
        sms_rows = (await conn.execute(select(t.outbox.c.template, t.outbox.c.recipient))).all()
    assert [tuple(x) for x in sms_rows] == [("new_message", "+358401234567")]  # content-free notification
    assert (await client.post(f"/channels/omasote/threads/{thread}/messages", json={"text": "Kiitos"}, headers=matti)).status_code == 201
    threads = (await client.get("/channels/omasote/threads", headers=matti)).json()
    assert [x["id"] for x in threads] == [thread]
    # Another patient sees nothing of it.
    maija = {"Authorization": f"Bearer {patient_token('p-0002')}"}
    assert (await client.get(f"/channels/omasote/threads/{thread}", headers=maija)).status_code == 404
    assert (await client.post(f"/channels/omasote/threads/{thread}/messages", json={"text": "x"}, headers=maija)).status_code == 404
    assert (await client.get("/channels/omasote/threads", headers=maija)).json() == []
    # Matti sees who read his data.
    await client.get(f"/api/cases/{thread}", headers=aino)
    log = (await client.get("/channels/omasote/access-log", headers=matti)).json()
    assert log and log[0]["professional_name"] == "Aino Nurminen" and log[0]["action"] == "case_view"


async def test_patient_tokens_are_checked(client, patient_token):  # type: ignore[no-untyped-def]
    from cryptography.hazmat.primitives.asymmetric import rsa

    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    cases = {
        "expired": patient_token("p-0001", exp_in=-10),
        "wrong audience": patient_token("p-0001", aud="someone-else"),
        "wrong issuer": patient_token("p-0001", iss="https://evil.test"),
        "wrong key": patient_token("p-0001", key=other_key),
        "no audience": patient_token("p-0001", aud=None),
        "no issuer": patient_token("p-0001", iss=None),
        "garbage": "abc.def.ghi",
    }
    for why, token in cases.items():
        r = await client.get("/channels/omasote/threads", headers={"Authorization": f"Bearer {token}"})
        assert r.status_code == 401, why
    assert (await client.get("/channels/omasote/threads")).status_code == 401
    stranger = {"Authorization": f"Bearer {patient_token('p-unknown')}"}
    r = await client.post("/channels/omasote/messages", json={"subject": "x", "text": "y"}, headers=stranger)
    assert r.status_code == 403


async def test_secure_message_idempotency_key(client, patient_token):  # type: ignore[no-untyped-def]
    h = {"Authorization": f"Bearer {patient_token('p-0003')}", "Idempotency-Key": "k-1"}
    a = await client.post("/channels/omasote/messages", json={"subject": "s", "text": "t"}, headers=h)
    b = await client.post("/channels/omasote/messages", json={"subject": "s", "text": "t"}, headers=h)
    assert a.status_code == b.status_code == 201 and a.json() == b.json()


@pytest.mark.parametrize("missing", ["patient_jwt_public_key", "patient_jwt_issuer", "patient_jwt_audience"])
async def test_the_portal_without_key_issuer_and_audience_is_disabled(settings, region, db, patient_token, missing):  # type: ignore[no-untyped-def]
    """A token is never taken on its signature alone: without an issuer and an audience to check
    the portal answers 503 `portal_disabled` (no Retry-After: waiting will not help)."""
    from litestar.testing import AsyncTestClient

    from app.main import create_app

    half = msgspec.structs.replace(settings, **{missing: None})
    async with AsyncTestClient(app=create_app(half, region)) as c:
        r = await c.get("/channels/omasote/threads", headers={"Authorization": f"Bearer {patient_token('p-0001')}"})
        assert r.status_code == 503 and r.json()["extra"]["code"] == "portal_disabled", r.text
        assert "retry-after" not in r.headers and "issuer" in r.json()["detail"]
