"""RequestIdMiddleware on a minimal app: echo a sane incoming id, replace an insane one, make one."""

from __future__ import annotations

import logging

import pytest
from litestar import Litestar, get
from litestar.testing import AsyncTestClient

from app.api.errors import EXCEPTION_HANDLERS, RequestIdMiddleware


@get("/ok", sync_to_thread=False)
def ok() -> dict[str, str]:
    return {"status": "ok"}


@get("/boom", sync_to_thread=False)
def boom() -> dict[str, str]:
    raise ZeroDivisionError("nothing to see")


@pytest.fixture
async def client():  # type: ignore[no-untyped-def]
    app = Litestar([ok, boom], middleware=[RequestIdMiddleware()], exception_handlers=EXCEPTION_HANDLERS)
    async with AsyncTestClient(app=app) as c:
        yield c


async def test_a_sane_incoming_id_is_echoed(client):  # type: ignore[no-untyped-def]
    r = await client.get("/ok", headers={"X-Request-ID": "lb-7f3a:01"})
    assert r.status_code == 200 and r.headers.get_list("x-request-id") == ["lb-7f3a:01"]


@pytest.mark.parametrize("bad", ["", "x" * 65, "has space", "ctl\x7f", "ä"])
async def test_an_insane_or_missing_id_is_replaced_by_a_new_one(client, bad):  # type: ignore[no-untyped-def]
    headers = {"X-Request-ID": bad.encode("utf-8")} if bad else {}
    first = (await client.get("/ok", headers=headers)).headers.get_list("x-request-id")
    second = (await client.get("/ok", headers=headers)).headers.get_list("x-request-id")
    assert len(first) == len(second) == 1
    assert first[0] != bad and first != second and 16 <= len(first[0]) <= 64


async def test_a_500_carries_the_same_id_once_in_header_body_and_log(client, caplog):  # type: ignore[no-untyped-def]
    with caplog.at_level(logging.ERROR, logger="firstline.api"):
        r = await client.get("/boom", headers={"X-Request-ID": "abc-123"})
    assert r.status_code == 500
    assert r.json() == {"status_code": 500, "detail": "internal error", "extra": {"request_id": "abc-123"}}
    assert r.headers.get_list("x-request-id") == ["abc-123"]
    [record] = [rec for rec in caplog.records if rec.name == "firstline.api"]
    assert record.request_id == "abc-123" and record.exc_info[0] is ZeroDivisionError  # type: ignore[attr-defined,index]


async def test_http_errors_keep_their_own_status(client):  # type: ignore[no-untyped-def]
    r = await client.get("/nowhere")
    assert r.status_code == 404
