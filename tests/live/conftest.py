"""Real servers on real sockets: uvicorn in a thread (one instance) or subprocesses (several)."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn

from app.main import create_app
from app.settings import Settings

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ThreadServer:
    def __init__(self, app, port: int) -> None:  # type: ignore[no-untyped-def]
        self.port = port
        self.app = app
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", ws="websockets-sansio"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> "ThreadServer":
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("test server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)

    @property
    def http(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws(self) -> str:
        return f"ws://127.0.0.1:{self.port}"


@pytest.fixture
def server(settings: Settings, region, db) -> Iterator[ThreadServer]:  # type: ignore[no-untyped-def]
    settings = Settings(**{**{f: getattr(settings, f) for f in settings.__struct_fields__}, "chat_idle_seconds": 30.0})
    with ThreadServer(create_app(settings, region), free_port()) as s:
        yield s


@pytest.fixture
async def http(server: ThreadServer):  # type: ignore[no-untyped-def]
    async with httpx.AsyncClient(base_url=server.http, timeout=10) as c:
        yield c


# `firstline serve` refuses the development secrets: test servers get their own
TEST_SECRETS = {
    "FIRSTLINE_SECRET_KEY": "live-test-secret-key-that-is-at-least-32-bytes",
    "FIRSTLINE_WEBHOOK_SECRET": "test-webhook-secret",
}


def start_process(port: int, env: dict[str, str]) -> subprocess.Popen[bytes]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, **TEST_SECRETS, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"server exited: {proc.stdout.read().decode() if proc.stdout else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("server did not become ready")


def import_demo_patients(env: dict[str, str]) -> None:
    """The demo patients into the database the processes of `env` will use."""
    subprocess.run(
        [sys.executable, "-m", "app.cli", "import-patients", "ops/demo/patients.csv"],
        check=True, cwd=ROOT, env={**os.environ, **env}, capture_output=True,
    )  # fmt: skip


def redis_url_or_skip() -> str:
    url = os.environ.get("FIRSTLINE_TEST_REDIS", "redis://127.0.0.1:6379/0")

    async def ping() -> None:
        from redis.asyncio import Redis

        r = Redis.from_url(url, socket_connect_timeout=2)
        try:
            await r.ping()
        finally:
            await r.aclose()

    try:
        asyncio.run(ping())
    except Exception as exc:  # noqa: BLE001
        message = f"Redis not reachable at {url} ({type(exc).__name__}); multi-instance test skipped"
        if os.environ.get("FIRSTLINE_REQUIRE_SERVICES") == "1":
            pytest.fail(message + " — but FIRSTLINE_REQUIRE_SERVICES=1 requires it", pytrace=False)
        pytest.skip(message)
    return url
