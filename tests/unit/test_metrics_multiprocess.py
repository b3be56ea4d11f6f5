"""Several worker processes (`firstline serve --workers N`): counts summed through
PROMETHEUS_MULTIPROC_DIR. prometheus-client picks its multiprocess mode when it is imported, so
each "worker" here is a process of its own."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from prometheus_client.parser import text_string_to_metric_families

from app.cli import prepare_metrics_dir

ROOT = Path(__file__).resolve().parents[2]

WORKER = """
import sys
from app.metrics import Metrics
m = Metrics()
for _ in range(int(sys.argv[1])):
    m.contact_received("phone", "kajaani", 1, "unidentified", merged=False, flags=[])
m.live_connections.labels("inbox").inc()
m.http_requests.labels("GET", "/api/inbox", 200, "firstline").inc()
print(__import__("os").getpid())
"""

SCRAPE = """
from app.metrics import Metrics
print(Metrics().render().decode())
"""


def run(code: str, env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def scrape(env: dict[str, str]) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = run(SCRAPE, env)
    return {(s.name, tuple(sorted(s.labels.items()))): s.value for f in text_string_to_metric_families(text) for s in f.samples}


def test_two_workers_counters_are_summed(tmp_path: Path) -> None:
    env = {"PROMETHEUS_MULTIPROC_DIR": str(tmp_path)}
    first = int(run(WORKER, env, "2"))
    run(WORKER, env, "3")
    values = scrape(env)
    assert values[("firstline_contacts_total", (("channel", "phone"), ("line", "1"), ("unit", "kajaani")))] == 5
    assert values[("firstline_routing_total", (("reason", "unidentified"), ("unit", "kajaani")))] == 5
    http = (("app_name", "firstline"), ("method", "GET"), ("path", "/api/inbox"), ("status_code", "200"))
    assert values[("firstline_http_requests_total", http)] == 2
    assert values[("firstline_live_connections", (("kind", "inbox"),))] == 2
    # a worker that stops (the app's shutdown marks it) no longer adds its open sockets; its counts stay
    run(f"from prometheus_client import multiprocess; multiprocess.mark_process_dead({first})", env)
    values = scrape(env)
    assert values[("firstline_live_connections", (("kind", "inbox"),))] == 1
    assert values[("firstline_contacts_total", (("channel", "phone"), ("line", "1"), ("unit", "kajaani")))] == 5


def test_serve_prepares_the_directory(tmp_path: Path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", "")  # unset, as serve sees it; restored after the test
    assert prepare_metrics_dir(1) is None  # one worker: plain in-process metrics
    made = prepare_metrics_dir(2)
    assert made and Path(made).is_dir() and os.environ["PROMETHEUS_MULTIPROC_DIR"] == made
    Path(made).rmdir()
    stale = tmp_path / "counter_123.db"
    stale.write_bytes(b"old run")
    monkeypatch.setenv("PROMETHEUS_MULTIPROC_DIR", str(tmp_path))
    assert prepare_metrics_dir(1) == str(tmp_path) and not stale.exists()  # a previous run's counts are gone
