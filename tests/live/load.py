"""Load for the fault tests: concurrent clients sending signed callback requests, each with its
own call id and caller (no two requests merge), recording what was acknowledged."""

from __future__ import annotations

import asyncio
import json
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import websockets

from app.db.engine import make_engine
from app.security.webhooks import sign
from tests.conftest import _pg_exec
from tests.live.conftest import TEST_SECRETS

KAJAANI = "+35886150000"
PATH = "/channels/phone/callback-requests"
SECRET = TEST_SECRETS["FIRSTLINE_WEBHOOK_SECRET"]


def payload(run: str, n: int) -> dict[str, Any]:
    """Request n of a run: a unique call id and an unknown caller of its own (overflow queue)."""
    return {"call_id": f"{run}-{n:05d}", "caller": f"+35840{7_000_000 + n:07d}", "dialed": KAJAANI, "line": 1}


async def post(http: httpx.AsyncClient, base: str, body: dict[str, Any]) -> httpx.Response:
    """One signed callback request (signed now: a retry after a restart is signed afresh)."""
    raw = json.dumps(body).encode()
    headers = {"Content-Type": "application/json", "X-Firstline-Signature": sign(SECRET, raw)}
    return await http.post(base + PATH, content=raw, headers=headers)


@dataclass
class Load:
    """What the clients sent and what they were told."""

    run: str = field(default_factory=lambda: uuid.uuid4().hex[:8])
    sent: dict[str, dict[str, Any]] = field(default_factory=dict)  # call id → payload
    acked: dict[str, dict[str, Any]] = field(default_factory=dict)  # call id → the 2xx body
    statuses: dict[int, int] = field(default_factory=dict)  # non-2xx answers by status
    failed: int = 0  # no answer at all (connection refused, reset, timed out)
    numbers: int = 0

    def next(self) -> dict[str, Any]:
        self.numbers += 1
        body = payload(self.run, self.numbers)
        self.sent[body["call_id"]] = body
        return body


async def drive(
    base: str | Callable[[], str],
    load: Load,
    clients: int,
    keep_going: Callable[[], bool],
    on_answer: Callable[[httpx.Response | None], Awaitable[None]] | None = None,
    pause: float = 0.0,
) -> None:
    """`clients` concurrent clients, each with its own connection, sending one request after
    another while keep_going(); every answer (None: no answer) goes to on_answer."""

    async def client() -> None:
        async with httpx.AsyncClient(timeout=15, limits=httpx.Limits(max_connections=1)) as http:
            while keep_going():
                body = load.next()
                url = base() if callable(base) else base
                try:
                    r: httpx.Response | None = await post(http, url, body)
                except httpx.HTTPError:
                    r = None
                    load.failed += 1
                if r is not None:
                    if 200 <= r.status_code < 300:
                        load.acked[body["call_id"]] = r.json()
                    else:
                        load.statuses[r.status_code] = load.statuses.get(r.status_code, 0) + 1
                if on_answer is not None:
                    await on_answer(r)
                if r is None or pause:
                    await asyncio.sleep(pause or 0.05)

    await asyncio.gather(*(client() for _ in range(clients)))


async def committed(database_url: str, run: str) -> dict[str, Any]:
    """What the database holds of a run: contacts by call id (with their case and whether that
    case exists and has its case.created event), and every event (seq, type, queue, case)."""
    from sqlalchemy import select

    from app.db import schema as t

    engine = make_engine(database_url, pool_size=2)
    try:
        async with engine.connect() as conn:
            c, k, e = t.contacts.c, t.cases.c, t.events.c
            rows = (
                await conn.execute(
                    select(c.external_id, c.id, c.case_id, k.id, k.caller_phone).select_from(
                        t.contacts.outerjoin(t.cases, k.id == c.case_id)
                    ).where(c.external_id.like(f"{run}-%"))
                )
            ).all()
            events = (await conn.execute(select(e.seq, e.type, e.queue, e.case_id).order_by(e.seq))).all()
            cases_by_caller = (
                await conn.execute(select(k.caller_phone, k.id).where(k.caller_phone.like("+358407%")))
            ).all()
    finally:
        await engine.dispose()
    created = {case_id for _, type_, _, case_id in events if type_ == "case.created"}
    contacts: dict[str, list[dict[str, Any]]] = {}
    for call_id, contact_id, case_id, found_case, _ in rows:
        contacts.setdefault(call_id, []).append(
            {"contact_id": contact_id, "case_id": case_id, "case": found_case is not None, "event": case_id in created}
        )
    return {"contacts": contacts, "events": [tuple(r) for r in events], "cases_by_caller": [tuple(r) for r in cases_by_caller]}


async def fresh_pg(pg_url: str) -> tuple[str, Callable[[], Awaitable[None]]]:
    """A new, empty PostgreSQL database beside the test one (the server migrates it), and how to drop it."""
    plain = pg_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    base, _, admin_db = plain.rpartition("/")
    name = f"firstline_faults_{uuid.uuid4().hex[:8]}"
    await _pg_exec(plain, f'CREATE DATABASE "{name}"')

    async def drop() -> None:
        await _pg_exec(plain, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    return f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1), drop


class LiveClient:
    """A professional's `/api/live` socket that records every event seq it is sent."""

    def __init__(self, ws_base: str, token: str) -> None:
        self.ws_base = ws_base
        self.token = token
        self.seqs: list[int] = []
        self.ready_seq: int | None = None
        self.task: asyncio.Task[None] | None = None

    async def start(self, since: int = 0) -> None:
        ready = asyncio.get_running_loop().create_future()
        self.task = asyncio.create_task(self._run(since, ready))
        await asyncio.wait_for(ready, 15)

    async def _run(self, since: int, ready: asyncio.Future[None]) -> None:
        try:
            async with websockets.connect(f"{self.ws_base}/api/live", max_size=None) as ws:
                await ws.send(json.dumps({"type": "hello", "token": self.token, "since": since}))
                async for raw in ws:
                    frame = json.loads(raw)
                    if frame.get("type") == "ready":
                        self.ready_seq = frame["seq"]
                        if not ready.done():
                            ready.set_result(None)
                    elif "seq" in frame:
                        self.seqs.append(frame["seq"])
        except (OSError, websockets.ConnectionClosed):
            pass  # the server was killed: what was received is what counts
        finally:
            if not ready.done():
                ready.set_exception(RuntimeError("live socket closed before ready"))

    async def stop(self) -> None:
        if self.task is not None:
            self.task.cancel()
            await asyncio.gather(self.task, return_exceptions=True)
