"""Shared by the benchmarks: PostgreSQL set-up, server subprocesses, the load generator, output."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parents[2]
VAR = ROOT / "var" / "bench"
BIN = Path(sys.executable).parent
PYTHON = sys.executable

DEFAULT_DATABASE_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/firstline_bench"


class BenchError(Exception):
    """A benchmark could not run; the message says why. `code` is the exit status."""

    def __init__(self, message: str, code: int = 1) -> None:
        super().__init__(message)
        self.code = code


# --- PostgreSQL -------------------------------------------------------------------------------


def pg_params(url: str) -> dict[str, Any]:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgresql"):
        raise BenchError(f"--database-url must be a postgresql+asyncpg:// URL, not {url!r}", 2)
    database = parts.path.lstrip("/")
    if not database:
        raise BenchError(f"--database-url names no database: {url!r}", 2)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": unquote(parts.username) if parts.username else "postgres",
        "password": unquote(parts.password) if parts.password else None,
        "database": database,
    }


def _quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


async def _admin_connect(params: dict[str, Any]):  # type: ignore[no-untyped-def]
    import asyncpg

    last: Exception | None = None
    for maintenance in ("postgres", "template1"):
        try:
            return await asyncpg.connect(
                host=params["host"],
                port=params["port"],
                user=params["user"],
                password=params["password"],
                database=maintenance,
                timeout=5,
            )
        except asyncpg.InvalidCatalogNameError as exc:
            last = exc
        except (OSError, asyncio.TimeoutError, asyncpg.PostgresError) as exc:
            raise BenchError(
                f"PostgreSQL is not reachable at {params['host']}:{params['port']} as {params['user']!r}: "
                f"{type(exc).__name__}: {exc}\n"
                "Start PostgreSQL (or pass --database-url postgresql+asyncpg://USER@HOST:PORT/DBNAME) and retry.",
                2,
            ) from None
    raise BenchError(f"PostgreSQL at {params['host']}:{params['port']} has no maintenance database: {last}", 2)


def recreate_database(url: str) -> str:
    """Drop (if left over) and create the bench database; returns the server version."""
    params = pg_params(url)

    async def run() -> str:
        conn = await _admin_connect(params)
        try:
            version = await conn.fetchval("SHOW server_version")
            await conn.execute(f"DROP DATABASE IF EXISTS {_quote_ident(params['database'])} WITH (FORCE)")
            await conn.execute(f"CREATE DATABASE {_quote_ident(params['database'])}")
            return str(version)
        finally:
            await conn.close()

    return asyncio.run(run())


def drop_database(url: str) -> None:
    params = pg_params(url)

    async def run() -> None:
        conn = await _admin_connect(params)
        try:
            await conn.execute(f"DROP DATABASE IF EXISTS {_quote_ident(params['database'])} WITH (FORCE)")
        finally:
            await conn.close()

    asyncio.run(run())


def query(url: str, sql: str, *args: Any) -> list[Any]:
    """Run one query on the bench database (outside any running loop)."""
    import asyncpg

    params = pg_params(url)

    async def run() -> list[Any]:
        conn = await asyncpg.connect(**params, timeout=10)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    return asyncio.run(run())


# --- subprocesses -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def clean_env(**extra: str) -> dict[str, str]:
    """The parent's environment without FIRSTLINE_* (so a developer's shell can't skew a run)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FIRSTLINE_")}
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra)
    return env


class Server:
    """A server subprocess in its own session, its output in a log file."""

    def __init__(
        self,
        name: str,
        cmd: list[str],
        env: dict[str, str],
        port: int,
        ready_path: str = "/readyz",
        preexec_fn: Callable[[], None] | None = None,
    ) -> None:
        self.name = name
        self.preexec_fn = preexec_fn  # e.g. raise RLIMIT_NOFILE in the child (the live benchmark)
        self.cmd = cmd
        self.env = env
        self.port = port
        self.ready_path = ready_path
        self.log_path = VAR / f"{name}-server.log"
        self.proc: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.proc is not None
        return self.proc.pid

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        VAR.mkdir(parents=True, exist_ok=True)
        log = open(self.log_path, "wb")
        try:
            self.proc = subprocess.Popen(
                self.cmd,
                cwd=ROOT,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # Ctrl-C reaches us only; we stop the server in order
                preexec_fn=self.preexec_fn,
            )
        finally:
            log.close()

    def wait_ready(self, timeout: float = 60.0) -> None:
        deadline = time.monotonic() + timeout
        url = self.base_url + self.ready_path
        last = ""
        while time.monotonic() < deadline:
            if self.proc is not None and self.proc.poll() is not None:
                raise BenchError(
                    f"the {self.name} server exited with status {self.proc.returncode} before it was ready; "
                    f"its output ({self.log_path}):\n{self.log_tail()}"
                )
            try:
                with urllib.request.urlopen(url, timeout=2) as resp:
                    if resp.status == 200:
                        return
                    last = f"HTTP {resp.status}"
            except urllib.error.HTTPError as exc:
                last = f"HTTP {exc.code}"
            except OSError as exc:
                last = str(exc)
            time.sleep(0.2)
        raise BenchError(f"the {self.name} server was not ready at {url} within {timeout:.0f} s ({last}); output:\n{self.log_tail()}")

    def stop(self, timeout: float = 10.0) -> None:
        proc = self.proc
        if proc is None or proc.poll() is not None:
            return
        for sig, wait in ((signal.SIGINT, timeout), (signal.SIGTERM, 5.0), (signal.SIGKILL, 5.0)):
            try:
                os.killpg(proc.pid, sig)  # the session we created for it (uvicorn + nothing else)
            except ProcessLookupError:
                return
            try:
                proc.wait(wait)
                return
            except subprocess.TimeoutExpired:
                continue

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no output)"
        return "\n".join(text.splitlines()[-lines:]) or "(no output)"

    def log_problems(self, limit: int = 60) -> list[str]:
        """Warnings (counted by message), then tracebacks and ERROR/CRITICAL lines, at most `limit` lines."""
        try:
            lines = self.log_path.read_text(errors="replace").splitlines()
        except OSError:
            return []
        warnings: dict[str, int] = {}
        for line in lines:
            if line.startswith("WARNING"):
                message = line.rsplit(" - ", 1)[-1] if " - " in line else line
                warnings[message] = warnings.get(message, 0) + 1
        out: list[str] = [f"WARNING ×{n}: {m}" for m, n in sorted(warnings.items(), key=lambda kv: -kv[1])[:10]]
        in_tb = False
        for line in lines:
            if line.startswith("Traceback") or "ERROR" in line or "CRITICAL" in line or "Exception in ASGI" in line:
                in_tb = True
            elif in_tb and not line.startswith((" ", "\t")) and not line.startswith(("The above", "During handling")):
                out.append(line)  # the exception line ends the traceback
                in_tb = False
                continue
            if in_tb:
                out.append(line)
            if len(out) >= limit:
                out.append("…")
                break
        return out


def machine_busy_percent(seconds: float = 1.0) -> float:
    """How busy the whole machine is right now (100 = one core), before we add load."""
    from ops.bench.loadgen import machine_busy_seconds

    a, t0 = machine_busy_seconds(), time.monotonic()
    time.sleep(seconds)
    b, t1 = machine_busy_seconds(), time.monotonic()
    return (b - a) / (t1 - t0) * 100


def install_signal_handlers() -> None:
    """SIGTERM/SIGHUP → KeyboardInterrupt, so `finally:` blocks stop servers and drop the database."""

    def handler(signum: int, _frame: Any) -> None:
        raise KeyboardInterrupt(f"signal {signum}")

    for sig in (signal.SIGTERM, signal.SIGHUP):
        try:
            signal.signal(sig, handler)
        except (ValueError, OSError):  # not the main thread / not available
            pass
    try:  # Ctrl-C, also when started from a shell that set SIGINT to "ignore" (e.g. `cmd &`)
        signal.signal(signal.SIGINT, signal.default_int_handler)
    except (ValueError, OSError):
        pass


def run_loadgen(config: dict[str, Any], timeout: float) -> dict[str, Any]:
    """One measurement in a fresh generator process (python -m ops.bench.loadgen)."""
    proc = subprocess.Popen(
        [PYTHON, "-m", "ops.bench.loadgen"],
        cwd=ROOT,
        env=clean_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(json.dumps(config).encode(), timeout=timeout)
    except BaseException:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        proc.wait()
        raise
    if proc.returncode != 0:
        raise BenchError(f"the load generator failed (status {proc.returncode}):\n{err.decode(errors='replace')[-3000:]}")
    return json.loads(out)


# --- output -----------------------------------------------------------------------------------


def server_problem_lines(report: dict[str, Any]) -> list[str]:
    """The errors each benchmarked server logged, for the end of a report."""
    lines: list[str] = []
    for name, problems in (report.get("server_problems") or {}).items():
        if problems:
            lines.append(f"\n{name} server logged errors (var/bench/{name}-server.log):")
            lines += ["  " + p for p in problems[:40]]
    return lines


def fmt(value: float | None, digits: int = 1) -> str:
    return "-" if value is None else f"{value:,.{digits}f}"


def table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]

    def line(cells: list[str]) -> str:
        return " | ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(cells, widths)))

    sep = "-+-".join("-" * w for w in widths)
    return "\n".join([line(headers), sep, *(line(r) for r in rows)])
