"""Intake benchmark (issue 2): Firstline's phone intake vs a bare Litestar + asyncpg INSERT.

Steps: fresh PostgreSQL database → migrations → demo patients + N synthetic patients → the real
server (`firstline serve`) and the bare baseline (`ops.bench.bare_app`), each its own process →
for each target, the same two measurements by the same generator (`ops.bench.loadgen`):

  max throughput   `concurrency` keep-alive connections, closed loop, `seconds` after `warmup`
  fixed rate       open loop at `rate` req/s for `seconds` after `warmup`, latency from the
                   scheduled send time

→ `rounds - 1` more max-throughput measurements of both, in alternating order (bare–intake,
intake–bare, …) → table, PASS/FAIL against the targets, JSON in var/bench/intake.json → stop
servers, drop the database.

Why rounds: on a small shared machine one pair of 10-second runs swings by ±10 points of the
ratio (other processes, PostgreSQL's checkpoints, CPU frequency). The reported ratio is the
median of the paired rounds' ratios, and every round is printed, so a reader sees the spread.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import urllib.error
import urllib.request
import uuid
import zlib
from typing import Any

from ops.bench import spy
from ops.bench.common import (
    BIN,
    PYTHON,
    ROOT,
    VAR,
    BenchError,
    Server,
    clean_env,
    drop_database,
    fmt,
    free_port,
    machine_busy_percent,
    query,
    recreate_database,
    run_loadgen,
    server_problem_lines,
    table,
)

SECRET = "bench-secret"
SECRET_KEY = "bench-secret-key-that-is-at-least-32-bytes-long"  # serve refuses the development default
PATH = "/channels/phone/callback-requests"
DIALED = "+35886150000"  # the demo region's Kajaani callback number
NURSES = ("n-aino", "n-eero", "n-liisa")
DEMO_PATIENTS = ROOT / "ops" / "demo" / "patients.csv"
CSV_HEADER = "id,name,phones,language,named_nurse,named_doctor,unit,hearing_impaired,interpreter_language"

TARGET_RATIO = 0.50
TARGET_P99_MS = 50.0


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("intake benchmark")
    g.add_argument("--concurrency", type=int, default=32, help="connections for the max-throughput run (default 32)")
    g.add_argument("--rate", type=float, default=200.0, help="requests/s for the fixed-rate run (default 200)")
    g.add_argument("--patients", type=int, default=5000, help="synthetic patients besides the demo ones (default 5000)")
    g.add_argument("--known-fraction", type=float, default=0.8, help="share of calls from known patients (default 0.8)")
    g.add_argument("--profile", action="store_true", help="py-spy the intake server during its max-throughput run")
    g.add_argument("--rounds", type=int, default=3, help="paired max-throughput rounds; the ratio is their median (default 3)")


# --- data -------------------------------------------------------------------------------------


def synthetic_patients_csv(n: int) -> str:
    """n patients in Kajaani, one unique 040 number each (+358402000000 …), nurses round-robin."""
    if n > 8_000_000:
        raise BenchError("--patients: at most 8,000,000", 2)
    langs = ("fi",) * 8 + ("sv", "en")
    rows = [CSV_HEADER]
    for i in range(n):
        rows.append(
            f"b-{i:07d},Bench Patient {i:07d},040{2000000 + i:07d},{langs[i % len(langs)]},"
            f"{NURSES[i % len(NURSES)]},{'d-mikko' if i % 2 else ''},kajaani,false,"
        )
    return "\n".join(rows) + "\n"


def import_csv(database_url: str, path: os.PathLike[str] | str) -> str:
    env = clean_env(FIRSTLINE_DATABASE_URL=database_url)
    proc = subprocess.run(
        [str(BIN / "firstline"), "import-patients", str(path)], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if proc.returncode != 0:
        raise BenchError(f"firstline import-patients {path} failed:\n{proc.stdout}{proc.stderr}")
    return proc.stdout.strip()


def prepare_database(database_url: str, patients: int) -> list[str]:
    """Migrate and import; returns the known caller numbers in a fixed shuffled order."""
    from app.db.migrate import upgrade  # no event loop is running here (Alembic starts its own)

    upgrade(database_url)
    print(f"  demo patients:      {import_csv(database_url, DEMO_PATIENTS)}", flush=True)
    if patients > 0:
        path = VAR / "synthetic-patients.csv"
        path.write_text(synthetic_patients_csv(patients), encoding="utf-8")
        print(f"  synthetic patients: {import_csv(database_url, path)}", flush=True)
        path.unlink(missing_ok=True)
    callers = [r["phone"] for r in query(database_url, "SELECT phone FROM patient_phones ORDER BY phone")]
    random.Random(42).shuffle(callers)
    return callers


# --- checks -----------------------------------------------------------------------------------


def smoke_test(server: Server, known_caller: str) -> None:
    """One signed request before measuring, so a broken set-up fails loudly, not as 100 % errors."""
    from app.security.webhooks import sign

    body = json.dumps(
        {"call_id": f"smoke-{uuid.uuid4().hex[:12]}", "caller": known_caller, "dialed": DIALED, "line": 1},
        separators=(",", ":"),
    ).encode()
    req = urllib.request.Request(
        server.base_url + PATH,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "X-Firstline-Signature": sign(SECRET, body)},
    )
    try:
        with urllib.request.urlopen(req, timeout=10) as resp:
            if resp.status != 202:
                raise BenchError(f"{server.name}: smoke request answered {resp.status}: {resp.read()[:500]!r}")
    except urllib.error.HTTPError as exc:
        raise BenchError(
            f"{server.name}: smoke request answered {exc.code}: {exc.read()[:500]!r}\nserver output:\n{server.log_tail()}"
        ) from None


# --- the run ----------------------------------------------------------------------------------


def _loadgen_config(
    server: Server, mode: str, args: argparse.Namespace, callers: list[str], offset: int, run_id: str, tag: str = ""
) -> dict[str, Any]:
    cfg: dict[str, Any] = {
        "mode": mode,
        "host": "127.0.0.1",
        "port": server.port,
        "path": PATH,
        "secret": SECRET,
        "dialed": DIALED,
        "callers": callers,
        "caller_offset": offset,
        "known_fraction": args.known_fraction,
        "call_id_prefix": f"bench-{run_id}-{server.name}-{mode}{tag}",
        "seed": zlib.crc32(f"{server.name}-{mode}".encode()),
        "warmup": args.warmup,
        "seconds": args.seconds,
        "timeout": 30,
        "watch_pids": {"server": server.pid},
        "watch_comms": ["postgres"],
    }
    if mode == "closed":
        cfg["concurrency"] = args.concurrency
    else:
        cfg["rate"] = args.rate
        cfg["initial_connections"] = 8
        cfg["max_connections"] = 512
    return cfg


def measure(server: Server, args: argparse.Namespace, callers: list[str], offset: int, run_id: str) -> tuple[dict[str, Any], int]:
    results: dict[str, Any] = {}
    budget = args.warmup + args.seconds + 90
    print(f"  {server.name}: max throughput, {args.concurrency} connections, {args.warmup:g}+{args.seconds:g} s …", flush=True)
    sampler = None
    profiling = args.profile and server.name == "intake"
    if profiling:
        sampler = spy.start(server.pid, args.warmup + args.seconds, VAR / "intake-server.folded")
    try:
        closed = run_loadgen(_loadgen_config(server, "closed", args, callers, offset, run_id), budget)
    except BaseException:
        if sampler is not None:
            sampler.kill()
            sampler.wait()
        raise
    if profiling:
        results["profile_log"] = spy.finish(sampler)
    offset += closed["known_used"]
    results["throughput"] = closed
    batching = [batch_sizes(server)]
    print(f"  {server.name}: fixed rate {args.rate:g} req/s (open loop), {args.warmup:g}+{args.seconds:g} s …", flush=True)
    opened = run_loadgen(_loadgen_config(server, "open", args, callers, offset, run_id), budget)
    offset += opened["known_used"]
    results["fixed_rate"] = opened
    batching.append(batch_sizes(server))
    if batching[0] is not None and batching[1] is not None:
        (n0, s0), (n1, s1) = batching
        results["batching"] = {"throughput": s0 / n0 if n0 else None, "fixed_rate": (s1 - s0) / (n1 - n0) if n1 > n0 else None}
    return results, offset


def paired_rounds(
    servers: list[Server], args: argparse.Namespace, callers: list[str], offset: int, run_id: str, first: dict[str, float]
) -> tuple[list[dict[str, float]], int]:
    """Throughput of each server in every round, the main measurement being round 1; later rounds
    alternate which server goes first so that a drifting machine favours neither."""
    rounds = [{**first, "ratio": first["intake"] / first["bare"] if first["bare"] else 0.0}]
    budget = args.warmup + args.seconds + 90
    for r in range(2, args.rounds + 1):
        got: dict[str, float] = {}
        for server in servers if r % 2 else servers[::-1]:
            print(f"  round {r}: {server.name} max throughput …", flush=True)
            res = run_loadgen(_loadgen_config(server, "closed", args, callers, offset, run_id, f"-r{r}"), budget)
            offset += res["known_used"]
            got[server.name] = res["throughput"]
        rounds.append({**got, "ratio": got["intake"] / got["bare"] if got["bare"] else 0.0})
    return rounds, offset


def batch_sizes(server: Server) -> tuple[float, float] | None:
    """(statements, contacts) so far from the intake server's firstline_intake_batch_size histogram."""
    try:
        with urllib.request.urlopen(f"{server.base_url}/metrics", timeout=10) as resp:
            text = resp.read().decode()
    except (OSError, urllib.error.URLError):
        return None
    values = dict(
        line.split(" ", 1) for line in text.splitlines() if line.startswith(("firstline_intake_batch_size_count", "firstline_intake_batch_size_sum"))
    )
    if "firstline_intake_batch_size_count" not in values:
        return None
    return float(values["firstline_intake_batch_size_count"]), float(values["firstline_intake_batch_size_sum"])


def database_stats(database_url: str) -> dict[str, Any]:
    row = query(
        database_url,
        """SELECT (SELECT count(*) FROM contacts) AS contacts,
                  (SELECT count(*) FROM contacts WHERE merged) AS merged,
                  (SELECT count(*) FROM cases) AS cases,
                  (SELECT count(*) FROM events) AS events,
                  (SELECT count(*) FROM patients) AS patients,
                  (SELECT count(*) FROM bench_bare) AS bare_rows""",
    )[0]
    reasons = query(database_url, "SELECT routing_reason, count(*) AS n FROM cases GROUP BY 1 ORDER BY 2 DESC")
    stats = dict(row)
    stats["routing_reasons"] = {r["routing_reason"]: r["n"] for r in reasons}
    return stats


def main(args: argparse.Namespace) -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    url = args.database_url
    run_id = uuid.uuid4().hex[:8]
    servers: list[Server] = []
    created = False
    report: dict[str, Any] = {}
    try:
        print(f"intake benchmark: preparing database {url.rsplit('/', 1)[-1]} …", flush=True)
        pg_version = recreate_database(url)  # drops a leftover from an interrupted run first
        created = True
        callers = prepare_database(url, args.patients)
        if not callers:
            raise BenchError("no patient phone numbers were imported")

        idle_load = machine_busy_percent()
        if idle_load > 20:
            print(
                f"  WARNING: other processes keep the machine {idle_load:.0f} % busy "
                f"(100 = one core of {os.cpu_count()}); figures will be low and noisy — see the 'other' CPU column",
                flush=True,
            )
        bare_port = free_port()
        bare = Server(
            "bare",
            [PYTHON, "-m", "ops.bench.bare_app", "--host", "127.0.0.1", "--port", str(bare_port)],
            clean_env(BENCH_BARE_DSN=url),
            port=bare_port,
        )
        intake_port = free_port()
        intake = Server(
            "intake",
            [str(BIN / "firstline"), "serve", "--host", "127.0.0.1", "--port", str(intake_port)],
            clean_env(FIRSTLINE_DATABASE_URL=url, FIRSTLINE_WEBHOOK_SECRET=SECRET, FIRSTLINE_SECRET_KEY=SECRET_KEY, FIRSTLINE_RUN_JOBS="0", FIRSTLINE_RATE_LIMITS="off"),
            port=intake_port,
        )
        servers = [bare, intake]
        for s in servers:
            s.start()
        for s in servers:
            s.wait_ready()
            smoke_test(s, callers[-1])
        print(f"  servers ready: bare pid {bare.pid} on :{bare.port}, intake pid {intake.pid} on :{intake.port}", flush=True)

        offset = 0
        results: dict[str, Any] = {}
        for s in servers:
            results[s.name], offset = measure(s, args, callers, offset, run_id)
        first = {name: results[name]["throughput"]["throughput"] for name in ("bare", "intake")}
        rounds, offset = paired_rounds(servers, args, callers, offset, run_id, first)
        stats = database_stats(url)
    finally:
        for s in servers:
            s.stop()
        problems = {s.name: s.log_problems() for s in servers}
        if created and not args.keep_db:
            try:
                drop_database(url)
            except Exception as exc:  # noqa: BLE001 - never mask the real error
                print(f"warning: could not drop the bench database: {exc}", file=sys.stderr)

    bare_t = results["bare"]["throughput"]
    intake_t = results["intake"]["throughput"]
    intake_r = results["intake"]["fixed_rate"]
    ratio = statistics.median(r["ratio"] for r in rounds)
    p99 = intake_r["latency_ms"]["p99"]
    ratio_pass = ratio >= TARGET_RATIO and intake_t["errors"] == 0
    p99_pass = p99 is not None and p99 < TARGET_P99_MS and intake_r["errors"] == 0

    report = {
        "benchmark": "intake",
        "when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
            "postgresql": pg_version,
            "busy_before_start_percent": round(idle_load, 1),
        },
        "settings": {
            "seconds": args.seconds,
            "warmup": args.warmup,
            "concurrency": args.concurrency,
            "rate": args.rate,
            "synthetic_patients": args.patients,
            "known_fraction": args.known_fraction,
            "generator": "ops.bench.loadgen: raw HTTP/1.1 keep-alive over asyncio streams on uvloop, separate process",
            "servers": "uvicorn, 1 worker, uvloop + httptools (uvicorn 'auto'), access log off",
        },
        "results": results,
        "rounds": rounds,
        "ratio": ratio,
        "targets": {
            "throughput_ratio": {"target": f">= {TARGET_RATIO:.0%}", "value": ratio, "pass": ratio_pass},
            "p99_at_rate_ms": {"target": f"< {TARGET_P99_MS:g} ms at {args.rate:g} req/s", "value": p99, "pass": p99_pass},
        },
        "database": stats,
        "server_problems": problems,
    }
    if args.profile and (VAR / "intake-server.folded").exists():
        report["profile"] = spy.summarise(VAR / "intake-server.folded")

    out = VAR / "intake.json"
    out.write_text(json.dumps(report, indent=2, default=str) + "\n", encoding="utf-8")
    print()
    print(render(report))
    print(f"\nfull results: {out.relative_to(ROOT)}")
    if args.check and not (ratio_pass and p99_pass):
        return 1
    return 0


def _cpu(cpu: dict[str, float]) -> str:
    return " / ".join(fmt(cpu.get(k), 0) for k in ("server", "postgres", "generator", "other"))


def render(report: dict[str, Any]) -> str:
    s = report["settings"]
    m = report["machine"]
    res = report["results"]
    lines = [
        f"Intake benchmark — PostgreSQL {m['postgresql']}, {m['cpus']} CPUs, Python {m['python']}; "
        f"{s['seconds']:g} s per measurement after {s['warmup']:g} s warm-up",
        "generator and servers share the same CPUs; both targets are measured the same way, one at a time",
        "CPU %: 100 = one core; 'other' = processes outside this benchmark (a busy machine skews every figure)",
        "",
        f"Max throughput ({s['concurrency']} keep-alive connections, closed loop)",
    ]
    rows = []
    for name, label in (("bare", "bare Litestar + 1 asyncpg INSERT"), ("intake", "Firstline intake")):
        r = res[name]["throughput"]
        cpu = r.get("cpu_percent", {})
        rows.append(
            [
                label,
                fmt(r["throughput"]),
                fmt(r["latency_ms"]["p50"]),
                fmt(r["latency_ms"]["p99"]),
                str(r["errors"]),
                _cpu(cpu),
            ]
        )
    lines.append(table(["target", "throughput req/s", "p50 ms", "p99 ms", "errors", "CPU % server/pg/gen/other"], rows))
    lines += ["", f"Fixed rate ({s['rate']:g} req/s, open loop; latency from the scheduled send time)"]
    rows = []
    for name, label in (("bare", "bare Litestar + 1 asyncpg INSERT"), ("intake", "Firstline intake")):
        r = res[name]["fixed_rate"]
        cpu = r.get("cpu_percent", {})
        rows.append(
            [
                label,
                fmt(r["throughput"]),
                fmt(r["latency_ms"]["p50"]),
                fmt(r["latency_ms"]["p99"]),
                fmt(r["latency_ms"]["max"]),
                str(r["errors"]),
                _cpu(cpu),
            ]
        )
    lines.append(table(["target", "achieved req/s", "p50 ms", "p99 ms", "max ms", "errors", "CPU % server/pg/gen/other"], rows))
    rounds = report.get("rounds") or []
    if len(rounds) > 1:
        lines += ["", "Paired max-throughput rounds (round 1 is the table above)"]
        lines.append(table(["round", "bare req/s", "intake req/s", "intake / bare"],
                           [[str(k), fmt(r["bare"]), fmt(r["intake"]), f"{r['ratio']:.1%}"] for k, r in enumerate(rounds, 1)]))
    t = report["targets"]
    ratio = t["throughput_ratio"]
    p99 = t["p99_at_rate_ms"]
    lines += [
        "",
        f"intake / bare throughput: {ratio['value']:.1%}{' (median of the rounds)' if len(rounds) > 1 else ''}   "
        f"(target {ratio['target']})   {'PASS' if ratio['pass'] else 'FAIL'}",
        f"intake p99 at {s['rate']:g} req/s: {fmt(p99['value'])} ms   (target {p99['target']})   {'PASS' if p99['pass'] else 'FAIL'}",
    ]
    b = res["bare"]["throughput"].get("cpu_ms_per_request", {})
    i = res["intake"]["throughput"].get("cpu_ms_per_request", {})
    if b.get("server") and i.get("server"):
        lines.append(
            f"server CPU per request (max-throughput run): bare {b['server']:.2f} ms, intake {i['server']:.2f} ms "
            f"(PostgreSQL {b.get('postgres', 0):.2f} vs {i.get('postgres', 0):.2f} ms) → a CPU-bound intake server "
            f"reaches at most ~{b['server'] / i['server']:.0%} of bare"
        )
    for name in ("bare", "intake"):
        for kind in ("throughput", "fixed_rate"):
            r = res[name][kind]
            if r["errors"]:
                lines.append(f"  {name} {kind}: {r['errors']} errors {r['error_kinds']}")
                lines += [f"    e.g. {e}" for e in r["error_samples"][:3]]
            lag = r.get("dispatch_lag_ms")
            if lag and lag["p99"] is not None and lag["p99"] > 5:
                lines.append(f"  note: {name} {kind}: the generator itself was late by {lag['p99']:.1f} ms at p99")
    db = report.get("database") or {}
    if db:
        lines.append(
            f"\nintake wrote {db['contacts']:,} contacts ({db['merged']:,} merged into open cases), {db['cases']:,} cases, "
            f"{db['events']:,} events; routing: "
            + ", ".join(f"{k} {v:,}" for k, v in db.get("routing_reasons", {}).items())
        )
    batching = res.get("intake", {}).get("batching")
    if batching:
        fmt_b = {k: (f"{v:.1f}" if v is not None else "–") for k, v in batching.items()}
        lines.append(
            f"intake contacts per write statement (firstline_intake_batch_size): max-throughput run {fmt_b['throughput']}, "
            f"fixed-rate run {fmt_b['fixed_rate']}"
        )
    lines += server_problem_lines(report)
    prof = report.get("profile")
    if prof:
        lines += ["", spy.render(prof)]
    elif "profile_log" in res.get("intake", {}):
        lines += ["", "profile: " + res["intake"]["profile_log"][-500:]]
    return "\n".join(lines)
