"""Live fan-out benchmark (issue 4): one inbox event to 1,000 `/api/live` sockets vs a bare broadcast.

Steps: fresh PostgreSQL database → migrations → demo patients → the real server (`firstline
serve`, FIRSTLINE_RUN_JOBS=0) → log in as aino → smoke: one socket, hello/ready, one signed phone
callback request, its event captured (it becomes the bare server's payload, so both targets send
the same bytes) → the baseline (`ops.bench.bare_ws`: websockets.asyncio.server + `broadcast()`)
→ for each target, one at a time, the same generator run (this module as `python -m
ops.bench.live`, its own process):

  connect   `--live-sockets` WebSocket clients, hello, wait for every `ready`
  measure   `--live-warmup` unrecorded events, then `--live-events` recorded ones, one at a time:
            send the trigger (the same signed `POST /channels/phone/callback-requests` bytes to
            both; an unknown caller each time → a new case in `overflow:kajaani`, which aino
            sees), wait until every socket has the event (or 10 s), then wait out
            `--live-interval` from the send before the next one
  profile   with --profile: more events while py-spy samples the Firstline server

→ table, PASS/FAIL, JSON in var/bench/live.json → stop servers, drop the database.

Per delivery (sockets × events) we record the receive time and report:

  end-to-end  receive − trigger send (includes Firstline's intake: signature, lookup, writes,
              commit, publish — the bare trigger does none of that)
  spread      receive − the first socket's receive of the same event: the fan-out alone

The generator's client is a raw WebSocket client on asyncio Protocols (uvloop): one
`data_received` per read, frames parsed with a few slices, `seq` found with a regex. The
`websockets` client (`--live-client websockets`) costs several times more per message and
timestamps a message only after its reader task has handed it to `recv()`.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import datetime as dt
import hashlib
import json
import os
import platform
import re
import resource
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
import zlib
from collections import Counter
from typing import Any

TARGET_RATIO = 1.25
ROUND_TIMEOUT = 10.0
WS_PATH = "/api/live"
USERNAME, PASSWORD = "aino", "aino-demo"
GUID = b"258EAFA5-E914-47DA-95CA-C5AB0DC85B11"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("live benchmark")
    g.add_argument("--live-sockets", type=int, default=1000, help="connected /api/live sockets (default 1000)")
    g.add_argument("--live-events", type=int, default=50, help="measured events, one at a time (default 50)")
    g.add_argument("--live-warmup", type=int, default=5, help="unrecorded events before measuring (default 5)")
    g.add_argument(
        "--live-interval", type=float, default=0.2, help="seconds from one event's trigger to the next at least (default 0.2)"
    )
    g.add_argument(
        "--live-client",
        choices=("raw", "websockets"),
        default="raw",
        help="generator's WebSocket client: raw asyncio protocol (default) or the websockets library",
    )
    g.add_argument(
        "--live-deflate",
        action="store_true",
        help="clients offer permessage-deflate, as browsers do (both servers then compress per socket)",
    )
    g.add_argument("--live-connect-concurrency", type=int, default=50, help="sockets opening at once (default 50)")


# =============================================================================================
# The generator process: `python -m ops.bench.live < config.json`
# =============================================================================================

_SEQ = re.compile(rb'"seq":(\d+)')
_TYPE = re.compile(rb'"type":"([^"]*)"')


def perf() -> float:
    return time.perf_counter()


def raise_nofile() -> None:
    """1,000 sockets on each side exceed the common default soft limit of 1024 descriptors."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        want = hard if hard != resource.RLIM_INFINITY else 65536
        if soft == resource.RLIM_INFINITY or soft >= want:
            return
        resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
    except (ValueError, OSError):
        pass


def _frame(opcode: int, payload: bytes) -> bytes:
    """One masked client frame."""
    n = len(payload)
    if n < 126:
        head = bytes((0x80 | opcode, 0x80 | n))
    elif n < 65536:
        head = bytes((0x80 | opcode, 0x80 | 126)) + n.to_bytes(2, "big")
    else:
        head = bytes((0x80 | opcode, 0x80 | 127)) + n.to_bytes(8, "big")
    key = os.urandom(4)
    if n:
        k = (key * (n // 4 + 1))[:n]
        payload = (int.from_bytes(payload, "big") ^ int.from_bytes(k, "big")).to_bytes(n, "big")
    return head + key + payload


class Tally:
    """Everything the clients receive, and the state of the event being measured."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.loop = loop
        self.seqs: list[int] = []
        self.times: list[float] = []
        self.round_no = -1
        self.round_seq: int | None = None
        self.floor_seq = 0
        self.pending = 0
        self.done: asyncio.Future[None] | None = None
        self.alive = 0
        self.closes: Counter[str] = Counter()
        self.other: Counter[str] = Counter()
        self.replayed = 0
        self.pings = 0
        self.server_pings = 0
        self.last_seq = 0

    def message(self, client: "BaseClient", payload: bytes, t: float) -> None:
        tm = _TYPE.search(payload)
        kind = tm.group(1) if tm else b"?"
        m = _SEQ.search(payload)
        if kind == b"ready":
            client.on_ready(int(m.group(1)) if m else 0)
            return
        if kind == b"ping":
            self.pings += 1
            return
        if m is None:
            self.other[kind.decode(errors="replace")] += 1
            return
        if not client.is_ready:
            self.replayed += 1
            return
        seq = int(m.group(1))
        self.seqs.append(seq)
        self.times.append(t)
        if seq > self.last_seq:
            self.last_seq = seq
        if self.done is not None:
            if self.round_seq is None and seq > self.floor_seq:
                self.round_seq = seq
            if seq == self.round_seq and client.round_no != self.round_no:
                client.round_no = self.round_no
                self._one_done()

    def _one_done(self) -> None:
        self.pending -= 1
        if self.pending <= 0 and self.done is not None and not self.done.done():
            self.done.set_result(None)

    def lost(self, client: "BaseClient", why: str) -> None:
        if client.gone:
            return
        client.gone = True
        if client.is_ready:  # before ready, a failure is a connect error (counted by open_clients)
            self.closes[why] += 1
            self.alive -= 1
            if self.done is not None and client.round_no != self.round_no:
                client.round_no = self.round_no
                self._one_done()

    def start_round(self) -> None:
        self.round_no += 1
        self.round_seq = None
        self.pending = self.alive
        self.done = self.loop.create_future()
        if self.pending <= 0:
            self.done.set_result(None)

    def end_round(self) -> int | None:
        seq = self.round_seq
        if seq is not None:
            self.floor_seq = max(self.floor_seq, seq)
        self.floor_seq = max(self.floor_seq, self.last_seq)
        self.done = None
        return seq


class BaseClient:
    def __init__(self, idx: int, tally: Tally) -> None:
        self.idx = idx
        self.tally = tally
        self.is_ready = False
        self.gone = False
        self.round_no = -1
        self.ready: asyncio.Future[int] = tally.loop.create_future()

    def on_ready(self, seq: int) -> None:
        if not self.is_ready:
            self.is_ready = True
            self.tally.alive += 1
            if not self.ready.done():
                self.ready.set_result(seq)

    def fail(self, why: str) -> None:
        if not self.ready.done():
            self.ready.set_exception(ConnectionError(why))
        self.tally.lost(self, why)


class RawClient(BaseClient, asyncio.Protocol):
    """A WebSocket client in one asyncio Protocol: handshake, hello, frames, pong, close."""

    def __init__(self, idx: int, tally: Tally, host: str, port: int, hello: bytes, deflate: bool) -> None:
        super().__init__(idx, tally)
        self.key = base64.b64encode(os.urandom(16))
        ext = b"Sec-WebSocket-Extensions: permessage-deflate; client_max_window_bits\r\n" if deflate else b""
        self.request = (
            b"GET %s HTTP/1.1\r\nHost: %s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            b"Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n%s\r\n"
        ) % (WS_PATH.encode(), host.encode(), port, self.key, ext)
        self.hello = hello
        self.buf = bytearray()
        self.handshaken = False
        self.inflate: Any = None
        self.fragments: list[bytes] = []
        self.fragment_compressed = False
        self.transport: asyncio.Transport | None = None
        self.close_sent = False

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]
        self.transport.write(self.request)

    def connection_lost(self, exc: Exception | None) -> None:
        self.fail(f"connection lost ({type(exc).__name__})" if exc else "connection lost without close frame")

    def data_received(self, data: bytes) -> None:
        t = perf()
        buf = self.buf
        buf += data
        if not self.handshaken:
            end = buf.find(b"\r\n\r\n")
            if end < 0:
                return
            head = bytes(buf[:end])
            del buf[: end + 4]
            if not head.startswith(b"HTTP/1.1 101"):
                self.fail("handshake refused: " + head.split(b"\r\n", 1)[0].decode(errors="replace"))
                self.transport.close()  # type: ignore[union-attr]
                return
            accept = base64.b64encode(hashlib.sha1(self.key + GUID).digest())
            if accept not in head:
                self.fail("bad Sec-WebSocket-Accept")
                self.transport.close()  # type: ignore[union-attr]
                return
            if b"permessage-deflate" in head.lower():
                self.inflate = zlib.decompressobj(-15)
            self.handshaken = True
            self.transport.write(_frame(0x1, self.hello))  # type: ignore[union-attr]
        while len(buf) >= 2:
            b0, b1 = buf[0], buf[1]
            n, off = b1 & 0x7F, 2
            if n == 126:
                if len(buf) < 4:
                    return
                n, off = int.from_bytes(buf[2:4], "big"), 4
            elif n == 127:
                if len(buf) < 10:
                    return
                n, off = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < off + n:
                return
            payload = bytes(buf[off : off + n])
            del buf[: off + n]
            op = b0 & 0x0F
            if op == 0x1 or op == 0x2 or op == 0x0:
                if op != 0x0:
                    self.fragment_compressed = bool(b0 & 0x40)
                if not b0 & 0x80:
                    self.fragments.append(payload)
                    continue
                if self.fragments:
                    payload = b"".join(self.fragments) + payload
                    self.fragments = []
                if self.fragment_compressed and self.inflate is not None:
                    payload = self.inflate.decompress(payload + b"\x00\x00\xff\xff")
                self.tally.message(self, payload, t)
            elif op == 0x9:
                self.tally.server_pings += 1
                self.transport.write(_frame(0xA, payload))  # type: ignore[union-attr]
            elif op == 0x8:
                code = int.from_bytes(payload[:2], "big") if len(payload) >= 2 else 1005
                reason = payload[2:].decode(errors="replace")
                self.fail(f"closed by server {code} {reason}".strip())
                if not self.close_sent:
                    self.close_sent = True
                    self.transport.write(_frame(0x8, payload[:2]))  # type: ignore[union-attr]
                self.transport.close()  # type: ignore[union-attr]
                return

    def close(self) -> None:
        self.gone = True  # our own close is not a drop
        if self.transport is not None and not self.transport.is_closing():
            if not self.close_sent:
                self.close_sent = True
                self.transport.write(_frame(0x8, (1000).to_bytes(2, "big")))
            self.transport.close()


class LibClient(BaseClient):
    """The same client on the `websockets` library (for comparison of the generator's cost)."""

    def __init__(self, idx: int, tally: Tally) -> None:
        super().__init__(idx, tally)
        self.ws: Any = None
        self.task: asyncio.Task[None] | None = None

    async def run(self, url: str, hello: bytes, deflate: bool) -> None:
        from websockets.asyncio.client import connect
        from websockets.exceptions import ConnectionClosed

        try:
            self.ws = await connect(
                url, compression="deflate" if deflate else None, ping_interval=None, max_size=1 << 20, open_timeout=30
            )
        except Exception as exc:  # noqa: BLE001
            self.fail(f"connect failed: {type(exc).__name__} {exc}")
            return
        try:
            await self.ws.send(hello.decode())
            while True:
                msg = await self.ws.recv(decode=False)
                self.tally.message(self, msg, perf())
        except ConnectionClosed as exc:
            rcvd = exc.rcvd
            self.fail(f"closed by server {rcvd.code} {rcvd.reason}".strip() if rcvd else "connection lost without close frame")
        except asyncio.CancelledError:
            pass

    def close(self) -> None:
        self.gone = True
        if self.task is not None:
            self.task.cancel()
        if self.ws is not None:
            asyncio.ensure_future(self.ws.close())


class Opener:
    """Opens clients `connect_concurrency` at a time: TCP, handshake, hello, wait for ready."""

    def __init__(self, cfg: dict[str, Any], tally: Tally) -> None:
        self.cfg = cfg
        self.tally = tally
        self.sem = asyncio.Semaphore(int(cfg.get("connect_concurrency", 50)))
        self.errors: Counter[str] = Counter()

    def hello(self, since: int) -> bytes:
        return json.dumps({"type": "hello", "token": self.cfg["token"], "since": since}, separators=(",", ":")).encode()

    async def one(self, idx: int, since: int) -> BaseClient | None:
        loop = asyncio.get_running_loop()
        host, port = self.cfg["host"], int(self.cfg["ws_port"])
        deflate = bool(self.cfg.get("deflate"))
        async with self.sem:
            for _attempt in range(3):
                client: BaseClient
                if self.cfg.get("client", "raw") == "raw":
                    try:
                        _, client = await loop.create_connection(
                            lambda: RawClient(idx, self.tally, host, port, self.hello(since), deflate), host, port
                        )
                    except OSError as exc:
                        self.errors[f"connect: {type(exc).__name__} {exc}"] += 1
                        await asyncio.sleep(0.2)
                        continue
                else:
                    lib = LibClient(idx, self.tally)
                    lib.task = asyncio.ensure_future(lib.run(f"ws://{host}:{port}{WS_PATH}", self.hello(since), deflate))
                    client = lib
                try:
                    await asyncio.wait_for(asyncio.shield(client.ready), 30)
                    return client
                except (ConnectionError, asyncio.TimeoutError) as exc:
                    self.errors[str(exc) or type(exc).__name__] += 1
                    client.close()
                    await asyncio.sleep(0.2)
            return None

    async def many(self, start: int, count: int, since: int) -> list[BaseClient]:
        got = await asyncio.gather(*(self.one(i, since) for i in range(start, start + count)))
        return [c for c in got if c is not None]


def schedstat(pid: int | str) -> tuple[float, float] | None:
    """(seconds on a CPU, seconds runnable but waiting for a CPU) over all threads, in ns precision."""
    run = wait = 0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return None
    for tid in tasks:
        try:
            with open(f"/proc/{pid}/task/{tid}/schedstat", "rb") as f:
                a, b, _ = f.read().split()
        except (OSError, ValueError):
            continue
        run += int(a)
        wait += int(b)
    return (run / 1e9, wait / 1e9) if run else None


def cpu_now(pid: int | None) -> dict[str, float]:
    """loadgen's /proc/<pid>/stat figures (10 ms ticks), refined by schedstat where available."""
    from ops.bench.loadgen import cpu_seconds

    out = cpu_seconds({"server": pid} if pid else {}, ["postgres"])
    for key, who in (("server", pid), ("generator", "self")):
        got = schedstat(who) if who else None
        if got is not None:
            out[key], out[key + "_cpu_wait"] = got
    return out


async def rounds(
    cfg: dict[str, Any], tally: Tally, conn: Any, factory: Any, count: int, record: list[dict[str, Any]] | None
) -> Any:
    from ops.bench.loadgen import IO_ERRORS, Connection

    interval = float(cfg["interval"])
    for i in range(count):
        tally.start_round()
        data = factory.next()
        status: int | None = None
        error = None
        t_send = perf()
        try:
            if conn is None:
                conn = await Connection.open(cfg["trigger_host"], int(cfg["trigger_port"]))
                t_send = perf()
            async with asyncio.timeout(30):
                status, body, close = await conn.request(data)
            if close:
                conn.close()
                conn = None
        except IO_ERRORS as exc:
            error = f"{type(exc).__name__} {exc}".strip()
            if conn is not None:
                conn.close()
            conn = None
        t_resp = perf()
        timed_out = False
        if error is None and status is not None and 200 <= status < 300:
            try:
                await asyncio.wait_for(asyncio.shield(tally.done), ROUND_TIMEOUT)  # type: ignore[arg-type]
            except asyncio.TimeoutError:
                timed_out = True
        elif error is None:
            error = f"HTTP {status}: {body[:200].decode(errors='replace')}"
        t_done = perf()
        waiting = tally.pending
        seq = tally.end_round()
        if record is not None:
            record.append(
                {
                    "t_send": t_send,
                    "t_resp": t_resp,
                    "t_done": t_done,
                    "seq": seq,
                    "status": status,
                    "error": error,
                    "timed_out": timed_out,
                    "missing_at_timeout": waiting if timed_out else 0,
                }
            )
        # let the server settle (per-socket tasks looping back) before the next event
        rest = t_send + interval - perf()
        await asyncio.sleep(max(rest, 0.02))
    return conn


def analyse(record: list[dict[str, Any]], tally: Tally, sockets_alive: list[int], interval: float) -> dict[str, Any]:
    from ops.bench.loadgen import percentiles_ms

    by_seq: dict[int, list[float]] = {}
    for seq, t in zip(tally.seqs, tally.times):
        by_seq.setdefault(seq, []).append(t)
    e2e: list[float] = []
    spread: list[float] = []
    per_event: list[dict[str, Any]] = []
    first: list[float] = []
    fanout: list[float] = []
    http: list[float] = []
    delivered = missed = 0
    errors: Counter[str] = Counter()
    for r, alive in zip(record, sockets_alive):
        if r["error"]:
            errors[r["error"][:120]] += 1
            continue
        http.append(r["t_resp"] - r["t_send"])
        times = sorted(by_seq.get(r["seq"], [])) if r["seq"] is not None else []
        delivered += len(times)
        missed += max(0, alive - len(times))
        if not times:
            continue
        t0 = times[0]
        per_event.append(
            {
                "seq": r["seq"],
                "http_ms": round((r["t_resp"] - r["t_send"]) * 1000, 2),
                "first_ms": round((t0 - r["t_send"]) * 1000, 2),
                "last_ms": round((times[-1] - r["t_send"]) * 1000, 2),
                "delivered": len(times),
            }
        )
        first.append(t0 - r["t_send"])
        fanout.append(times[-1] - t0)
        e2e += [t - r["t_send"] for t in times]
        spread += [t - t0 for t in times]
    return {
        "events": len(record),
        "events_failed": sum(errors.values()),
        "trigger_errors": dict(errors),
        "events_timed_out": sum(1 for r in record if r["timed_out"]),
        "deliveries": delivered,
        "missed_deliveries": missed,
        "end_to_end_ms": percentiles_ms(e2e),
        "spread_ms": percentiles_ms(spread),
        "first_delivery_ms": percentiles_ms(first),
        "fanout_duration_ms": percentiles_ms(fanout),
        "trigger_http_ms": percentiles_ms(http),
        # events whose fan-out outlasted the interval: the next one started only after it finished
        "events_longer_than_interval": sum(1 for r in record if r["t_done"] - r["t_send"] > interval),
        "per_event": per_event,
    }


async def generate(cfg: dict[str, Any]) -> dict[str, Any]:
    from ops.bench.loadgen import RequestFactory

    loop = asyncio.get_running_loop()
    tally = Tally(loop)
    factory = RequestFactory(
        {
            "secret": cfg["secret"],
            "callers": [],
            "known_fraction": 0.0,
            "dialed": cfg["dialed"],
            "call_id_prefix": cfg["call_id_prefix"],
            "seed": cfg.get("seed", 4),
            "path": cfg["trigger_path"],
            "host": cfg["trigger_host"],
            "port": cfg["trigger_port"],
        }
    )
    pid = cfg.get("server_pid")
    opener = Opener(cfg, tally)
    first = await opener.one(0, 0)
    if first is None:
        raise SystemExit(f"the first WebSocket client could not connect: {dict(opener.errors)}")
    clients = [first]

    # One socket: what an event costs the server (CPU) and takes (latency) without the fan-out.
    conn = await rounds(cfg, tally, None, factory, 3, None)
    single: list[dict[str, Any]] = []
    cpu_a = cpu_now(pid)
    conn = await rounds(cfg, tally, conn, factory, int(cfg.get("single_events", 20)), single)
    cpu_b = cpu_now(pid)
    one_socket = analyse(single, tally, [1] * len(single), float(cfg["interval"]))
    one_socket.pop("per_event", None)
    one_socket["cpu_ms_per_event"] = {
        key: round(max(0.0, cpu_b[key] - cpu_a[key]) / max(1, len(single)) * 1000, 2)
        for key in ("server", "postgres", "generator", "server_cpu_wait", "generator_cpu_wait")
        if key in cpu_a and key in cpu_b
    }

    t0 = perf()
    since = max(first.ready.result(), tally.floor_seq)
    clients += await opener.many(1, int(cfg["sockets"]) - 1, since)
    connect = {
        "connected": len(clients),
        "connect_seconds": round(perf() - t0, 3),
        "connect_errors": dict(opener.errors),
        "since": since,
    }
    await asyncio.sleep(0.5)  # let the server finish the last hellos' bookkeeping

    conn = await rounds(cfg, tally, conn, factory, int(cfg["warmup_events"]), None)
    record: list[dict[str, Any]] = []
    alive: list[int] = []
    cpu_a, t_a = cpu_now(pid), perf()
    for _ in range(int(cfg["events"])):
        alive.append(tally.alive)
        conn = await rounds(cfg, tally, conn, factory, 1, record)
    cpu_b, t_b = cpu_now(pid), perf()
    await asyncio.sleep(0.3)  # stragglers (after a timeout) still count in the analysis
    result = analyse(record, tally, alive, float(cfg["interval"]))
    result["one_socket"] = one_socket
    elapsed = t_b - t_a
    k = max(1, len(record))
    result["cpu_ms_per_event"] = {
        key: round(max(0.0, cpu_b[key] - cpu_a[key]) / k * 1000, 2)
        for key in ("server", "postgres", "generator", "server_cpu_wait", "generator_cpu_wait")
        if key in cpu_a and key in cpu_b
    }
    busy = (cpu_b.get("machine", 0) - cpu_a.get("machine", 0)) / elapsed * 100 if elapsed > 0 else 0.0
    ours = sum((cpu_b[x] - cpu_a[x]) / elapsed * 100 for x in ("server", "postgres", "generator") if x in cpu_a and x in cpu_b)
    result["cpu_percent"] = {
        key: round(max(0.0, cpu_b[key] - cpu_a[key]) / elapsed * 100, 1) for key in ("server", "postgres", "generator") if key in cpu_a
    }
    result["cpu_percent"]["other"] = round(max(0.0, busy - ours), 1)
    result["measure_seconds"] = round(elapsed, 3)

    if cfg.get("profile_events"):
        # tell the parent to start py-spy (it is the server's parent, so ptrace is allowed), wait, run, tell it to stop
        print(json.dumps({"phase": "profile"}), flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)
        prof: list[dict[str, Any]] = []
        conn = await rounds(cfg, tally, conn, factory, int(cfg["profile_events"]), prof)
        print(json.dumps({"phase": "profile_done", "events": len(prof)}), flush=True)
        await loop.run_in_executor(None, sys.stdin.readline)

    if conn is not None:
        conn.close()
    result.update(connect)
    result["sockets_alive_at_end"] = tally.alive
    result["closes"] = dict(tally.closes)
    result["replayed_before_ready"] = tally.replayed
    result["app_pings"] = tally.pings
    result["ws_pings"] = tally.server_pings
    result["other_frames"] = dict(tally.other)
    result["sent"] = factory.sent
    for c in clients:
        c.close()
    await asyncio.sleep(0.5)
    return result


def generator_main() -> int:
    raise_nofile()
    cfg = json.loads(sys.stdin.readline())
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        result = asyncio.run(generate(cfg))
        result["event_loop"] = "asyncio"
    else:
        result = uvloop.run(generate(cfg))
        result["event_loop"] = "uvloop"
    print(json.dumps({"phase": "result", "result": result}), flush=True)
    return 0


# =============================================================================================
# The benchmark (run by ops.bench.run)
# =============================================================================================


def login(base_url: str) -> str:
    body = json.dumps({"username": USERNAME, "password": PASSWORD}).encode()
    req = urllib.request.Request(base_url + "/api/auth/login", data=body, method="POST", headers={"Content-Type": "application/json"})
    from ops.bench.common import BenchError

    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return str(json.loads(resp.read())["token"])
    except urllib.error.HTTPError as exc:
        raise BenchError(f"login as {USERNAME} answered {exc.code}: {exc.read()[:300]!r}") from None


def smoke(server: Any, token: str) -> dict[str, Any]:
    """One socket, hello → ready, one signed callback request → its event (the bare server's payload)."""
    from websockets.sync.client import connect

    from app.security.webhooks import sign
    from ops.bench.common import BenchError
    from ops.bench.intake import DIALED, PATH, SECRET

    url = f"ws://127.0.0.1:{server.port}{WS_PATH}"
    try:
        with connect(url, compression=None, open_timeout=10) as ws:
            ws.send(json.dumps({"type": "hello", "token": token, "since": 0}))
            deadline = time.monotonic() + 15
            while True:
                frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if frame.get("type") == "ready":
                    break
            body = json.dumps(
                {"call_id": f"live-smoke-{uuid.uuid4().hex[:12]}", "caller": "+358419999999", "dialed": DIALED, "line": 1},
                separators=(",", ":"),
            ).encode()
            req = urllib.request.Request(
                server.base_url + PATH,
                data=body,
                method="POST",
                headers={"Content-Type": "application/json", "X-Firstline-Signature": sign(SECRET, body)},
            )
            with urllib.request.urlopen(req, timeout=10) as resp:
                if resp.status != 202:
                    raise BenchError(f"live smoke: callback request answered {resp.status}")
            while True:
                frame = json.loads(ws.recv(timeout=max(0.1, deadline - time.monotonic())))
                if frame.get("type") not in ("ping", "ready"):
                    return frame
    except BenchError:
        raise
    except Exception as exc:  # noqa: BLE001
        raise BenchError(
            f"live smoke test failed ({type(exc).__name__}: {exc}); server output:\n{server.log_tail()}"
        ) from None


def run_generator(cfg: dict[str, Any], timeout: float, on_profile: Any = None) -> dict[str, Any]:
    from ops.bench.common import PYTHON, ROOT, VAR, BenchError, clean_env

    err_path = VAR / f"live-generator-{cfg.get('name', 'x')}.log"
    with open(err_path, "wb") as err:
        proc = subprocess.Popen(
            [PYTHON, "-m", "ops.bench.live"],
            cwd=ROOT,
            env=clean_env(),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=err,
            start_new_session=True,
            preexec_fn=raise_nofile,
        )
    assert proc.stdin is not None and proc.stdout is not None
    deadline = time.monotonic() + timeout
    result: dict[str, Any] | None = None
    sampler = None
    try:
        proc.stdin.write((json.dumps(cfg) + "\n").encode())
        proc.stdin.flush()
        for line in proc.stdout:
            if time.monotonic() > deadline:
                raise BenchError(f"the live generator took longer than {timeout:.0f} s")
            try:
                msg = json.loads(line)
            except ValueError:
                continue
            phase = msg.get("phase")
            if phase == "profile":
                sampler = on_profile("start") if on_profile else None
                time.sleep(1.0)  # py-spy attaches
                proc.stdin.write(b"go\n")
                proc.stdin.flush()
            elif phase == "profile_done":
                if on_profile:
                    on_profile("stop", sampler)
                proc.stdin.write(b"go\n")
                proc.stdin.flush()
            elif phase == "result":
                result = msg["result"]
        proc.wait(timeout=max(1.0, deadline - time.monotonic()))
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        if sampler is not None and on_profile:
            on_profile("stop", sampler)
        raise
    if proc.returncode != 0 or result is None:
        raise BenchError(
            f"the live generator failed (status {proc.returncode}):\n{err_path.read_text(errors='replace')[-3000:]}"
        )
    return result


def _gen_config(args: argparse.Namespace, name: str, ws_port: int, trigger_port: int, pid: int, token: str, run_id: str) -> dict[str, Any]:
    from ops.bench.intake import DIALED, PATH, SECRET

    return {
        "name": name,
        "host": "127.0.0.1",
        "ws_port": ws_port,
        "trigger_host": "127.0.0.1",
        "trigger_port": trigger_port,
        "trigger_path": PATH,
        "secret": SECRET,
        "dialed": DIALED,
        "call_id_prefix": f"live-{run_id}-{name}",
        "seed": 4 if name == "firstline" else 5,
        "token": token,
        "sockets": args.live_sockets,
        "events": args.live_events,
        "warmup_events": args.live_warmup,
        "interval": args.live_interval,
        "client": args.live_client,
        "deflate": args.live_deflate,
        "connect_concurrency": args.live_connect_concurrency,
        "server_pid": pid,
        "profile_events": 0,
    }


def main(args: argparse.Namespace) -> int:
    from ops.bench import spy
    from ops.bench.common import BIN, PYTHON, VAR, BenchError, Server, clean_env, drop_database, free_port, machine_busy_percent, recreate_database
    from ops.bench.intake import DEMO_PATIENTS, SECRET, import_csv

    if args.live_sockets < 1 or args.live_events < 1 or args.live_interval < 0 or args.live_warmup < 0:
        raise BenchError("--live-sockets and --live-events must be >= 1, --live-interval and --live-warmup >= 0", 2)
    raise_nofile()  # inherited by everything we start
    VAR.mkdir(parents=True, exist_ok=True)
    url = args.database_url
    run_id = uuid.uuid4().hex[:8]
    servers: list[Any] = []
    created = False
    results: dict[str, Any] = {}
    profile_summary = None
    profile_log = None
    try:
        print(f"live benchmark: preparing database {url.rsplit('/', 1)[-1]} …", flush=True)
        pg_version = recreate_database(url)
        created = True
        from app.db.migrate import upgrade

        upgrade(url)
        print(f"  demo patients:      {import_csv(url, DEMO_PATIENTS)}", flush=True)
        idle_load = machine_busy_percent()
        if idle_load > 20:
            print(
                f"  WARNING: other processes keep the machine {idle_load:.0f} % busy "
                f"(100 = one core of {os.cpu_count()}); figures will be noisy — see the 'other' CPU column",
                flush=True,
            )
        port = free_port()
        firstline = Server(
            "live",
            [str(BIN / "firstline"), "serve", "--host", "127.0.0.1", "--port", str(port)],
            clean_env(FIRSTLINE_DATABASE_URL=url, FIRSTLINE_WEBHOOK_SECRET=SECRET, FIRSTLINE_RUN_JOBS="0", FIRSTLINE_RATE_LIMITS="off"),
            port=port,
            preexec_fn=raise_nofile,
        )
        servers.append(firstline)
        firstline.start()
        firstline.wait_ready()
        token = login(firstline.base_url)
        event = smoke(firstline, token)
        event_bytes = len(json.dumps(event, separators=(",", ":")).encode())
        template = VAR / "live-event.json"
        template.write_text(json.dumps(event, separators=(",", ":")), encoding="utf-8")

        ws_port, trigger_port = free_port(), free_port()
        bare = Server(
            "bare-ws",
            [PYTHON, "-m", "ops.bench.bare_ws", "--host", "127.0.0.1", "--ws-port", str(ws_port),
             "--trigger-port", str(trigger_port), "--event-template", str(template)],
            clean_env(),
            port=trigger_port,
            preexec_fn=raise_nofile,
        )
        servers.append(bare)
        bare.start()
        bare.wait_ready()
        print(
            f"  servers ready: Firstline pid {firstline.pid} on :{firstline.port}, bare websockets pid {bare.pid} "
            f"on :{ws_port} (trigger :{trigger_port}); event {event_bytes} bytes ({event.get('type')}, queue {event.get('queue')})",
            flush=True,
        )

        budget = 120 + args.live_sockets * 0.05 + (args.live_events + args.live_warmup + 40) * (args.live_interval + ROUND_TIMEOUT / 4)
        for name, server, wsp, tp in (("bare", bare, ws_port, trigger_port), ("firstline", firstline, port, port)):
            print(
                f"  {name}: {args.live_sockets} sockets, {args.live_warmup}+{args.live_events} events "
                f"≥{args.live_interval * 1000:.0f} ms apart ({args.live_client} client) …",
                flush=True,
            )
            cfg = _gen_config(args, name, wsp, tp, server.pid, token, run_id)
            on_profile = None
            if name == "firstline" and getattr(args, "profile", False):
                cfg["profile_events"] = max(30, args.live_events)
                folded = VAR / "live-server.folded"
                folded.unlink(missing_ok=True)

                def on_profile(action: str, sampler: Any = None, _pid: int = server.pid, _out: Any = folded) -> Any:
                    nonlocal profile_log
                    if action == "start":
                        return spy.start(_pid, 600, _out)
                    if sampler is not None:
                        try:
                            sampler.send_signal(signal.SIGINT)
                        except ProcessLookupError:
                            pass
                    profile_log = spy.finish(sampler)
                    return None

            results[name] = run_generator(cfg, budget, on_profile)
            r = results[name]
            print(
                f"    {r['connected']} connected in {r['connect_seconds']:.1f} s; spread p99 {fmt_ms(r['spread_ms']['p99'])}, "
                f"end-to-end p99 {fmt_ms(r['end_to_end_ms']['p99'])}; missed {r['missed_deliveries']}, closes {r['closes'] or 'none'}",
                flush=True,
            )
        if getattr(args, "profile", False) and (VAR / "live-server.folded").exists():
            profile_summary = spy.summarise(VAR / "live-server.folded")
    finally:
        for s in servers:
            s.stop()
        problems = {s.name: s.log_problems() for s in servers}
        if created and not args.keep_db:
            try:
                drop_database(url)
            except Exception as exc:  # noqa: BLE001
                print(f"warning: could not drop the bench database: {exc}", file=sys.stderr)

    b, f = results["bare"], results["firstline"]

    def ratio(key: str) -> float | None:
        fv, bv = f[key]["p99"], b[key]["p99"]
        return fv / bv if fv is not None and bv else None

    clean = f["missed_deliveries"] == 0 and f["events_failed"] == 0 and not f["closes"]
    spread_ratio, e2e_ratio = ratio("spread_ms"), ratio("end_to_end_ms")
    spread_pass = spread_ratio is not None and spread_ratio <= TARGET_RATIO and clean
    e2e_pass = e2e_ratio is not None and e2e_ratio <= TARGET_RATIO and clean
    report: dict[str, Any] = {
        "benchmark": "live",
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "postgresql": pg_version,
            "busy_before_start_percent": round(idle_load, 1),
            "nofile_limit": resource.getrlimit(resource.RLIMIT_NOFILE)[0],
        },
        "settings": {
            "sockets": args.live_sockets,
            "events": args.live_events,
            "warmup_events": args.live_warmup,
            "interval_s": args.live_interval,
            "client": args.live_client,
            "deflate_offered": args.live_deflate,
            "event_bytes": event_bytes,
            "event_type": event.get("type"),
            "event_queue": event.get("queue"),
            "generator": (
                "ops.bench.live: raw WebSocket client on asyncio Protocols (uvloop), separate process"
                if args.live_client == "raw"
                else "ops.bench.live: websockets.asyncio.client, separate process"
            ),
            "servers": "Firstline: firstline serve (uvicorn, 1 worker, uvloop, websockets-sansio); "
            "bare: websockets.asyncio.server + broadcast() on uvloop",
            "trigger": "the same signed POST /channels/phone/callback-requests bytes (unknown caller) to both",
        },
        "results": results,
        "targets": {
            "spread_p99_ratio": {"target": f"<= {TARGET_RATIO}", "value": spread_ratio, "pass": spread_pass},
            "end_to_end_p99_ratio": {"target": f"<= {TARGET_RATIO}", "value": e2e_ratio, "pass": e2e_pass},
        },
        "server_problems": problems,
    }
    if profile_summary:
        report["profile"] = profile_summary
    if profile_log:
        report["profile_log"] = profile_log[-2000:]
    out = VAR / "live.json"
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print()
    print(render(report))
    from ops.bench.common import ROOT

    print(f"\nfull results: {out.relative_to(ROOT)}")
    if args.check and not spread_pass:
        return 1
    return 0


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:,.1f} ms"


def render(report: dict[str, Any]) -> str:
    from ops.bench import spy
    from ops.bench.common import fmt, server_problem_lines, table

    s, m, res = report["settings"], report["machine"], report["results"]
    lines = [
        f"Live fan-out benchmark — {s['sockets']:,} sockets, {s['events']} events ({s['warmup_events']} warm-up) "
        f"one at a time ≥{s['interval_s'] * 1000:.0f} ms apart; {s['event_bytes']}-byte {s['event_type']} event; "
        f"PostgreSQL {m['postgresql']}, {m['cpus']} CPUs, Python {m['python']}",
        f"generator: {s['generator']}" + ("; permessage-deflate offered" if s["deflate_offered"] else "; no compression"),
        "end-to-end = socket receive − trigger send; spread = socket receive − first socket's receive of the same event (fan-out only)",
        "",
    ]
    rows = []
    for name, label in (("bare", "bare websockets broadcast()"), ("firstline", "Firstline /api/live")):
        r = res[name]
        e, sp = r["end_to_end_ms"], r["spread_ms"]
        rows.append(
            [
                label,
                f"{r['connected']:,}",
                f"{r['deliveries']:,}",
                str(r["missed_deliveries"]),
                fmt(e["p50"]),
                fmt(e["p99"]),
                fmt(e["max"]),
                fmt(sp["p50"]),
                fmt(sp["p99"]),
                fmt(sp["max"]),
                fmt(r["trigger_http_ms"]["p50"]),
            ]
        )
    lines.append(
        table(
            ["target", "sockets", "deliveries", "missed", "e2e p50 ms", "e2e p99 ms", "e2e max ms",
             "spread p50 ms", "spread p99 ms", "spread max ms", "trigger HTTP p50 ms"],
            rows,
        )
    )
    lines += ["", "Per event"]
    rows = []
    for name, label in (("bare", "bare websockets broadcast()"), ("firstline", "Firstline /api/live")):
        r = res[name]
        cpu = r.get("cpu_ms_per_event", {})
        pc = r.get("cpu_percent", {})
        one = r.get("one_socket", {}).get("end_to_end_ms", {})
        rows.append(
            [
                label,
                f"{fmt(one.get('p50'))} / {fmt(one.get('p99'))}",
                fmt(r["first_delivery_ms"]["p50"]),
                fmt(r["first_delivery_ms"]["p99"]),
                fmt(r["fanout_duration_ms"]["p50"]),
                fmt(r["fanout_duration_ms"]["p99"]),
                fmt(cpu.get("server"), 2),
                fmt(cpu.get("server_cpu_wait"), 2),
                fmt(cpu.get("generator"), 2),
                fmt(cpu.get("postgres"), 2),
                " / ".join(fmt(pc.get(k), 0) for k in ("server", "postgres", "generator", "other")),
            ]
        )
    lines.append(
        table(
            ["target", "1 socket e2e p50/p99 ms", "1st socket p50 ms", "1st socket p99 ms", "fan-out p50 ms", "fan-out p99 ms",
             "server CPU ms/event", "server waiting for a CPU ms/event", "gen CPU ms/event", "pg CPU ms/event", "CPU % server/pg/gen/other"],
            rows,
        )
    )
    t = report["targets"]
    sr, er = t["spread_p99_ratio"], t["end_to_end_p99_ratio"]

    def verdict(x: dict[str, Any]) -> str:
        return "PASS" if x["pass"] else "FAIL"

    def val(x: dict[str, Any]) -> str:
        return "-" if x["value"] is None else f"{x['value']:.2f}×"

    lines += [
        "",
        f"Firstline / bare spread p99 (fan-out only):   {val(sr)}   (target {sr['target']})   {verdict(sr)}   ← the target's fair reading",
        f"Firstline / bare end-to-end p99 (trigger→socket): {val(er)}   (target {er['target']})   {verdict(er)}",
        "  (end-to-end also counts Firstline's intake — signature, lookup, three inserts, commit — which the bare trigger "
        "does not do; spread compares the fan-out path alone, like with like)",
    ]
    fan = {}
    for name in ("bare", "firstline"):
        r = res[name]
        at_n = r.get("cpu_ms_per_event", {}).get("server")
        at_1 = r.get("one_socket", {}).get("cpu_ms_per_event", {}).get("server")
        if at_n is not None and at_1 is not None:
            fan[name] = (at_n, at_1, max(0.0, at_n - at_1))
    if len(fan) == 2:
        (bn, b1, bf), (fn, f1, ff) = fan["bare"], fan["firstline"]
        per = lambda ms: ms / max(1, s["sockets"] - 1) * 1000  # noqa: E731
        lines.append(
            f"server CPU per event: bare {bn:.1f} ms with {s['sockets']:,} sockets ({b1:.1f} with 1), Firstline {fn:.1f} ms ({f1:.1f} with 1: "
            f"its intake) → fan-out alone {bf:.1f} vs {ff:.1f} ms = {per(bf):.0f} vs {per(ff):.0f} µs per socket"
            + (f" ({ff / bf:.1f}×; CPU barely moves with other load, latency does)" if bf > 0 else "")
        )
    for name in ("bare", "firstline"):
        r = res[name]
        notes = []
        if r["connect_errors"]:
            notes.append(f"connect errors {r['connect_errors']}")
        if r["closes"]:
            notes.append(f"sockets closed/dropped {r['closes']}")
        if r["missed_deliveries"]:
            notes.append(f"{r['missed_deliveries']} deliveries missing ({r['events_timed_out']} events timed out after {ROUND_TIMEOUT:g} s)")
        if r["events_failed"]:
            notes.append(f"{r['events_failed']} triggers failed {r['trigger_errors']}")
        if notes:
            lines.append(f"  {name}: " + "; ".join(notes))
    gen_f = res["firstline"].get("cpu_ms_per_event", {}).get("generator")
    srv_b = res["bare"].get("cpu_ms_per_event", {}).get("server")
    if gen_f is not None and srv_b is not None:
        lines.append(
            f"  generator CPU per event {gen_f:.1f} ms for {s['sockets']:,} receives "
            f"({gen_f / s['sockets'] * 1000:.1f} µs each); bare server {srv_b:.1f} ms per broadcast"
        )
    lines += server_problem_lines(report)
    prof = report.get("profile")
    if prof:
        lines += ["", spy.render(prof).replace("the intake server", "the Firstline server during fan-out")]
    elif report.get("profile_log"):
        lines += ["", "profile: " + report["profile_log"][-500:]]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(generator_main())
