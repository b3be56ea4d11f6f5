"""The fan-out's shortcut (app.live.wire) on a real uvicorn: taken where it is safe, not elsewhere.

If a uvicorn or websockets upgrade silently stops offering the shortcut, the first test fails
(the live benchmark would only get slower, so nothing else would notice).
"""

from __future__ import annotations

from types import SimpleNamespace

from app.live.inbox_socket import InboxListener
from app.live.wire import DirectWriter
from app.settings import Settings
from tests.helpers import streaming
from tests.live.test_inbox_stream import call, connect, login, next_event


def live_listeners(server) -> list[InboxListener]:  # type: ignore[no-untyped-def]
    return [x for x in server.app.state.fanout.listeners if isinstance(x, InboxListener)]


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


def test_firstline_serve_gets_the_protocol_the_shortcut_knows():
    """`firstline serve` leaves uvicorn's `ws` on "auto"; the server fixture above names
    websockets-sansio outright, so only this notices if "auto" stops choosing it."""
    from uvicorn.protocols.websockets.auto import AutoWebSocketsProtocol
    from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol

    assert AutoWebSocketsProtocol is WebSocketsSansIOProtocol


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


# ------------------------------------------------------------------ a shortcut that breaks


class RenamedAfterUpgrade:
    """A uvicorn protocol whose attributes stop existing after `healthy_writes` frames.

    Stands in for an upgrade that renames `close_sent` (or turns it into a raising property):
    the first reads work, then every read raises AttributeError, at write time.
    """

    def __init__(self, healthy_writes: int, broken: str = "close_sent") -> None:
        self.broken = broken
        self.written: list[bytes] = []
        self.reads = 0
        self.healthy = healthy_writes
        self.conn = SimpleNamespace(state="OPEN", expect_continuation_frame=False)
        self.transport = SimpleNamespace(write=self._write, is_closing=lambda: False)
        self.writable = SimpleNamespace(is_set=lambda: True)
        self.disconnected = False

    def _write(self, frame: bytes) -> None:
        if self.broken == "transport.write" and len(self.written) >= self.healthy:
            raise RuntimeError("transport replaced")
        self.written.append(frame)

    @property
    def close_sent(self) -> bool:
        self.reads += 1
        if self.broken == "close_sent" and self.reads > self.healthy:
            raise AttributeError("'WebSocketsSansIOProtocol' object has no attribute 'close_sent'")
        return False


def deliver_all(listener: InboxListener, seqs: range) -> None:
    for seq in seqs:
        listener.deliver({"seq": seq, "queue": "overflow:kajaani", "case": {}}, f"e{seq}", f"f{seq}".encode())


async def test_a_protocol_that_breaks_at_write_time_loses_no_event(monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setattr("app.live.wire.OPEN", "OPEN")
    for breaks in ("close_sent", "transport.write"):
        for healthy in (0, 3):
            sent: list[str] = []
            listener = streaming(sent)
            proto = RenamedAfterUpgrade(healthy, breaks)
            listener.direct = writer = DirectWriter(proto)
            deliver_all(listener, range(1, 11))
            deliver_all(listener, range(1, 11))  # a second delivery of the same seqs sends nothing
            direct = [f.decode().replace("f", "e") for f in proto.written]
            assert direct == [f"e{n}" for n in range(1, healthy + 1)], (breaks, healthy)
            assert sent == [f"e{n}" for n in range(healthy + 1, 11)], (breaks, healthy)  # the rest, in order, via ASGI
            assert not writer.usable and listener.queue.empty()
            reads = proto.reads
            deliver_all(listener, range(11, 13))  # switched off: uvicorn's state is not even read again
            assert sent[-2:] == ["e11", "e12"] and proto.reads == reads


async def test_a_declined_shortcut_does_not_mark_the_event_sent(monkeypatch):  # type: ignore[no-untyped-def]
    """A transient "no" (the client is slow) leaves the event to ASGI and the writer on."""
    monkeypatch.setattr("app.live.wire.OPEN", "OPEN")
    sent: list[str] = []
    listener = streaming(sent)
    paused = proto(writable=False)
    listener.direct = writer = DirectWriter(paused)
    deliver_all(listener, range(1, 4))
    assert sent == ["e1", "e2", "e3"] and paused.written == [] and writer.usable


async def test_fast_path_off_still_delivers_every_event(settings, region, db):  # type: ignore[no-untyped-def]
    """FIRSTLINE_LIVE_FAST_PATH=0: no pre-built frames, every event through ASGI, in order."""
    import httpx

    from app.main import create_app
    from tests.live.conftest import ThreadServer, free_port

    off = Settings.from_env({"FIRSTLINE_LIVE_FAST_PATH": "0"}, **{f: getattr(settings, f) for f in settings.__struct_fields__ if f != "live_fast_path"})
    assert off.live_fast_path is False
    with ThreadServer(create_app(off, region), free_port()) as server:
        async with httpx.AsyncClient(base_url=server.http, timeout=10) as http:
            ws, _, _ = await connect(server, await login(http, "aino"), compression=None)  # would get the shortcut if on
            [listener] = live_listeners(server)
            assert listener.direct is None
            created = [await call(http, f"slow-path-{n}") for n in range(8)]
            got = [await next_event(ws) for _ in created]
            assert [e["case_id"] for e in got] == [c["case_id"] for c in created]
            assert [e["seq"] for e in got] == sorted({e["seq"] for e in got})
            await ws.close()
