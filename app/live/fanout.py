"""Event fan-out: committed events → every live socket of every instance.

The Litestar channels plugin carries events between instances (memory backend in one process,
Redis pub/sub across several). It keeps no history — replay comes from the event log — so this
module only moves small, already-committed events. One plugin subscription per process feeds a
local dispatcher; each socket has its own bounded queue, so one slow client never holds up the
others (it is closed with 1013 and replays on reconnect).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from typing import Any, Protocol

import msgspec
from litestar.channels import ChannelsPlugin
from litestar.channels.backends.base import ChannelsBackend
from litestar.channels.backends.memory import MemoryChannelsBackend

from app.live.wire import text_frame

log = logging.getLogger("firstline.live")

EVENTS = "firstline:events"
_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


class Listener(Protocol):
    def deliver(self, event: dict[str, Any], text: str, frame: bytes) -> None:
        """Called in the dispatcher for every event — parsed, as the JSON text to send and as
        that text's WebSocket frame (`app.live.wire`) — and must not block."""


def make_backend(redis_url: str | None) -> ChannelsBackend:
    if not redis_url:
        return MemoryChannelsBackend()
    from litestar.channels.backends.redis import RedisChannelsPubSubBackend
    from redis.asyncio import Redis

    return RedisChannelsPubSubBackend(redis=Redis.from_url(redis_url))


def make_plugin(redis_url: str | None) -> ChannelsPlugin:
    return ChannelsPlugin(backend=make_backend(redis_url), channels=[EVENTS], subscriber_max_backlog=100_000)


class Fanout:
    """This process's end of the fan-out: publishes committed events, dispatches received ones.

    `publish` is what the hub calls for every commit (its `Publisher` port); sockets register
    with `add_listener` / `remove_listener`.
    """

    def __init__(self, plugin: ChannelsPlugin) -> None:
        self.plugin = plugin
        self.listeners: set[Listener] = set()  # read by the dispatcher; changed through the methods below
        self._task: asyncio.Task[None] | None = None
        self.published = 0
        self.publish_failures = 0

    def add_listener(self, listener: Listener) -> None:
        """From now on `listener.deliver` gets every event this process receives."""
        self.listeners.add(listener)

    def remove_listener(self, listener: Listener) -> None:
        """Stop delivering to `listener`; removing one that is not registered is fine."""
        self.listeners.discard(listener)

    async def start(self) -> None:
        subscriber = await self.plugin.subscribe([EVENTS])
        self._task = asyncio.create_task(self._dispatch(subscriber), name="firstline-fanout")

    async def stop(self) -> None:
        if self._task:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task

    async def _dispatch(self, subscriber: Any) -> None:
        async for message in subscriber.iter_events():
            if not self.listeners:
                continue  # nobody connected to this instance: skip the decode
            for raw in message.split(b"\n"):  # one publish carries a commit's events, one per line
                self._deliver(raw)

    def _deliver(self, raw: bytes) -> None:
        try:
            event = _decode(raw)
            text = raw.decode()  # once per event, not once per socket
            frame = text_frame(raw)
        except (msgspec.DecodeError, UnicodeDecodeError):
            log.warning("dropped an undecodable live event")
            return
        for listener in list(self.listeners):
            try:
                listener.deliver(event, text, frame)
            except Exception:  # noqa: BLE001 - one bad listener must not stop the others
                log.exception("live listener failed")

    async def publish(self, events: list[dict[str, Any]]) -> None:
        """One message per call, the events as JSON lines in seq order (an intake batch's events
        travel together). Each publish is awaited (a fire-and-forget publish can silently stop
        the plugin's worker, Litestar issue 5008) and failures reported: the events are
        committed, so clients catch up by replay from the event log."""
        if not events:
            return
        try:
            await self.plugin.wait_published(b"\n".join(_encode(e) for e in events), [EVENTS])
            self.published += len(events)
        except Exception:  # noqa: BLE001
            self.publish_failures += 1
            log.exception("publishing events %s… failed; clients will catch up by replay", events[0].get("seq"))


class SeenSeqs:
    """Which events a stream has already sent.

    Live events can arrive slightly out of seq order (two requests commit in one order and
    publish in the other), so "skip seq <= last" would silently drop the late one. Instead:
    a floor (everything up to the replay) plus the set of what was sent above it, bounded.
    """

    LIMIT = 4096

    def __init__(self, floor: int = 0) -> None:
        self.floor = floor
        self.high = floor
        self.sent: set[int] = set()  # above the floor; read directly on the fan-out's hot path

    def __contains__(self, seq: int) -> bool:
        """Already sent (or covered by the replay)."""
        return seq <= self.floor or seq in self.sent

    def mark(self, seq: int) -> None:
        """Record `seq` as sent: call it once the event has been handed to a writer."""
        self.sent.add(seq)
        if seq > self.high:
            self.high = seq
        if len(self.sent) > self.LIMIT:
            keep = sorted(self.sent)[-self.LIMIT // 4 :]
            self.floor, self.sent = keep[0] - 1, set(keep)

    def first_time(self, seq: int) -> bool:
        """Not sent yet — and from now on counted as sent (for a send that cannot fail over)."""
        if seq <= self.floor or seq in self.sent:
            return False
        self.mark(seq)
        return True
