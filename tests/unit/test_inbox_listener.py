"""The live listener's direct send: done in place when the socket is free, in order when not."""

from __future__ import annotations

import asyncio

from app.live.inbox_socket import InboxListener, _finish


def event(seq: int) -> dict:
    return {"seq": seq, "queue": "overflow:kajaani", "case": {}}


async def test_free_socket_gets_the_event_without_a_queue():
    sent: list[str] = []

    async def send(message):  # type: ignore[no-untyped-def]
        sent.append(message["text"])

    listener = InboxListener()
    listener.pending = None
    listener.visible = {"overflow:kajaani"}
    listener.send = send
    listener.deliver(event(1), "one")
    listener.deliver(event(1), "one again")  # a duplicate seq is not sent twice
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
    listener.deliver(event(1), "slow")
    listener.deliver(event(2), "next")  # must wait behind "slow"
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
