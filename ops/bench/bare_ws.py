"""The live benchmark's baseline: a bare `websockets` server that broadcasts one event to every socket.

It speaks just enough of `/api/live` for the live benchmark's generator to run one code path for
both targets: the client sends `{"type":"hello",…}`, the server answers `{"type":"ready","seq":N}`
and from then on the socket receives every broadcast. Nothing is checked (no token, no
visibility filter, no replay, no per-socket queue or task): this is the least a Python
WebSocket server can do to push one message to N sockets.

The trigger is a tiny HTTP/1.1 endpoint (keep-alive, raw asyncio protocol) on its own port:
any `POST` broadcasts the next event and answers 202, so the generator sends the very same
request bytes it sends to Firstline's `POST /channels/phone/callback-requests` (the body and
its signature are ignored). `GET /readyz` answers 200 (for `common.Server.wait_ready`).

The event is `--event-template` (a JSON file, normally a real Firstline `case.created` event
captured by the benchmark, so both targets send the same bytes) with `seq` replaced; it is
encoded once per event and handed to `websockets.broadcast()`, which writes it synchronously to
every open connection.

Served like `firstline serve`: one process, uvloop. `websockets.asyncio.server.serve` with
its defaults (permessage-deflate accepted when the client offers it, like uvicorn; the bench's
raw client does not offer it):

    python -m ops.bench.bare_ws --host 127.0.0.1 --ws-port 8101 --trigger-port 8102
"""

from __future__ import annotations

import argparse
import asyncio
import resource
import signal
from pathlib import Path
from typing import Any

import msgspec
from websockets.asyncio.server import ServerConnection, broadcast, serve

DEFAULT_EVENT: dict[str, Any] = {
    "seq": 0,
    "type": "case.created",
    "case_id": "0190f0c2a7b64c1e9a3b5d7e8f901234",
    "queue": "overflow:kajaani",
    "at": "2025-01-01T10:00:00.000000+02:00",
    "case": {
        "id": "0190f0c2a7b64c1e9a3b5d7e8f901234",
        "status": "new",
        "queue": "overflow:kajaani",
        "assignee": None,
        "urgency": "normal",
        "due_at": "2025-01-01T14:00:00+02:00",
        "at_risk": False,
        "channel": "phone",
        "line": 1,
        "unit": "kajaani",
        "patient": None,
        "routing_reason": "unidentified",
        "created_at": "2025-01-01T10:00:00.000000+02:00",
        "updated_at": "2025-01-01T10:00:00.000000+02:00",
        "contacts": 1,
    },
}

_encode = msgspec.json.Encoder().encode
_decode = msgspec.json.Decoder().decode


class Hub:
    def __init__(self, template: dict[str, Any]) -> None:
        self.template = dict(template)
        self.seq = 0
        self.clients: set[ServerConnection] = set()
        self.broadcasts = 0

    def fire(self) -> int:
        self.seq += 1
        self.template["seq"] = self.seq
        broadcast(self.clients, _encode(self.template), text=True)  # bytes sent as a text frame: no re-encode
        self.broadcasts += 1
        return self.seq

    async def handler(self, ws: ServerConnection) -> None:
        try:
            raw = await asyncio.wait_for(ws.recv(), 10)
            hello = _decode(raw)
            if not isinstance(hello, dict) or hello.get("type") != "hello":
                await ws.close(4401, "first message must be hello")
                return
            await ws.send(_encode({"type": "ready", "seq": self.seq}).decode())
            self.clients.add(ws)
            async for _ in ws:  # clients send nothing after hello; keep reading for close frames
                pass
        except Exception:  # noqa: BLE001 - a client that goes away mid-hello is not our problem
            pass
        finally:
            self.clients.discard(ws)


class Trigger(asyncio.Protocol):
    """Minimal HTTP/1.1 keep-alive server: POST → broadcast + 202, GET /readyz → 200."""

    def __init__(self, hub: Hub) -> None:
        self.hub = hub
        self.buf = b""
        self.transport: asyncio.Transport | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        self.buf += data
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = self.buf[:end]
            length = 0
            lower = head.lower()
            i = lower.find(b"\r\ncontent-length:")
            if i >= 0:
                j = lower.find(b"\r\n", i + 2)
                length = int(lower[i + 17 : j if j >= 0 else len(lower)])
            if len(self.buf) < end + 4 + length:
                return
            self.buf = self.buf[end + 4 + length :]
            assert self.transport is not None
            fire = head.startswith(b"POST ")
            if fire:  # answer first, then broadcast: Firstline also answers while its dispatcher fans out
                body = b'{"seq":%d,"sockets":%d}' % (self.hub.seq + 1, len(self.hub.clients))
                status = b"202 Accepted"
            elif head.startswith(b"GET /readyz"):
                body, status = b'{"status":"ok"}', b"200 OK"
            else:
                body, status = b'{"detail":"not found"}', b"404 Not Found"
            self.transport.write(
                b"HTTP/1.1 %s\r\ncontent-type: application/json\r\ncontent-length: %d\r\n\r\n%s" % (status, len(body), body)
            )
            if fire:
                self.hub.fire()


async def main_async(args: argparse.Namespace) -> None:
    template = DEFAULT_EVENT
    if args.event_template:
        template = _decode(Path(args.event_template).read_bytes())
    hub = Hub(template)
    loop = asyncio.get_running_loop()
    stop = loop.create_future()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, lambda: stop.done() or stop.set_result(None))
    trigger = await loop.create_server(lambda: Trigger(hub), args.host, args.trigger_port, backlog=2048)
    async with serve(hub.handler, args.host, args.ws_port, backlog=2048, max_size=64 * 1024):
        print(f"bare_ws: websockets on {args.host}:{args.ws_port}, trigger on {args.host}:{args.trigger_port}", flush=True)
        await stop
    trigger.close()
    print(f"bare_ws: {hub.broadcasts} broadcasts, {len(hub.clients)} clients at exit", flush=True)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--ws-port", type=int, default=8101)
    p.add_argument("--trigger-port", type=int, default=8102)
    p.add_argument("--event-template", help="JSON file: the event to broadcast (its seq is replaced)")
    args = p.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < hard:
        resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        asyncio.run(main_async(args))
    else:
        uvloop.run(main_async(args))


if __name__ == "__main__":
    main()
