"""`presence.changed` over real sockets: colleagues get it live and on replay; other units never."""

from __future__ import annotations

import asyncio

import pytest

from tests.live.test_inbox_stream import connect, login, next_event


async def test_a_colleague_sees_the_change_live_and_on_replay(server, http):  # type: ignore[no-untyped-def]
    aino, eero = await login(http, "aino"), await login(http, "eero")
    eero_ws, _, ready_seq = await connect(server, eero)
    veera_ws, _, _ = await connect(server, await login(http, "veera"))  # Sotkamo
    r = await http.put("/api/presence", json={"status": "busy"}, headers={"Authorization": f"Bearer {aino}"})
    assert r.status_code == 200, r.text
    event = await next_event(eero_ws)
    assert event["type"] == "presence.changed" and event["status"] == "busy"
    assert event["professional"]["id"] == "n-aino" and event["queue"] == "presence:kajaani"
    assert event["case_id"] is None and event["at"] == r.json()["since"]
    with pytest.raises(asyncio.TimeoutError):
        await next_event(veera_ws, timeout=1.0)  # another unit's staffing is not hers to see
    await eero_ws.close()
    await veera_ws.close()

    paula_ws, replayed, _ = await connect(server, await login(http, "paula"), since=ready_seq)  # the supervisor
    assert [(e["type"], e["seq"]) for e in replayed] == [("presence.changed", event["seq"])]
    await paula_ws.close()
    jouni_ws, replayed, _ = await connect(server, await login(http, "jouni"), since=ready_seq)
    assert replayed == [], "Sotkamo's supervisor does not replay Kajaani's presence"
    await jouni_ws.close()
