"""SPEC §15, the database going away under load (PostgreSQL): a TCP proxy between a real
`firstline serve` and PostgreSQL is cut while clients send signed callback requests, then lets
traffic through again. The machine's PostgreSQL is never touched (other suites share it).

While the proxy is cut every answer is 503 with Retry-After, or a 2xx that was committed —
never a 500, never a 2xx that is lost, never a half-written case; once traffic passes again the
same server process recovers on its own, and everything acknowledged is in the database.
After a restart or a failover of the database, the first request of each kind succeeds.
"""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import httpx
import pytest
import websockets
from sqlalchemy.engine import make_url

from app.db.engine import IDLE_CHECK_SECONDS

from tests.live.conftest import free_port, start_process
from tests.live.load import Load, committed, drive, fresh_pg, post
from tests.live.test_inbox_stream import connect, login
from tests.live.test_instances import At

CLIENTS = 8
PHASE_ACKS = 40  # acknowledged before the cut, and again after it is mended


class TcpProxy:
    """A TCP relay on its own event loop (the server under test is another process): `cut()`
    resets every relayed connection and turns new ones away until `mend()`."""

    def __init__(self, host: str, port: int) -> None:
        self.target = (host, port)
        self.down = False
        self.port = 0
        self.accepted = 0
        self.turned_away = 0
        self._conns: set[asyncio.StreamWriter] = set()
        self._pairs: list[dict[str, Any]] = []
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)
        self._server: asyncio.AbstractServer | None = None

    def __enter__(self) -> "TcpProxy":
        self._thread.start()
        self._server = self._call(asyncio.start_server(self._relay, "127.0.0.1", 0))
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def __exit__(self, *exc: object) -> None:
        async def close() -> None:
            assert self._server is not None
            self._server.close()
            self._abort_all()

        self._call(close())
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=10)

    def _call(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self._loop).result(timeout=10)

    def cut(self) -> None:
        async def cut() -> None:
            self.down = True
            self._abort_all()

        self._call(cut())

    def mend(self) -> None:
        async def mend() -> None:
            self.down = False

        self._call(mend())

    def _abort_all(self) -> None:
        for writer in list(self._conns):
            writer.transport.abort()  # RST, as a dead link or a killed database looks to the driver
        self._conns.clear()
        self._pairs.clear()

    async def _relay(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        if self.down:
            self.turned_away += 1
            writer.transport.abort()
            return
        try:
            up_reader, up_writer = await asyncio.open_connection(*self.target)
        except OSError:
            writer.transport.abort()
            return
        self.accepted += 1
        self._conns |= {writer, up_writer}
        pair = {"stale": False, "up": up_writer}
        self._pairs.append(pair)

        async def pipe(src: asyncio.StreamReader, dst: asyncio.StreamWriter, to_database: bool) -> None:
            try:
                while data := await src.read(65536):
                    if pair["stale"] and to_database:
                        writer.transport.abort()  # the new primary knows no such connection: RST
                        return
                    dst.write(data)
                    await dst.drain()
            except (OSError, asyncio.IncompleteReadError):
                pass
            finally:
                if not (pair["stale"] and not to_database):  # a failover tells the client nothing
                    dst.transport.abort()

        await asyncio.gather(pipe(reader, up_writer, True), pipe(up_reader, writer, False))
        self._conns -= {writer, up_writer}

    def failover(self) -> None:
        """The database moved (a standby promoted behind the same address): every relayed
        connection's server end is gone, but its client learns that only when it next sends
        (an RST from a host that knows no such connection). New connections go through."""

        async def failover() -> None:
            for pair in self._pairs:
                pair["stale"] = True
                pair["up"].transport.abort()
            self._pairs.clear()

        self._call(failover())


@pytest.fixture
def outage_db(pg_url: str):  # type: ignore[no-untyped-def]
    url, drop = asyncio.run(fresh_pg(pg_url))
    try:
        yield url
    finally:
        asyncio.run(drop())


def test_a_database_outage_answers_503_and_recovers_without_a_restart(outage_db: str) -> None:
    direct = make_url(outage_db)
    with TcpProxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy:
        through = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        port = free_port()
        proc = start_process(port, {"FIRSTLINE_DATABASE_URL": through, "FIRSTLINE_RUN_JOBS": "0"})
        base = f"http://127.0.0.1:{port}"
        load = Load()
        phase = "up"
        answers: dict[str, list[tuple[int | None, str | None]]] = {"up": [], "down": [], "mended": []}
        acked_at_mend = 0
        before_retry: dict[str, Any] = {}
        retried: dict[str, int] = {}

        async def record(r: httpx.Response | None) -> None:
            answers[phase].append((None, None) if r is None else (r.status_code, r.headers.get("retry-after")))
            if phase == "down":
                await asyncio.sleep(0.02)  # 503s are quick: keep the clients from spinning

        async def scenario() -> None:
            nonlocal phase, acked_at_mend
            deadline = time.monotonic() + 45

            def keep_going() -> bool:
                return time.monotonic() < deadline and not (phase == "mended" and len(load.acked) - acked_at_mend >= PHASE_ACKS)

            clients = asyncio.create_task(drive(base, load, CLIENTS, keep_going, on_answer=record))
            while len(load.acked) < PHASE_ACKS and not clients.done():
                await asyncio.sleep(0.01)
            await asyncio.to_thread(proxy.cut)
            phase = "down"
            while sum(1 for s, _ in answers["down"] if s == 503) < 3 * CLIENTS and not clients.done():
                await asyncio.sleep(0.05)
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                ready = await http.get("/readyz")
                assert ready.status_code == 503, ready.text
            acked_at_mend = len(load.acked)
            await asyncio.to_thread(proxy.mend)
            phase = "mended"
            await clients
            async with httpx.AsyncClient(base_url=base, timeout=10) as http:
                assert (await http.get("/readyz")).status_code == 200  # the same process, no restart
            # A 503 may follow a commit whose reply the cut swallowed: the retry the 503 asks for
            # gets the stored answer (200), never a second case.
            before_retry.update(await committed(outage_db, load.run))
            async with httpx.AsyncClient(timeout=15) as http:
                for call_id, body in load.sent.items():
                    if call_id not in load.acked:
                        retried[call_id] = (await post(http, base, body)).status_code

        try:
            asyncio.run(scenario())
            assert proc.poll() is None, "the server died during the outage"
        finally:
            proc.terminate()
            proc.wait(timeout=20)

    stored = asyncio.run(committed(outage_db, load.run))  # read directly, not through the proxy
    down = answers["down"]
    bad = [a for a in down if not (a[0] == 503 and a[1] is not None) and not (a[0] is not None and 200 <= a[0] < 300)]
    assert not bad, f"answers while the database was cut that were neither a 503 with Retry-After nor a 2xx: {bad[:10]}"
    assert sum(1 for s, _ in down if s == 503) >= 3 * CLIENTS
    everywhere = [s for phase_answers in answers.values() for s, _ in phase_answers]
    assert 500 not in everywhere and None not in everywhere, sorted(set(map(str, everywhere)))
    assert len(load.acked) - acked_at_mend >= PHASE_ACKS, "no recovery after the database came back"
    lost = [c for c in load.acked if c not in stored["contacts"]]
    assert not lost, f"acknowledged but not stored: {lost[:5]} (of {len(lost)})"
    half = [(c, rows) for c, rows in stored["contacts"].items() if len(rows) != 1 or not (rows[0]["case"] and rows[0]["event"])]
    assert not half, half[:5]
    for call_id, answer in load.acked.items():
        assert stored["contacts"][call_id][0]["case_id"] == answer["case_id"]
    for call_id, status in retried.items():
        assert status == (200 if call_id in before_retry["contacts"] else 202), (call_id, status)
    final = asyncio.run(committed(outage_db, load.run))
    assert set(final["contacts"]) == set(load.sent) and all(len(rows) == 1 for rows in final["contacts"].values())
    assert len(final["cases_by_caller"]) == len(load.sent), "a retry made a second case"
    acked_down = sum(1 for s, _ in down if s is not None and 200 <= s < 300)
    print(
        f"\noutage: sent {len(load.sent)}, acknowledged {len(load.acked)} (while cut {acked_down}), "
        f"503 while cut {sum(1 for s, _ in down if s == 503)}, acknowledged after mending {len(load.acked) - acked_at_mend}, "
        f"found {sum(1 for c in load.acked if c in stored['contacts'])}, stored without an answer "
        f"{len(set(before_retry['contacts']) - set(load.acked))}, retried {len(retried)} (new {sum(s == 202 for s in retried.values())}); proxy connections {proxy.accepted}, turned away {proxy.turned_away}"
    )


@pytest.mark.parametrize("how", ["restart", "failover"])
def test_the_first_request_of_each_kind_after_the_database_returns_succeeds(outage_db: str, how: str) -> None:
    """Every pooled connection dies while nothing uses it. `restart`: PostgreSQL goes away for
    a moment and the pools see their connections closed; `failover`: the database moves and
    the pools' connections look alive until first used. Once the database answers again, the
    very first request of each kind — a webhook (the intake's asyncpg pool), /api reads with a
    session and a live socket (SQLAlchemy's pool) — succeeds: no user meets a dead connection."""
    direct = make_url(outage_db)
    with TcpProxy(direct.host or "127.0.0.1", direct.port or 5432) as proxy:
        through = direct.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        port = free_port()
        proc = start_process(port, {"FIRSTLINE_DATABASE_URL": through, "FIRSTLINE_RUN_JOBS": "0"})
        server = At(port)
        load = Load()

        async def reads(http: httpx.AsyncClient, token: str, n: int) -> list[int]:
            """n concurrent inbox reads: as many pooled connections as the requests overlap."""
            headers = {"Authorization": f"Bearer {token}"}
            answers = await asyncio.gather(*(http.get("/api/inbox?queue=all", headers=headers) for _ in range(n)))
            return [r.status_code for r in answers]

        async def live(token: str) -> str:
            try:
                ws, _, _ = await connect(server, token)  # hello, replay, ready: database reads
            except websockets.ConnectionClosed as closed:
                return f"closed {closed.rcvd.code if closed.rcvd else None}"
            await ws.close()
            return "ready"

        async def fill_and_kill(http: httpx.AsyncClient, token: str) -> None:
            """Fill both pools with connections, then kill every one of them."""
            assert {(await post(http, server.http, load.next())).status_code for _ in range(3)} == {202}
            assert set(await reads(http, token, 6)) == {200}
            assert await live(token) == "ready"
            if how == "restart":
                await asyncio.to_thread(proxy.cut)  # every connection reset, new ones refused
                down = await post(http, server.http, load.next())
                assert down.status_code == 503 and down.headers.get("retry-after"), down.text
                await asyncio.to_thread(proxy.mend)  # the database is back
            else:
                await asyncio.to_thread(proxy.failover)
                # A failover takes its seconds; the pools' connections sit idle meanwhile.
                await asyncio.sleep(IDLE_CHECK_SECONDS + 0.5)

        async def scenario() -> dict[str, Any]:
            async with httpx.AsyncClient(base_url=server.http, timeout=15) as http:
                token = await login(http, "aino")  # no database: the region file and a signed token
                # One round with the live socket first, one with a webhook and reads at once:
                # the first failure on SQLAlchemy's pool would hide the next ones.
                await fill_and_kill(http, token)
                socket = await live(token)
                await fill_and_kill(http, token)
                hook, inbox = await asyncio.gather(post(http, server.http, load.next()), reads(http, token, 6))
                return {"webhook": hook.status_code, "inbox": inbox, "live": socket}

        try:
            first = asyncio.run(scenario())
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    assert first == {"webhook": 202, "inbox": [200] * 6, "live": "ready"}, first
