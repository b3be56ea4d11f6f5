"""The live listener's direct send: done in place when the socket is free, in order when not."""

from __future__ import annotations

import asyncio

from app.live.inbox_socket import InboxListener, _finish
from tests.helpers import streaming


def event(seq: int) -> dict:
    return {"seq": seq, "queue": "overflow:kajaani", "case": {}}


async def test_free_socket_gets_the_event_without_a_queue():
    sent: list[str] = []
    listener = streaming(sent)
    listener.deliver(event(1), "one", b"")
    listener.deliver(event(1), "one again", b"")  # a duplicate seq is not sent twice
    assert sent == ["one"] and listener.queue.empty()


async def test_a_backed_up_socket_keeps_order():
    sent: list[str] = []
    gate = asyncio.get_running_loop().create_future()

    async def send(message):  # type: ignore[no-untyped-def]
        if message["text"] == "slow":
            await gate  # the client's buffer is full
        sent.append(message["text"])

    listener = InboxListener()
    listener.pending = None
    listener.visible = {"overflow:kajaani"}
    listener.send = send
    listener.deliver(event(1), "slow", b"")
    listener.deliver(event(2), "next", b"")  # must wait behind "slow"
    assert sent == [] and listener.queue.qsize() == 1 and listener.in_flight is not None
    gate.set_result(None)
    await listener.in_flight
    assert sent == ["slow"]
    seq, text = listener.queue.get_nowait()  # the writer task sends it after the in-flight one
    assert (seq, text) == (2, "next")


async def test_finish_swallows_a_closed_socket():
    async def broken():  # type: ignore[no-untyped-def]
        await asyncio.sleep(0)
        raise RuntimeError("socket closed")

    coro = broken()
    waiting = coro.send(None)
    await _finish(coro, waiting)  # no exception escapes


class FakeDirect:
    """Stands in for app.live.wire.DirectWriter: takes frames while `ok`."""

    def __init__(self, ok: bool) -> None:
        self.ok = ok
        self.frames: list[bytes] = []

    def write(self, frame: bytes) -> bool:
        if self.ok:
            self.frames.append(frame)
        return self.ok


async def test_the_prebuilt_frame_goes_out_when_the_server_allows_it():
    sent: list[str] = []
    listener = streaming(sent)
    listener.direct = direct = FakeDirect(ok=True)  # type: ignore[assignment]
    listener.deliver(event(1), "one", b"frame-1")
    listener.deliver(event(1), "one", b"frame-1")  # still once
    assert direct.frames == [b"frame-1"] and sent == []
    direct.ok = False  # e.g. the client is closing or its transport paused: ASGI decides
    listener.deliver(event(2), "two", b"frame-2")
    assert sent == ["two"] and direct.frames == [b"frame-1"]


async def test_no_shortcut_while_the_writer_is_busy():
    sent: list[str] = []
    listener = streaming(sent)
    listener.direct = direct = FakeDirect(ok=True)  # type: ignore[assignment]
    listener.writing = True  # a ping or an earlier event is going out through ASGI
    listener.deliver(event(1), "one", b"frame-1")
    assert direct.frames == [] and sent == [] and listener.queue.get_nowait() == (1, "one")
