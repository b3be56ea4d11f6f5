"""The fan-out's shortcut (app.live.wire) on a real uvicorn: taken where it is safe, not elsewhere.

If a uvicorn or websockets upgrade silently stops offering the shortcut, the first test fails
(the live benchmark would only get slower, so nothing else would notice).
"""

from __future__ import annotations

from types import SimpleNamespace

from app.live.inbox_socket import InboxListener
from app.live.wire import DirectWriter
from tests.live.test_inbox_stream import call, connect, login, next_event


def live_listeners(server) -> list[InboxListener]:  # type: ignore[no-untyped-def]
    return [x for x in server.app.state.hub.fanout.listeners if isinstance(x, InboxListener)]


async def test_plain_sockets_get_prebuilt_frames_compressed_ones_asgi(server, http):  # type: ignore[no-untyped-def]
    token = await login(http, "aino")
    plain, _, _ = await connect(server, token, compression=None)  # as `firstline serve` (deflate off) gives everyone
    [listener] = live_listeners(server)
    assert isinstance(listener.direct, DirectWriter), "uvicorn no longer offers the direct frame path"
    deflated, _, _ = await connect(server, token)  # this test server still negotiates permessage-deflate
    [other] = [x for x in live_listeners(server) if x is not listener]
    assert other.direct is None, "a compressed socket must never get an uncompressed pre-built frame"

    created = [await call(http, f"wire-{n}") for n in range(5)]
    for ws in (plain, deflated):
        got = [await next_event(ws) for _ in created]
        assert [e["case_id"] for e in got] == [c["case_id"] for c in created]
        assert [e["seq"] for e in got] == sorted(e["seq"] for e in got)
    await plain.close()
    await deflated.close()


def proto(**overrides: object) -> SimpleNamespace:
    written: list[bytes] = []
    state = {"close_sent": False, "disconnected": False, **overrides}
    conn = SimpleNamespace(state=overrides.get("state", "OPEN"), expect_continuation_frame=overrides.get("continuation", False))
    transport = SimpleNamespace(write=written.append, is_closing=lambda: overrides.get("closing", False))
    writable = SimpleNamespace(is_set=lambda: overrides.get("writable", True))
    return SimpleNamespace(conn=conn, transport=transport, writable=writable, written=written, **{k: state[k] for k in ("close_sent", "disconnected")})


def test_every_unsafe_state_falls_back_to_asgi(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.live.wire.OPEN", "OPEN")
    ok = proto()
    assert DirectWriter(ok).write(b"f") and ok.written == [b"f"]
    for unsafe in (
        {"close_sent": True},
        {"disconnected": True},
        {"state": "CLOSING"},
        {"continuation": True},
        {"writable": False},  # the client reads slowly: uvicorn paused writing
        {"closing": True},
    ):
        p = proto(**unsafe)
        assert not DirectWriter(p).write(b"f") and p.written == [], unsafe
