"""`WS /api/live` from the inbox page: an empty hello token means "use my session cookie".

The page never holds the token (the cookie is HttpOnly); without a valid cookie the empty token
is refused like any bad hello, and another site's page is refused by its Origin.
"""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets

from app.security.session import SESSION_COOKIE


async def page_session(http: httpx.AsyncClient) -> str:
    r = await http.get("/login")
    csrf = http.cookies["csrftoken"]
    r = await http.post("/login", data={"username": "aino", "password": "aino-demo", "csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303, r.text
    return str(http.cookies[SESSION_COOKIE])


async def first_frame(ws) -> dict:  # type: ignore[no-untyped-def]
    await ws.send(json.dumps({"type": "hello", "token": "", "since": 0}))
    return json.loads(await asyncio.wait_for(ws.recv(), 10))  # type: ignore[no-any-return]


async def test_empty_token_uses_the_session_cookie(server, http) -> None:  # type: ignore[no-untyped-def]
    session = await page_session(http)
    async with websockets.connect(f"{server.ws}/api/live", additional_headers={"Cookie": f"{SESSION_COOKIE}={session}"}) as ws:
        assert (await first_frame(ws))["type"] == "ready"


async def test_empty_token_without_a_session_is_refused(server, http) -> None:  # type: ignore[no-untyped-def]
    for headers in ({}, {"Cookie": f"{SESSION_COOKIE}=not-a-token"}):
        async with websockets.connect(f"{server.ws}/api/live", additional_headers=headers) as ws:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await first_frame(ws)
            assert closed.value.rcvd is not None and closed.value.rcvd.code == 4401


async def test_another_sites_page_is_refused_even_with_the_cookie(server, http) -> None:  # type: ignore[no-untyped-def]
    session = await page_session(http)
    headers = {"Cookie": f"{SESSION_COOKIE}={session}", "Origin": "https://evil.example"}
    with pytest.raises(websockets.InvalidStatus) as refused:  # closed before accept: HTTP 403
        async with websockets.connect(f"{server.ws}/api/live", additional_headers=headers):
            pass
    assert refused.value.response.status_code == 403
