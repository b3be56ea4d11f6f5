"""`WS /api/live` over real sockets: hello, push, visibility, replay without gaps or duplicates."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from sqlalchemy import select

from app.db import schema as t
from app.security.webhooks import sign
from tests.helpers import KAJAANI, MATTI, WEBHOOK_SECRET


async def login(http: httpx.AsyncClient, username: str) -> str:
    r = await http.post("/api/auth/login", json={"username": username, "password": f"{username}-demo"})
    assert r.status_code == 200, r.text
    return r.json()["token"]


async def call(http: httpx.AsyncClient, call_id: str, caller: str = MATTI, line: int = 1, **extra: object) -> dict:
    body = json.dumps({"call_id": call_id, "caller": caller, "dialed": KAJAANI, "line": line, **extra}).encode()
    r = await http.post(
        "/channels/phone/callback-requests",
        content=body,
        headers={"Content-Type": "application/json", "X-Firstline-Signature": sign(WEBHOOK_SECRET, body)},
    )
    assert r.status_code == 202, r.text
    return r.json()


async def connect(server, token: str, since: int = 0, compression: str | None = "deflate"):  # type: ignore[no-untyped-def]
    ws = await websockets.connect(f"{server.ws}/api/live", max_size=2**20, compression=compression)
    await ws.send(json.dumps({"type": "hello", "token": token, "since": since}))
    replayed = []
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), 10))
        if frame["type"] == "ready":
            return ws, replayed, frame["seq"]
        replayed.append(frame)


async def next_event(ws, timeout: float = 5.0) -> dict:  # type: ignore[no-untyped-def]
    while True:
        frame = json.loads(await asyncio.wait_for(ws.recv(), timeout))
        if frame.get("type") != "ping":
            return frame


async def test_bad_hello_closes_4401(server):  # type: ignore[no-untyped-def]
    for hello in ('{"type":"hello","token":"nope"}', "not json", '{"type":"subscribe"}'):
        async with websockets.connect(f"{server.ws}/api/live") as ws:
            await ws.send(hello)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                await asyncio.wait_for(ws.recv(), 5)
            assert closed.value.rcvd.code == 4401


async def test_foreign_origin_is_refused(server):  # type: ignore[no-untyped-def]
    with pytest.raises(websockets.InvalidStatus) as refused:
        await websockets.connect(f"{server.ws}/api/live", origin="https://evil.example")
    assert refused.value.response.status_code == 403
    async with websockets.connect(f"{server.ws}/api/live", origin=server.http) as ws:  # same origin is fine
        await ws.send('{"type":"hello","token":"x"}')
        with pytest.raises(websockets.ConnectionClosed):
            await asyncio.wait_for(ws.recv(), 5)


async def test_push_reaches_only_those_who_may_see(server, http):  # type: ignore[no-untyped-def]
    aino_ws, _, _ = await connect(server, await login(http, "aino"))
    sari_ws, _, _ = await connect(server, await login(http, "sari"))  # assistant: no personal queues
    created = await call(http, "live-1")
    event = await next_event(aino_ws)
    assert event["type"] == "case.created" and event["case_id"] == created["case_id"]
    assert event["queue"] == "personal:n-aino" and event["case"]["patient"]["id"] == "p-0001"
    line3 = await call(http, "live-2", caller="+358449876543", line=3)
    got = await next_event(sari_ws)
    assert got["case_id"] == line3["case_id"], "the assistant sees line 3 but never Aino's personal case"
    r = await http.post(f"/api/cases/{created['case_id']}/claim", headers={"Authorization": f"Bearer {await login(http, 'aino')}"})
    assert r.status_code == 200
    assert (await next_event(aino_ws))["type"] == "case.claimed"
    await aino_ws.close()
    await sari_ws.close()


async def test_replay_then_live_without_gaps_or_duplicates(server, http, db):  # type: ignore[no-untyped-def]
    token = await login(http, "eero")
    first = await call(http, "r-0", caller="0409999000")  # overflow: Eero sees the unit's overflow
    ws, _, ready_seq = await connect(server, token, since=0)
    await ws.close()
    # While he is away, events pile up; then he reconnects while more keep coming.
    for i in range(5):
        await call(http, f"r-a{i}", caller=f"040999910{i}")

    async def more() -> None:
        for i in range(10):
            await call(http, f"r-b{i}", caller=f"040999920{i}")

    writer = asyncio.create_task(more())
    ws, replayed, _ = await connect(server, token, since=ready_seq)
    await writer
    live = []
    try:
        while True:
            live.append(await next_event(ws, timeout=1.5))
    except asyncio.TimeoutError:
        pass
    await ws.close()
    seqs = [e["seq"] for e in replayed + live]
    assert seqs == sorted(set(seqs)), "strictly increasing: no duplicates, in order"
    async with db.connect() as conn:
        expected = [s for (s,) in await conn.execute(select(t.events.c.seq).where(t.events.c.seq > ready_seq).order_by(t.events.c.seq))]
    assert seqs == expected, "every event after `since` exactly once"
    assert first["case_id"] not in {e["case_id"] for e in replayed + live}


async def test_a_failing_publish_loses_nothing_acknowledged(server, http, db, monkeypatch):  # type: ignore[no-untyped-def]
    """The broker fails: the contact is still committed and answered, and replay delivers it."""
    fanout = server.server.config.app.state.fanout if hasattr(server.server.config.app, "state") else None
    assert fanout is not None
    token = await login(http, "aino")
    _, _, since = await connect(server, token)

    async def broken(*_a, **_k):  # type: ignore[no-untyped-def]
        raise ConnectionError("broker down")

    monkeypatch.setattr(fanout.plugin, "wait_published", broken)
    created = await call(http, "pub-fail")
    assert fanout.publish_failures >= 1
    monkeypatch.undo()
    ws, replayed, _ = await connect(server, token, since=since)
    assert created["case_id"] in {e["case_id"] for e in replayed}
    await call(http, "pub-ok", caller="+358501112233")  # publishing works again afterwards
    assert (await next_event(ws))["type"] in ("case.created", "case.updated")
    await ws.close()


async def test_a_since_the_replay_window_cannot_cover_gets_resync(server, http, db):  # type: ignore[no-untyped-def]
    """A silent gap would leave a nurse's inbox wrong without her knowing: a `since` older than the
    replay window (or ahead of the log) gets {"type":"resync"} — reload the lists — then `ready`."""
    from datetime import timedelta

    from sqlalchemy import update

    from app.clock import utcnow
    from app.live.inbox_socket import REPLAY_WINDOW

    token = await login(http, "eero")
    await call(http, "rs-0", caller="0409999300")
    ws, _, ready_seq = await connect(server, token, since=0)
    await ws.close()
    await call(http, "rs-1", caller="0409999301")  # missed while away …
    async with db.begin() as conn:  # … and away longer than the replay window
        await conn.execute(update(t.events).where(t.events.c.seq > ready_seq).values(at=utcnow() - REPLAY_WINDOW - timedelta(hours=1)))
    ws, frames, seq = await connect(server, token, since=ready_seq)
    assert [f["type"] for f in frames] == ["resync"] and seq > ready_seq
    await call(http, "rs-2", caller="0409999302")  # and the stream goes on after it
    assert (await next_event(ws))["seq"] > seq
    await ws.close()

    ws, frames, _ = await connect(server, token, since=seq + 1000)  # ahead of the log
    assert [f["type"] for f in frames] == ["resync"]
    await ws.close()
    ws, frames, _ = await connect(server, token, since=seq)  # within the window: a plain replay
    assert "resync" not in [f.get("type") for f in frames]
    await ws.close()
