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
from tests.live.conftest import free_port, redis_url_or_skip, start_process
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


def test_event_made_on_one_instance_reaches_a_socket_on_the_other(shared_pg: str, redis_url: str) -> None:
    env = {
        "FIRSTLINE_DATABASE_URL": shared_pg,
        "FIRSTLINE_REDIS_URL": redis_url,
        "FIRSTLINE_WEBHOOK_SECRET": "test-webhook-secret",
        "FIRSTLINE_SECRET_KEY": "multi-instance-test-secret-key-32-bytes-long",
        "FIRSTLINE_RUN_JOBS": "0",
    }
    import subprocess
    import sys

    subprocess.run(
        [sys.executable, "-m", "app.cli", "import-patients", "ops/demo/patients.csv"],
        check=True, env={**__import__("os").environ, **env}, capture_output=True,
    )
    a_port, b_port = free_port(), free_port()
    a = start_process(a_port, env)
    b = start_process(b_port, env)
    try:

        class B:
            ws = f"ws://127.0.0.1:{b_port}"

        async def scenario() -> None:
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{a_port}") as on_a, httpx.AsyncClient(
                base_url=f"http://127.0.0.1:{b_port}"
            ) as on_b:
                ws, _, _ = await connect(B, await login(on_b, "aino"))
                created = await call(on_a, "multi-1")
                event = await next_event(ws, timeout=10)
                assert event["type"] == "case.created" and event["case_id"] == created["case_id"]
                # ...and the reverse direction, through a claim on B seen by a socket on A.
                class A:
                    ws = f"ws://127.0.0.1:{a_port}"

                ws_a, _, _ = await connect(A, await login(on_a, "aino"))
                token_b = await login(on_b, "aino")
                r = await on_b.post(f"/api/cases/{created['case_id']}/claim", headers={"Authorization": f"Bearer {token_b}"})
                assert r.status_code == 200
                assert (await next_event(ws_a, timeout=10))["type"] == "case.claimed"
                assert (await next_event(ws, timeout=10))["type"] == "case.claimed"
                await ws.close()
                await ws_a.close()

        asyncio.run(scenario())
    finally:
        for proc in (a, b):
            proc.terminate()
            proc.wait(timeout=20)


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
