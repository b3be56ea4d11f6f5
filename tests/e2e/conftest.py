"""End-to-end fixtures: the real app in a subprocess and a headless Chromium driven by Playwright.

Needs the `playwright` Python package (its wheel bundles the driver; no `playwright install`) and
Debian's chromium at /usr/bin/chromium (`apt-get install chromium`). Where either is missing the
e2e test modules skip themselves with a message that says so — unless FIRSTLINE_REQUIRE_SERVICES=1
(CI), where a missing browser fails the run.

FIRSTLINE_E2E_BASE_URL=http://host:port runs the tests against a server that is already running
(it must have the demo region and demo patients); by default a fresh one is started per session.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from typing import Any
from pathlib import Path

import httpx
import pytest

CHROMIUM = os.environ.get("FIRSTLINE_E2E_CHROMIUM", "/usr/bin/chromium")
REQUIRE = os.environ.get("FIRSTLINE_REQUIRE_SERVICES") == "1"
ROOT = Path(__file__).resolve().parents[2]
DEMO_PATIENTS = ROOT / "ops" / "demo" / "patients.csv"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
E2E_DB = "e2e.db"
E2E_SECRET_KEY = "e2e-secret-key-that-is-at-least-32-bytes-long"  # what the server signs tokens and survey links with


def missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "the playwright package is not installed (pip install playwright)"
    if not Path(CHROMIUM).exists():
        return f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    return None


def require_browser(what: str) -> None:
    """At the top of a browser test module: skip it with the reason when there is no browser —
    unless FIRSTLINE_REQUIRE_SERVICES=1 (CI), where that fails the run."""
    problem = missing()
    if problem:
        if REQUIRE:
            pytest.fail(f"e2e: {problem} — but FIRSTLINE_REQUIRE_SERVICES=1 requires it", pytrace=False)
        pytest.skip(f"{what} skipped: {problem}", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _command(*args: str) -> list[str]:
    script = Path(sys.executable).parent / "firstline"
    return [str(script), *args] if script.exists() else [sys.executable, "-m", "app.cli", *args]


@pytest.fixture(scope="module")
def extra_patients() -> list[Path]:
    """Patient files imported after the demo patients; a test module may override this."""
    return []


@pytest.fixture(scope="module")
def extra_env() -> dict[str, str]:
    """FIRSTLINE_* settings for the server on top of the e2e ones; a test module may override this."""
    return {}


@pytest.fixture(scope="module")
def server_env(tmp_path_factory: pytest.TempPathFactory, extra_env: dict[str, str]) -> dict[str, str]:
    """The environment the module's server runs with; its SQLite file is E2E_DB in the folder."""
    tmp = tmp_path_factory.mktemp("e2e")
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTLINE_")}
    env.update(
        FIRSTLINE_DATABASE_URL=f"sqlite+aiosqlite:///{tmp / E2E_DB}",
        FIRSTLINE_WEBHOOK_SECRET="e2e",
        FIRSTLINE_SECRET_KEY=E2E_SECRET_KEY,  # serve refuses the development default
        FIRSTLINE_RUN_JOBS="0",
        # this checkout's code, not whichever one the shared venv's editable install points at
        PYTHONPATH=os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p),
    )
    env.update(extra_env)
    return env


@pytest.fixture(scope="module")
def base_url(server_env: dict[str, str], extra_patients: list[Path]) -> Iterator[str]:
    given = os.environ.get("FIRSTLINE_E2E_BASE_URL")
    if given:
        yield given.rstrip("/")
        return
    env = server_env
    tmp = Path(env["FIRSTLINE_DATABASE_URL"].removeprefix("sqlite+aiosqlite:///")).parent
    imported = subprocess.run(_command("import-patients", str(DEMO_PATIENTS)), env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert imported.returncode == 0, f"import-patients failed:\n{imported.stdout}\n{imported.stderr}"
    for extra in extra_patients:
        imported = subprocess.run(_command("import-patients", str(extra)), env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert imported.returncode == 0, f"import-patients {extra} failed:\n{imported.stdout}\n{imported.stderr}"
    port = _free_port()
    log_path = tmp / "server.log"
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            _command("serve", "--host", "127.0.0.1", "--port", str(port)), env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None:
                pytest.fail(f"firstline serve exited with {proc.returncode}:\n{log_path.read_text(errors='replace')[-4000:]}")
            try:
                if httpx.get(url + "/readyz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"firstline serve not ready in 60 s:\n{log_path.read_text(errors='replace')[-4000:]}")
            time.sleep(0.2)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="module")  # not session: the sync API keeps an event loop running in this
def browser() -> Iterator[object]:  # thread until it closes, and later tests use asyncio.run
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


# Added to a page before its own scripts: a CSP violation, or an alert() that markup built from
# data would make, is recorded in window.__csp / as a console error the test then fails on.
WATCH_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
});
window.alert = () => { console.error("alert() was called: markup from data ran"); };
"""


@pytest.fixture
def expected_console() -> tuple[str, ...]:
    """Console messages a test provokes on purpose (e.g. the browser's own log line for a 422 it
    asks for); any other console error fails the test. A test module may override this."""
    return ()


@pytest.fixture
def page(browser: object, base_url: str, expected_console: tuple[str, ...]) -> Iterator[object]:
    context = browser.new_context(viewport=PHONE, base_url=base_url, locale="fi-FI", has_touch=True)  # type: ignore[attr-defined]
    context.set_default_timeout(10_000)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("pageerror", lambda exc: errors.append(str(exc)))
    pg.on(
        "console",
        lambda m: errors.append(m.text)
        if m.type == "error" and "WebSocket" not in m.text and not any(e in m.text for e in expected_console)
        else None,
    )
    yield pg
    context.close()
    assert not errors, f"errors in the page: {errors}"


@pytest.fixture
def watched(page: Any) -> Iterator[Any]:
    """The page with CSP violations watched: any one fails the test."""
    page.add_init_script(WATCH_CSP)
    violations: list[str] = []
    page.on("console", lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None)
    yield page
    assert not violations, f"CSP violations: {violations}"
