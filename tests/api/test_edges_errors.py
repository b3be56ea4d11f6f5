"""Edges of the HTTP layer: bodies that are not UTF-8, and the unexpected 500 with its request id."""

from __future__ import annotations

import logging

import pytest

import app.services.cases
from tests.helpers import login, signed_post

NOT_UTF8 = b"\xff\xfe{"  # not JSON at all: the JSON parser refuses it
# JSON whose strings hold bytes that are not UTF-8 (Latin-1 "é", a stray 0xff): msgspec raises
# UnicodeDecodeError for these, which used to escape as an unlogged 500.
UTF8_BROKEN_STRING = b'{"text":"caf\xe9","subject":"x\xff","username":"\xff","password":"x","nps":5}'
PHONE_BROKEN = b'{"call_id":"c-\xff","caller":"+358401234567","dialed":"+35886150000","line":1}'
SMS_BROKEN = b'{"message_id":"m-1","sender":"+358401234567","recipient":"+35886150000","text":"caf\xe9"}'


def _assert_refused(r, *words: str) -> None:  # type: ignore[no-untyped-def]
    assert 400 <= r.status_code < 500, (r.status_code, r.text)
    detail = r.json()["detail"]
    assert any(w in detail for w in words), detail


@pytest.mark.parametrize("body", [NOT_UTF8, UTF8_BROKEN_STRING], ids=["garbage", "bad-string"])
async def test_litestar_parsed_bodies_that_are_not_utf8_are_4xx(client, patient_token, body):  # type: ignore[no-untyped-def]
    json = {"Content-Type": "application/json"}
    r = await client.post("/api/auth/login", content=body, headers=json)
    _assert_refused(r, "UTF-8", "JSON")
    aino = await login(client, "aino")
    r = await client.post("/api/cases/c-unknown/notes", content=body, headers={**json, **aino})
    _assert_refused(r, "UTF-8", "JSON")
    matti = {"Authorization": f"Bearer {patient_token('p-0001')}"}
    r = await client.post("/channels/omasote/messages", content=body, headers={**json, **matti})
    _assert_refused(r, "UTF-8", "JSON")
    if body is UTF8_BROKEN_STRING:  # named as such (msgspec ≥ 0.23 says "Invalid UTF-8 encoded string")
        assert r.status_code == 400 and "UTF-8" in r.json()["detail"]


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/channels/phone/callback-requests", NOT_UTF8),
        ("/channels/phone/callback-requests", PHONE_BROKEN),
        ("/channels/sms/inbound", NOT_UTF8),
        ("/channels/sms/inbound", SMS_BROKEN),
    ],
    ids=["phone-garbage", "phone-bad-string", "sms-garbage", "sms-bad-string"],
)
async def test_signed_webhooks_that_are_not_utf8_are_4xx(client, path, body):  # type: ignore[no-untyped-def]
    r = await signed_post(client, path, body)
    _assert_refused(r, "UTF-8", "JSON")
    if body is not NOT_UTF8:
        assert "UTF-8" in r.json()["detail"]


async def test_survey_json_that_is_not_utf8_is_4xx(client):  # type: ignore[no-untyped-def]
    for body in (NOT_UTF8, UTF8_BROKEN_STRING):
        r = await client.post("/survey/abc.def", content=body, headers={"Content-Type": "application/json"})
        _assert_refused(r, "UTF-8", "JSON")


async def test_a_mangled_survey_link_is_an_invalid_link_not_a_500(client):  # type: ignore[no-untyped-def]
    r = await client.get("/survey/%C3%A4%ff")
    assert r.status_code == 404 and "not valid" in r.text
    r = await client.post("/survey/%C3%A4", json={"nps": 5})
    assert r.status_code == 404 and "not valid" in r.json()["detail"]


@pytest.mark.parametrize("incoming", ["ticket-42/a.b", None])
async def test_an_unexpected_error_is_a_logged_500_with_a_request_id(client, monkeypatch, caplog, incoming):  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")

    async def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("inbox query exploded")

    monkeypatch.setattr(app.services.cases, "inbox", broken)
    headers = {**aino, **({"X-Request-ID": incoming} if incoming else {})}
    with caplog.at_level(logging.ERROR, logger="firstline.api"):
        r = await client.get("/api/inbox/?queue=mine", headers=headers)
    assert r.status_code == 500
    body = r.json()
    rid = body["extra"]["request_id"]
    assert body == {"status_code": 500, "detail": "internal error", "extra": {"request_id": rid}}
    assert rid == incoming if incoming else len(rid) >= 16
    assert r.headers.get_list("x-request-id") == [rid]
    [record] = [rec for rec in caplog.records if rec.name == "firstline.api" and rec.levelno == logging.ERROR]
    assert record.exc_info is not None and record.exc_info[0] is RuntimeError
    assert record.request_id == rid and rid in record.getMessage()  # type: ignore[attr-defined]
    assert "GET /api/inbox" in record.getMessage() and "queue=mine" not in record.getMessage()


async def test_an_insane_incoming_request_id_is_replaced(client, monkeypatch):  # type: ignore[no-untyped-def]
    async def broken(*_args, **_kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    aino = await login(client, "aino")
    monkeypatch.setattr(app.services.cases, "inbox", broken)
    for bad in ("x" * 65, "two words", "tab\there"):
        r = await client.get("/api/inbox/", headers={**aino, "X-Request-ID": bad})
        rid = r.json()["extra"]["request_id"]
        assert r.status_code == 500 and rid != bad and r.headers["x-request-id"] == rid
