"""ops/deploy: nginx (rendered by run-local.sh from nginx.conf.template) in front of two
`firstline serve` processes on one PostgreSQL and one Redis. A signed callback through nginx
arrives live on a socket connected to an instance directly and on one through nginx.

Needs nginx (Debian: nginx-light or nginx); skipped without it — unless FIRSTLINE_REQUIRE_SERVICES=1.
"""

from __future__ import annotations

import asyncio
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.live.conftest import ROOT, free_port
from tests.live.test_inbox_stream import call, connect, login, next_event
from tests.live.test_instances import At, redis_url, shared_pg, two_instances  # noqa: F401 - fixtures
from tests.tools import tool_or_skip

RUN_LOCAL = ROOT / "ops" / "deploy" / "run-local.sh"


class Through:
    def __init__(self, port: int) -> None:
        self.ws = f"ws://127.0.0.1:{port}"
        self.http = f"http://127.0.0.1:{port}"


@pytest.fixture
def nginx(tmp_path: Path, two_instances) -> Iterator[int]:  # type: ignore[no-untyped-def]  # noqa: F811
    binary = tool_or_skip("nginx", "nginx-light")
    prefix, port = tmp_path / "nginx", free_port()
    subprocess.run(["bash", str(RUN_LOCAL), "--render", str(prefix), str(port), *map(str, two_instances)], check=True, capture_output=True)
    conf = prefix / "nginx.conf"
    checked = subprocess.run([binary, "-p", str(prefix), "-c", str(conf), "-t"], capture_output=True, text=True)
    assert checked.returncode == 0, checked.stderr
    subprocess.run([binary, "-p", str(prefix), "-c", str(conf)], check=True, capture_output=True)
    try:
        deadline = time.monotonic() + 15
        while True:
            try:
                if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            assert time.monotonic() < deadline, (prefix / "error.log").read_text() if (prefix / "error.log").exists() else "no log"
            time.sleep(0.1)
        yield port
    finally:
        subprocess.run([binary, "-p", str(prefix), "-c", str(conf), "-s", "stop"], capture_output=True)


def test_a_callback_through_nginx_arrives_live_on_both_paths(nginx: int, two_instances) -> None:  # type: ignore[no-untyped-def]  # noqa: F811
    direct, proxied = At(two_instances[1]), Through(nginx)

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=proxied.http) as via, httpx.AsyncClient(base_url=direct.http) as on_b:
            ws_direct, _, _ = await connect(direct, await login(on_b, "aino"))
            ws_proxied, _, _ = await connect(proxied, await login(via, "aino"))  # the Upgrade passes nginx
            created = await call(via, "nginx-1")
            for ws in (ws_direct, ws_proxied):
                event = await next_event(ws, timeout=10)
                assert event["type"] == "case.created" and event["case_id"] == created["case_id"]
            # requests spread over both instances, each answering from the same database
            seen = [(await via.get("/readyz")).status_code for _ in range(4)]
            assert seen == [200] * 4
            # the metrics are for Prometheus scraping each instance, never through the proxy
            assert (await via.get("/metrics")).status_code == 403
            await ws_direct.close()
            await ws_proxied.close()

    asyncio.run(scenario())
