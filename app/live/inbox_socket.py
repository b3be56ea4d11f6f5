"""`WS /api/live`: a professional's live inbox — hello, replay from the event log, then live.

Order of work matters: the socket registers for live events *before* it is accepted and
before the replay query runs, so nothing committed in between is lost; the replay and the
live buffer are then merged by `seq`, so nothing is sent twice.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import datetime, timedelta
from collections.abc import Callable, Coroutine
from typing import Annotated, Any, cast

import msgspec
from litestar import WebSocket, websocket
from litestar.exceptions import WebSocketDisconnect

from app.security.auth import NotAuthenticated, authenticate
from app.security.session import SESSION_COOKIE
from app.db import events as event_log
from app.domain.access import live_queues
from app.domain.region import Professional
from app.clock import utcnow
from app.hub import Hub
from app.live.fanout import Fanout, SeenSeqs
from app.live.wire import RAW_SEND, FrameWriter, direct_writer

log = logging.getLogger("firstline.live")

HELLO_TIMEOUT = 10.0
PING_SECONDS = 20.0
QUEUE_LIMIT = 10_000
REPLAY_WINDOW = timedelta(days=1)
REPLAY_BATCH = 1000
MAX_FRAME = 64 * 1024


class Hello(msgspec.Struct):
    type: str
    token: str
    since: Annotated[int, msgspec.Meta(ge=0)] = 0


CLOSED = "closed"  # queue markers besides (seq, text) items
PING = "ping"
BEHIND = "behind"


class InboxListener:
    """Buffers events for one socket; filters by what the professional may see once known.

    One queue carries everything the socket's writer must act on — events, the reader's
    "closed", the ping timer's "ping", the "behind" of an overflow — so the writer simply
    awaits the queue: no task or timer per event (at 1,000 sockets those dominated the cost).
    """

    def __init__(self) -> None:
        self.queue: asyncio.Queue[tuple[int, str] | str] = asyncio.Queue()
        self.pending: list[tuple[dict[str, Any], str]] | None = []  # before hello
        self.visible: set[str] = set()
        self.me: str | None = None
        self.overflowed = False
        # Set while streaming live: the dispatcher may then send directly (see _send_now).
        self.send: Callable[[dict[str, Any]], Coroutine[Any, Any, None]] | None = None
        self.direct: FrameWriter | None = None  # the pre-built-frame shortcut, where the server allows it
        self.seen = SeenSeqs()
        self.writing = False
        self.in_flight: asyncio.Future[None] | None = None

    def may_see(self, event: dict[str, Any]) -> bool:
        if event.get("queue") in self.visible or event.get("from_queue") in self.visible:
            return True
        case = event.get("case") or {}
        return self.me is not None and case.get("assignee") == self.me

    def deliver(self, event: dict[str, Any], text: str, frame: bytes) -> None:
        if self.pending is not None:
            self.pending.append((event, text))
            return
        if self.may_see(event) and not self._send_now(event["seq"], text, frame):
            self._put(event["seq"], text)

    def _send_now(self, seq: int, text: str, frame: bytes) -> bool:
        """Send from the dispatcher itself when this socket is idle: no task switch per socket.

        Where the server allows it, the event's pre-built frame is written to the transport
        (`app.live.wire`). Otherwise a healthy socket's ASGI send completes without suspending,
        so the coroutine is stepped once here and is done. If it does suspend (the client is
        slow and its buffer full), a task finishes it and later events wait in the queue behind
        it, in order. A seq counts as sent only once a writer has taken it, so a shortcut that
        declines or breaks leaves the event to the ASGI send: it cannot be lost in between.
        """
        if self.send is None or self.writing or not self.queue.empty():
            return False
        if self.in_flight is not None and not self.in_flight.done():
            return False
        seen = self.seen
        if seq <= seen.floor or seq in seen.sent:  # `seq in seen`, without a call per socket
            return True
        if self.direct is not None and self.direct.write(frame):  # False (never an exception): use ASGI
            seen.mark(seq)
            return True
        coro = self.send({"type": "websocket.send", "text": text})
        seen.mark(seq)  # handed to the ASGI send, which now owns delivering it
        try:
            waiting = coro.send(None)
        except StopIteration:
            return True
        except Exception:  # noqa: BLE001 - the socket is gone; its reader ends the stream
            return True
        self.in_flight = asyncio.ensure_future(_finish(coro, waiting))
        return True

    def _put(self, seq: int, text: str) -> None:
        if self.overflowed:
            return
        if self.queue.qsize() >= QUEUE_LIMIT:
            self.overflowed = True
            self.queue.put_nowait(BEHIND)
            return
        self.queue.put_nowait((seq, text))

    def authenticated(self, hub: Hub, who: Professional) -> None:
        self.me = who.id
        units = [u.id for u in hub.region.units] if who.role == "admin" else [who.unit]
        self.visible = {q for unit in units for q in live_queues(hub.region, who, unit)}
        pending, self.pending = self.pending or [], None
        for event, text in pending:
            if self.may_see(event):
                self._put(event["seq"], text)


def origin_allowed(socket: WebSocket[Any, Any, Any], allowed: list[str]) -> bool:
    """Browsers send Origin on WebSockets and Litestar's CORS does not check it: we do.
    Same-origin pages and configured origins pass; non-browser clients send no Origin."""
    origin = socket.headers.get("origin")
    if origin is None:
        return True
    host = socket.headers.get("host", "")
    if origin in (f"http://{host}", f"https://{host}"):
        return True
    return origin in allowed


@websocket("/api/live")
async def live(socket: WebSocket[Any, Any, Any]) -> None:
    hub: Hub = socket.app.state.hub
    fanout: Fanout = socket.app.state.fanout
    if not origin_allowed(socket, hub.settings.allowed_origins):
        await socket.close(code=4403, reason="origin not allowed")
        return
    listener = InboxListener()
    fanout.add_listener(listener)
    hub.metrics.live_connections.labels("inbox").inc()
    try:
        await socket.accept()
        who, since = await _hello(hub, socket)
        if who is None:
            return
        listener.authenticated(hub, who)
        last = await _replay(hub, socket, listener, since)
        latest = await _latest_seq(hub)
        await socket.send_json({"type": "ready", "seq": max(latest, last)})
        await _stream(socket, listener, last, fast_path=hub.settings.live_fast_path)
    except WebSocketDisconnect:
        pass
    except Exception:
        log.exception("live socket failed")  # Litestar logs WebSocket handler errors only in debug
        raise
    finally:
        fanout.remove_listener(listener)
        hub.metrics.live_connections.labels("inbox").dec()


async def _hello(hub: Hub, socket: WebSocket[Any, Any, Any]) -> tuple[Professional | None, int]:
    try:
        raw = await asyncio.wait_for(socket.receive_data(mode="text"), HELLO_TIMEOUT)
        if len(raw) > MAX_FRAME:
            raise ValueError("hello too large")
        hello = msgspec.json.decode(raw, type=Hello)
        if hello.type != "hello":
            raise ValueError("first message must be hello")
        # An empty token: the inbox page's socket, authenticated by the upgrade request's session
        # cookie (HttpOnly, so the page never holds the token; Origin was checked above).
        who = await authenticate(hub, hello.token or socket.cookies.get(SESSION_COOKIE) or None)
    except (asyncio.TimeoutError, msgspec.DecodeError, msgspec.ValidationError, ValueError, NotAuthenticated) as exc:
        reason = str(exc)[:100] if not isinstance(exc, asyncio.TimeoutError) else "no hello within 10 s"
        await socket.close(code=4401, reason=reason or "bad hello")
        return None, 0
    return who, hello.since


async def _latest_seq(hub: Hub) -> int:
    async with hub.engine.connect() as conn:
        return await event_log.latest_seq(conn)


def needs_resync(since: int, latest: int, first_after_at: datetime | None, oldest: datetime) -> bool:
    """A client whose `since` the replay cannot cover must reload its lists rather than trust a
    silent gap: events after it are older than the replay window, or `since` is ahead of the log
    (a database restored from a backup, a client of another deployment)."""
    if since <= 0:
        return False  # a fresh client loads its lists anyway
    return since > latest or (first_after_at is not None and first_after_at < oldest)


async def _replay(hub: Hub, socket: WebSocket[Any, Any, Any], listener: InboxListener, since: int) -> int:
    """Send every visible event after `since` (within the replay window), in seq order — after a
    `{"type":"resync"}` when the window does not reach back to `since` (needs_resync)."""
    oldest = utcnow() - REPLAY_WINDOW
    async with hub.engine.connect() as conn:
        latest = await event_log.latest_seq(conn)
        resync = needs_resync(since, latest, await event_log.first_after(conn, since), oldest)
    if resync:  # the client reloads its lists; what is newer than them streams from `latest` on
        await socket.send_json({"type": "resync"})
        return latest
    last = since
    while True:
        async with hub.engine.connect() as conn:  # one short connection per batch, not per socket lifetime
            batch = await event_log.replay(conn, last, not_before=oldest, limit=REPLAY_BATCH)
        for event in batch:
            if listener.may_see(event):
                await socket.send_text(msgspec.json.encode(event).decode())
            last = event["seq"]
        if len(batch) < REPLAY_BATCH:
            return last


async def _finish(coro: Coroutine[Any, Any, None], waiting: Any) -> None:
    """Drive a send coroutine that suspended (its socket is backed up) to its end."""
    try:
        while True:
            try:
                if waiting is None:
                    await asyncio.sleep(0)
                else:
                    await waiting
            except asyncio.CancelledError:
                raise
            except BaseException as exc:  # noqa: BLE001 - hand the failure to the coroutine
                waiting = coro.throw(exc)
                continue
            waiting = coro.send(None)
    except StopIteration:
        return
    except Exception:  # noqa: BLE001 - the socket is gone; its reader ends the stream
        return
    finally:
        coro.close()


async def _stream(socket: WebSocket[Any, Any, Any], listener: InboxListener, last: int, fast_path: bool = True) -> None:
    """Live events until the socket closes; `fast_path` (Settings.live_fast_path) allows pre-built frames."""
    loop = asyncio.get_running_loop()
    listener.seen = seen = SeenSeqs(floor=last)
    reader = asyncio.create_task(_read_until_closed(socket, listener))
    timer = loop.call_later(PING_SECONDS, listener.queue.put_nowait, PING)
    if fast_path:
        listener.direct = direct_writer(socket.scope.get("state", {}).get(RAW_SEND))
    # From here on the dispatcher may send directly (Litestar's send is a coroutine function).
    listener.send = cast(Callable[[dict[str, Any]], Coroutine[Any, Any, None]], socket.send)
    try:
        while True:
            item = await listener.queue.get()
            if item == CLOSED:
                return
            if listener.in_flight is not None and not listener.in_flight.done():
                await listener.in_flight  # a direct send still going out: keep the order
            listener.writing = True
            try:
                if item == PING:
                    await socket.send_json({"type": "ping", "seq": seen.high})
                    timer = loop.call_later(PING_SECONDS, listener.queue.put_nowait, PING)
                elif item == BEHIND:  # let the client reconnect and replay from the event log
                    await socket.close(code=1013, reason="too far behind; reconnect with since")
                    return
                else:
                    assert isinstance(item, tuple)
                    seq, text = item
                    if seen.first_time(seq):
                        await socket.send_text(text)
            finally:
                listener.writing = False
    finally:
        listener.send = None
        listener.direct = None
        if listener.in_flight is not None:
            listener.in_flight.cancel()
        timer.cancel()
        reader.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await reader


async def _read_until_closed(socket: WebSocket[Any, Any, Any], listener: InboxListener) -> None:
    """Professionals send nothing after hello but pongs; oversized frames end the socket."""
    try:
        while True:
            message = await socket.receive()
            if message["type"] == "websocket.disconnect":
                return
            data = message.get("text") or message.get("bytes") or b""
            if isinstance(data, (str, bytes)) and len(data) > MAX_FRAME:
                await socket.close(code=1009, reason="frame too large")
                return
    finally:
        listener.queue.put_nowait(CLOSED)
