"""HTTP load generator, run as its own process: `python -m ops.bench.loadgen < config.json`.

Reads one JSON config on stdin, runs one measurement, prints one JSON result on stdout.

Why a separate process: the generator must not share the server's event loop or GIL. On a
2-core machine it still shares the CPUs with the server and PostgreSQL; it reports its own CPU
use (and the server's and PostgreSQL's, read from /proc) so a reader can see who was busy.

Why raw HTTP/1.1 over asyncio streams (on uvloop when installed) instead of httpx: the
generator's cost per request must stay well below the server's, and httpx spends several
hundred microseconds of Python per request, comparable to what a bare Litestar endpoint
costs. Here a request is one pre-formatted bytes object and a response is one `readuntil`
plus one `readexactly`: a few tens of microseconds.

Modes:

- "closed": `concurrency` workers, each with its own keep-alive connection, send the next
  request as soon as the previous answer arrives, for `warmup` + `seconds`. Requests *started*
  after the warm-up are recorded. Throughput = 2xx answers / time from the end of the warm-up to
  the last recorded answer.
- "open": requests are scheduled by the clock at `rate` per second, whether or not earlier
  ones have answered (open loop), each on an idle keep-alive connection from a pool that grows
  as needed (up to `max_connections`). Latency is measured from the *scheduled* send time, so a
  server stall shows up in the latency of every request that should have been sent during it
  (no coordinated omission). `dispatch_lag_ms` shows how late the generator itself was.

Requests: signed phone callback requests (see app/security/webhooks.py), one unique call_id
each; `known_fraction` of them come from `callers` (walked in order from `caller_offset`, so
patients repeat only after the whole list is used), the rest from unknown numbers (+35841…,
a range no patient has).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import os
import random
import sys
import time
from collections import Counter, deque
from typing import Any

perf = time.perf_counter
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- requests ---------------------------------------------------------------------------------


class RequestFactory:
    def __init__(self, cfg: dict[str, Any]) -> None:
        self.secret = cfg["secret"].encode()
        self.callers: list[str] = cfg["callers"]
        self.offset = int(cfg.get("caller_offset", 0))
        self.known_fraction = float(cfg.get("known_fraction", 0.8))
        self.dialed = cfg.get("dialed", "+35886150000")
        self.line = int(cfg.get("line", 1))
        self.prefix = cfg["call_id_prefix"]
        self.rng = random.Random(cfg.get("seed", 1))
        self.head = (
            f"POST {cfg['path']} HTTP/1.1\r\nHost: {cfg['host']}:{cfg['port']}\r\n"
            "Content-Type: application/json\r\nAccept: application/json\r\n"
        ).encode()
        self.sent = 0
        self.known_used = 0
        self._ts = 0
        self._ts_prefix = b""

    def next(self) -> bytes:
        n = self.sent
        self.sent += 1
        if self.callers and self.rng.random() < self.known_fraction:
            caller = self.callers[(self.offset + self.known_used) % len(self.callers)]
            self.known_used += 1
        else:
            caller = "+35841%07d" % self.rng.randrange(10_000_000)
        body = (
            '{"call_id":"%s-%d","caller":"%s","dialed":"%s","line":%d}' % (self.prefix, n, caller, self.dialed, self.line)
        ).encode()
        ts = int(time.time())
        if ts != self._ts:
            self._ts, self._ts_prefix = ts, b"%d." % ts
        mac = hmac.new(self.secret, self._ts_prefix + body, hashlib.sha256).hexdigest()
        return b"".join(
            (
                self.head,
                b"Content-Length: %d\r\nX-Firstline-Signature: t=%d,v1=%s\r\n\r\n" % (len(body), ts, mac.encode()),
                body,
            )
        )


# --- one keep-alive HTTP/1.1 connection -------------------------------------------------------


class Connection:
    __slots__ = ("reader", "writer")

    def __init__(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self.reader = reader
        self.writer = writer

    @classmethod
    async def open(cls, host: str, port: int) -> "Connection":
        reader, writer = await asyncio.open_connection(host, port, limit=1 << 20)
        return cls(reader, writer)

    async def request(self, data: bytes) -> tuple[int, bytes, bool]:
        """Send one request; returns (status, body, server_closes)."""
        self.writer.write(data)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head[9:12])
        lower = head.lower()
        i = lower.find(b"\r\ncontent-length:")
        if i >= 0:
            j = lower.index(b"\r\n", i + 2)
            body = await self.reader.readexactly(int(lower[i + 17 : j]))
        elif b"\r\ntransfer-encoding: chunked" in lower:
            body = await self._chunked()
        else:
            body = b""
        return status, body, b"\r\nconnection: close" in lower

    async def _chunked(self) -> bytes:
        parts = []
        while True:
            size = int((await self.reader.readuntil(b"\r\n")).split(b";")[0], 16)
            if size == 0:
                await self.reader.readuntil(b"\r\n")
                return b"".join(parts)
            parts.append((await self.reader.readexactly(size + 2))[:-2])

    def close(self) -> None:
        try:
            self.writer.close()
        except Exception:  # noqa: BLE001
            pass


IDLE_MAX = 3.0  # seconds; below uvicorn's default keep-alive timeout (5 s)
IO_ERRORS = (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, TimeoutError, ValueError)


# --- results ----------------------------------------------------------------------------------


class Recorder:
    def __init__(self) -> None:
        self.latencies: list[float] = []
        self.ok = 0
        self.errors: Counter[str] = Counter()
        self.samples: list[str] = []
        self.last_done = 0.0

    def result(self, status: int | None, body: bytes | str, latency: float, done: float) -> None:
        self.latencies.append(latency)
        self.last_done = max(self.last_done, done)
        if status is not None and 200 <= status < 300:
            self.ok += 1
            return
        key = f"HTTP {status}" if status is not None else str(body)
        self.errors[key] += 1
        if len(self.samples) < 5:
            text = body.decode("utf-8", "replace") if isinstance(body, bytes) else body
            self.samples.append(f"{key}: {text[:300]}")


def percentiles_ms(values: list[float]) -> dict[str, float | None]:
    if not values:
        return {k: None for k in ("p50", "p90", "p99", "p999", "max", "mean")}
    s = sorted(values)
    n = len(s)

    def pct(p: float) -> float:  # nearest rank
        return s[min(n - 1, max(0, int(-(-p * n // 100)) - 1))] * 1000

    return {
        "p50": pct(50),
        "p90": pct(90),
        "p99": pct(99),
        "p999": pct(99.9),
        "max": s[-1] * 1000,
        "mean": sum(s) / n * 1000,
    }


def cpu_seconds(pids: dict[str, int], comms: list[str]) -> dict[str, float]:
    """utime+stime of the watched processes, and the sum over all processes named like `comms`."""
    out: dict[str, float] = {}

    def read(pid: int | str) -> tuple[str, float] | None:
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                data = f.read()
        except OSError:
            return None
        comm = data[data.index(b"(") + 1 : data.rindex(b")")].decode(errors="replace")
        fields = data[data.rindex(b")") + 2 :].split()
        return comm, (int(fields[11]) + int(fields[12])) / CLK_TCK

    for name, pid in pids.items():
        got = read(pid)
        if got is not None:
            out[name] = got[1]
    if comms:
        totals = dict.fromkeys(comms, 0.0)
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                got = read(entry)
                if got is not None and got[0] in totals:
                    totals[got[0]] += got[1]
        out.update(totals)
    t = os.times()
    out["generator"] = t.user + t.system
    out["machine"] = machine_busy_seconds()
    return out


def machine_busy_seconds() -> float:
    """CPU seconds all processes on the machine were busy (all cores; /proc/stat minus idle+iowait)."""
    try:
        with open("/proc/stat", "rb") as f:
            fields = [int(x) for x in f.readline().split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)
    return (sum(fields[:8]) - idle) / CLK_TCK


def cpu_percent(before: dict[str, float], after: dict[str, float], seconds: float) -> dict[str, float]:
    """100 = one core busy. "other" = everything on the machine but the server, PostgreSQL and us."""
    out = {k: round((after[k] - before[k]) / seconds * 100, 1) for k in after if k in before and seconds > 0}
    if "machine" in out:
        ours = sum(v for k, v in out.items() if k != "machine")
        out["other"] = round(max(0.0, out["machine"] - ours), 1)
    return out


# --- the two modes ----------------------------------------------------------------------------


async def closed_loop(cfg: dict[str, Any], factory: RequestFactory) -> dict[str, Any]:
    host, port = cfg["host"], int(cfg["port"])
    concurrency, warmup, seconds = int(cfg["concurrency"]), float(cfg["warmup"]), float(cfg["seconds"])
    timeout = float(cfg.get("timeout", 30))
    rec = Recorder()
    conns = [await Connection.open(host, port) for _ in range(concurrency)]
    begin = perf()
    measure_start = begin + warmup
    end = measure_start + seconds

    async def worker(conn: Connection | None) -> None:
        while True:
            t0 = perf()
            if t0 >= end:
                break
            data = factory.next()
            try:
                if conn is None:
                    conn = await Connection.open(host, port)
                async with asyncio.timeout(timeout):
                    status, body, close = await conn.request(data)
            except IO_ERRORS as exc:
                t1 = perf()
                if t0 >= measure_start:
                    rec.result(None, f"{type(exc).__name__} {exc}".strip(), t1 - t0, t1)
                if conn is not None:
                    conn.close()
                conn = None
                await asyncio.sleep(0.01)
                continue
            t1 = perf()
            if t0 >= measure_start:
                rec.result(status, body, t1 - t0, t1)
            if close:
                conn.close()
                conn = None
        if conn is not None:
            conn.close()

    cpu = {}

    async def cpu_watch() -> None:
        await asyncio.sleep(max(0.0, measure_start - perf()))
        t_a, a = perf(), cpu_seconds(cfg.get("watch_pids", {}), cfg.get("watch_comms", []))
        await asyncio.sleep(max(0.0, end - perf()))
        t_b, b = perf(), cpu_seconds(cfg.get("watch_pids", {}), cfg.get("watch_comms", []))
        cpu.update(cpu_percent(a, b, t_b - t_a))

    await asyncio.gather(cpu_watch(), *(worker(c) for c in conns))
    elapsed = max(rec.last_done, end) - measure_start
    return {
        "mode": "closed",
        "concurrency": concurrency,
        "seconds": round(elapsed, 3),
        "requests": len(rec.latencies),
        "ok": rec.ok,
        "errors": sum(rec.errors.values()),
        "error_kinds": dict(rec.errors),
        "error_samples": rec.samples,
        "throughput": rec.ok / elapsed if elapsed > 0 else 0.0,
        "answered_per_s": len(rec.latencies) / elapsed if elapsed > 0 else 0.0,
        "latency_ms": percentiles_ms(rec.latencies),
        "cpu_percent": cpu,
    }


async def open_loop(cfg: dict[str, Any], factory: RequestFactory) -> dict[str, Any]:
    host, port = cfg["host"], int(cfg["port"])
    rate, warmup, seconds = float(cfg["rate"]), float(cfg["warmup"]), float(cfg["seconds"])
    timeout = float(cfg.get("timeout", 30))
    max_connections = int(cfg.get("max_connections", 512))
    rec = Recorder()
    # (connection, last used). uvicorn closes keep-alive connections idle for 5 s, so one idle for
    # longer than IDLE_MAX is dropped instead of reused (a reused dead one would fail the request).
    idle: deque[tuple[Connection, float]] = deque()
    for _ in range(int(cfg.get("initial_connections", 8))):
        idle.append((await Connection.open(host, port), perf()))
    opened = len(idle)
    slots = asyncio.Semaphore(max_connections)
    lags: list[float] = []
    peak_in_flight = 0
    in_flight = 0

    interval = 1.0 / rate
    total = int(round(rate * (warmup + seconds)))
    start = perf() + 0.01
    measure_start = start + warmup
    end = start + total * interval
    tasks: set[asyncio.Task[None]] = set()

    async def send(scheduled: float, data: bytes) -> None:
        nonlocal opened, in_flight, peak_in_flight
        measured = scheduled >= measure_start
        in_flight += 1
        peak_in_flight = max(peak_in_flight, in_flight)
        try:
            async with slots:
                now = perf()
                while idle and now - idle[0][1] > IDLE_MAX:
                    idle.popleft()[0].close()
                conn = idle.pop()[0] if idle else None
                try:
                    if conn is None:
                        conn = await Connection.open(host, port)
                        opened += 1
                    async with asyncio.timeout(timeout):
                        status, body, close = await conn.request(data)
                except IO_ERRORS as exc:
                    t1 = perf()
                    if measured:
                        rec.result(None, f"{type(exc).__name__} {exc}".strip(), t1 - scheduled, t1)
                    if conn is not None:
                        conn.close()
                    return
                t1 = perf()
                if measured:
                    rec.result(status, body, t1 - scheduled, t1)
                if close:
                    conn.close()
                else:
                    idle.append((conn, t1))
        finally:
            in_flight -= 1

    cpu = {}

    async def cpu_watch() -> None:
        await asyncio.sleep(max(0.0, measure_start - perf()))
        t_a, a = perf(), cpu_seconds(cfg.get("watch_pids", {}), cfg.get("watch_comms", []))
        await asyncio.sleep(max(0.0, end - perf()))
        t_b, b = perf(), cpu_seconds(cfg.get("watch_pids", {}), cfg.get("watch_comms", []))
        cpu.update(cpu_percent(a, b, t_b - t_a))

    watcher = asyncio.ensure_future(cpu_watch())
    for i in range(total):
        scheduled = start + i * interval
        delay = scheduled - perf()
        if delay > 0:
            await asyncio.sleep(delay)
        if scheduled >= measure_start:
            lags.append(max(0.0, perf() - scheduled))
        task = asyncio.ensure_future(send(scheduled, factory.next()))
        tasks.add(task)
        task.add_done_callback(tasks.discard)
    if tasks:
        await asyncio.wait(set(tasks), timeout=timeout + 5)
    await watcher
    for conn, _ in idle:
        conn.close()
    n_measured = sum(1 for i in range(total) if start + i * interval >= measure_start)
    return {
        "mode": "open",
        "rate": rate,
        "seconds": round(end - measure_start, 3),
        "scheduled": n_measured,
        "requests": len(rec.latencies),
        "unanswered": n_measured - len(rec.latencies),
        "ok": rec.ok,
        "errors": sum(rec.errors.values()) + (n_measured - len(rec.latencies)),
        "error_kinds": dict(rec.errors),
        "error_samples": rec.samples,
        # answered per second, counted to the last answer: below `rate` when the server fell behind
        "throughput": rec.ok / (max(rec.last_done, end) - measure_start),
        "answered_per_s": len(rec.latencies) / (max(rec.last_done, end) - measure_start),
        "latency_ms": percentiles_ms(rec.latencies),
        "dispatch_lag_ms": percentiles_ms(lags),
        "connections_opened": opened,
        "peak_in_flight": peak_in_flight,
        "cpu_percent": cpu,
    }


async def run(cfg: dict[str, Any]) -> dict[str, Any]:
    factory = RequestFactory(cfg)
    result = await (closed_loop(cfg, factory) if cfg["mode"] == "closed" else open_loop(cfg, factory))
    # CPU cost per answered request: barely moved by other load on the machine, unlike req/s.
    cpu, rate = result.get("cpu_percent", {}), result["answered_per_s"]
    result["cpu_ms_per_request"] = {
        k: round(cpu[k] / 100 / rate * 1000, 3) for k in ("server", "postgres", "generator") if k in cpu and rate
    }
    result["sent"] = factory.sent
    result["known_used"] = factory.known_used
    return result


def main() -> int:
    cfg = json.load(sys.stdin)
    try:
        import uvloop
    except ImportError:  # pragma: no cover
        result = asyncio.run(run(cfg))
        result["event_loop"] = "asyncio"
    else:
        result = uvloop.run(run(cfg))
        result["event_loop"] = "uvloop"
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
