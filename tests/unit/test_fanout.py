"""The fan-out's wire format: one published message carries a commit's events as JSON lines."""

from __future__ import annotations

from typing import Any

from app.live.fanout import Fanout
from app.live.wire import text_frame


class Recorder:
    def __init__(self) -> None:
        self.got: list[tuple[dict[str, Any], str, bytes]] = []

    def deliver(self, event: dict[str, Any], text: str, frame: bytes) -> None:
        self.got.append((event, text, frame))


class OneMessage:
    def __init__(self, *messages: bytes) -> None:
        self.messages = messages

    async def iter_events(self):  # type: ignore[no-untyped-def]
        for m in self.messages:
            yield m


class Plugin:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    async def wait_published(self, data: bytes, channels: list[str]) -> None:
        self.sent.append(data)


async def test_events_published_together_reach_listeners_one_by_one():
    plugin = Plugin()
    fanout = Fanout(plugin)  # type: ignore[arg-type]
    await fanout.publish([{"seq": 7, "type": "case.created", "text": "two\nlines"}, {"seq": 8, "type": "message.created"}])
    assert len(plugin.sent) == 1 and fanout.published == 2
    listener = Recorder()
    fanout.listeners.add(listener)
    await fanout._dispatch(OneMessage(plugin.sent[0], b"not json"))
    assert [e["seq"] for e, _, _ in listener.got] == [7, 8]  # the broken line is dropped, not the rest
    event, text, frame = listener.got[0]
    assert event["text"] == "two\nlines" and frame == text_frame(text.encode())


async def test_nothing_to_publish_sends_nothing():
    plugin = Plugin()
    await Fanout(plugin).publish([])  # type: ignore[arg-type]
    assert plugin.sent == []
