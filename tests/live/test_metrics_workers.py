"""`firstline serve --workers 2`: whichever worker answers a scrape, it reports every worker's counts."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import httpx
import msgspec
from prometheus_client.parser import text_string_to_metric_families

from app.security.webhooks import sign
from tests.live.conftest import ROOT, free_port

SECRET = "workers-test-webhook-secret"


def test_a_scrape_of_either_worker_sums_both(tmp_path: Path) -> None:
    port = free_port()
    metrics_dir = tmp_path / "metrics"
    env = {
        **os.environ,
        "FIRSTLINE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/w.db",
        "FIRSTLINE_RUN_JOBS": "0",
        "FIRSTLINE_WEBHOOK_SECRET": SECRET,
        "FIRSTLINE_SECRET_KEY": "workers-test-secret-key-that-is-32-bytes",
        "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
    }
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", "2"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while len(list(metrics_dir.glob("counter_*.db"))) < 2 or not _ready(base):
            assert proc.poll() is None, "server exited"
            assert time.monotonic() < deadline, "two workers did not start"
            time.sleep(0.2)
        for i in range(12):  # a connection each, so the kernel spreads them over the workers
            body = msgspec.json.encode({"call_id": f"w-{i}", "caller": "+358409999999", "dialed": "+35886150000", "line": 1})
            r = httpx.post(f"{base}/channels/phone/callback-requests", content=body, timeout=10,
                           headers={"Content-Type": "application/json", "X-Firstline-Signature": sign(SECRET, body)})  # fmt: skip
            assert r.status_code == 202, r.text
        for _ in range(4):  # scrapes land on either worker: each sees all twelve
            text = httpx.get(f"{base}/metrics", timeout=10).text
            total = sum(
                s.value for f in text_string_to_metric_families(text) if f.name == "firstline_contacts" for s in f.samples
                if s.name == "firstline_contacts_total"
            )  # fmt: skip
            assert total == 12
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _ready(base: str) -> bool:
    try:
        return httpx.get(f"{base}/readyz", timeout=1).status_code == 200
    except httpx.HTTPError:
        return False
