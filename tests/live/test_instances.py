"""Several app processes: events cross instances through Redis; shutdown closes sockets with 1012."""

from __future__ import annotations

import asyncio
import json
import signal
import uuid

import httpx
import pytest
import websockets

from tests.conftest import _pg_exec
from tests.live.conftest import free_port, import_demo_patients, redis_url_or_skip, start_process
from tests.live.test_inbox_stream import call, connect, login, next_event


@pytest.fixture
def redis_url() -> str:
    return redis_url_or_skip()


@pytest.fixture
def shared_pg(pg_url: str) -> str:
    """A database of its own for the processes (they migrate it themselves on start)."""
    plain = pg_url.replace("postgresql+asyncpg://", "postgresql://", 1)
    base, _, _ = plain.rpartition("/")
    name = f"firstline_multi_{uuid.uuid4().hex[:8]}"
    asyncio.run(_pg_exec(f"{base}/test", f'CREATE DATABASE "{name}"'))
    yield f"{base}/{name}".replace("postgresql://", "postgresql+asyncpg://", 1)
    asyncio.run(_pg_exec(f"{base}/test", f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
def two_instances(shared_pg: str, redis_url: str):  # type: ignore[no-untyped-def]
    """Two `firstline serve` processes on two ports sharing one PostgreSQL and one Redis."""
    env = {
        "FIRSTLINE_DATABASE_URL": shared_pg,
        "FIRSTLINE_REDIS_URL": redis_url,
        "FIRSTLINE_WEBHOOK_SECRET": "test-webhook-secret",
        # per run: rate-limit counters in the shared Redis are keyed with it (other runs' don't count)
        "FIRSTLINE_SECRET_KEY": f"multi-instance-test-secret-{uuid.uuid4().hex}",
        "FIRSTLINE_RUN_JOBS": "0",
    }
    import_demo_patients(env)
    ports = (free_port(), free_port())
    procs = [start_process(port, env) for port in ports]
    try:
        yield ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)


class At:
    def __init__(self, port: int) -> None:
        self.ws = f"ws://127.0.0.1:{port}"
        self.http = f"http://127.0.0.1:{port}"


def test_event_made_on_one_instance_reaches_a_socket_on_the_other(two_instances) -> None:  # type: ignore[no-untyped-def]
    a, b = (At(p) for p in two_instances)

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=a.http) as on_a, httpx.AsyncClient(base_url=b.http) as on_b:
            ws_b, _, _ = await connect(b, await login(on_b, "aino"))
            created = await call(on_a, "multi-1")
            event = await next_event(ws_b, timeout=10)
            assert event["type"] == "case.created" and event["case_id"] == created["case_id"]
            # ...and the reverse direction: a claim on B reaches a socket on A.
            ws_a, _, _ = await connect(a, await login(on_a, "aino"))
            token_b = await login(on_b, "aino")
            r = await on_b.post(f"/api/cases/{created['case_id']}/claim", headers={"Authorization": f"Bearer {token_b}"})
            assert r.status_code == 200
            assert (await next_event(ws_a, timeout=10))["type"] == "case.claimed"
            assert (await next_event(ws_b, timeout=10))["type"] == "case.claimed"
            await ws_a.close()
            await ws_b.close()

    asyncio.run(scenario())


def test_a_chat_across_two_instances(two_instances) -> None:  # type: ignore[no-untyped-def]
    """The visitor talks to A, the nurse works on B; the visitor drops and resumes on B."""
    a, b = (At(p) for p in two_instances)

    async def frames_until(ws, kind: str) -> list[dict]:  # type: ignore[no-untyped-def]
        seen = []
        while True:
            seen.append(json.loads(await asyncio.wait_for(ws.recv(), 10)))
            if seen[-1]["type"] == kind:
                return seen

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=b.http) as on_b:
            nurse = {"Authorization": f"Bearer {await login(on_b, 'aino')}"}
            live_b, _, _ = await connect(b, nurse["Authorization"].split()[1])
            visitor = await websockets.connect(f"{a.ws}/channels/chat/ws?unit=kajaani&lang=fi")
            await visitor.send(json.dumps({"type": "start", "form": {"reason": "Kysymys rokotteista"}}))
            session = (await frames_until(visitor, "queued"))[0]
            assert (await next_event(live_b, timeout=10))["case_id"] == session["case_id"]  # A's chat on B's stream
            assert (await on_b.post(f"/api/cases/{session['case_id']}/claim", headers=nurse)).status_code == 200
            await frames_until(visitor, "joined")
            await on_b.post(f"/api/cases/{session['case_id']}/messages", json={"text": "Hei!"}, headers=nurse)
            hello = (await frames_until(visitor, "message"))[-1]
            assert hello["text"] == "Hei!"
            await visitor.close()
            for text in ("Rokotukset tiistaisin.", "Tervetuloa!"):
                await on_b.post(f"/api/cases/{session['case_id']}/messages", json={"text": text}, headers=nurse)
            visitor = await websockets.connect(f"{b.ws}/channels/chat/ws?unit=kajaani&lang=fi")
            await visitor.send(json.dumps({"type": "resume", "session_token": session["session_token"], "last_seq": hello["seq"]}))
            got = await frames_until(visitor, "joined")
            assert [f["text"] for f in got if f["type"] == "message"] == ["Rokotukset tiistaisin.", "Tervetuloa!"]
            async with httpx.AsyncClient(base_url=a.http) as on_a:
                nurse_a = {"Authorization": f"Bearer {await login(on_a, 'aino')}"}
                r = await on_a.post(f"/api/cases/{session['case_id']}/resolve", json={"outcome": "ADVICE"}, headers=nurse_a)
                assert r.status_code == 200
            assert (await frames_until(visitor, "closed"))[-1]["survey_url"]
            await live_b.close()

    asyncio.run(scenario())


def test_shutdown_closes_sockets_with_1012(tmp_path) -> None:  # type: ignore[no-untyped-def]
    port = free_port()
    env = {"FIRSTLINE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/s.db", "FIRSTLINE_RUN_JOBS": "0",
           "FIRSTLINE_SECRET_KEY": "shutdown-test-secret-key-that-is-32-bytes"}
    proc = start_process(port, env)
    try:

        async def scenario() -> int:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as http:
                token = await login(http, "aino")
            ws = await websockets.connect(f"ws://127.0.0.1:{port}/api/live")
            await ws.send(json.dumps({"type": "hello", "token": token, "since": 0}))
            while json.loads(await ws.recv())["type"] != "ready":
                pass
            proc.send_signal(signal.SIGTERM)
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await asyncio.wait_for(ws.recv(), 10)
            return closed.value.rcvd.code

        assert asyncio.run(scenario()) == 1012
    finally:
        proc.kill()
        proc.wait(timeout=10)
