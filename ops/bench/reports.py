"""Reports benchmark (issue 11): a month's KPI report and the inbox list over a year of history.

Question: with one year of a mid-size region behind it (≈1 M cases, 40 k patients), does a
month's KPI report answer in < 2 s and the inbox list (50 items) in p99 < 20 ms for every filter?

Steps: fresh PostgreSQL database → migrations → demo patients → the history, generated inside
PostgreSQL by `INSERT … SELECT generate_series` (patients, cases, contacts, chat claim events,
survey answers; deterministic: the same figures every run) → VACUUM ANALYZE → a hub started in this
process (create_app + lifespan, as the server runs it) → measurements through the services the
API calls (`app.services.kpis.kpis`, `app.services.cases.inbox`), each repeated and timed:

  report   a month's KPI report, region-wide (admin) and for Kajaani (supervisor)
  weekly   the dashboard's 12-week trend for Kajaani
  inbox    every inbox filter of a nurse (aino) and the supervisor's `all`

and the same run's **bare baselines**, on a raw asyncpg connection, the least each could cost:
the 50 first open cases of aino's personal queue by the inbox index, no join, no Python objects
(inbox), and one `count(*)` of the month's cases by the created_at index (report).

Output: a table, the JSON in var/bench/reports.json. The bench is not a test: `make test` runs
only a smoke of it at a thousand cases (tests/test_bench_reports.py).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import time
from datetime import date, datetime, timedelta, timezone
from typing import Any

from ops.bench.common import VAR, BenchError, drop_database, fmt, pg_params, query, recreate_database, table

TARGET_REPORT_S = 2.0
TARGET_INBOX_P99_MS = 20.0
FILTERS = ("mine", "team", "overflow", "urgent", "chat", "all")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    g = parser.add_argument_group("reports")
    g.add_argument("--reports-cases", type=int, default=1_000_000, help="cases of history (default 1,000,000)")
    g.add_argument("--reports-patients", type=int, default=40_000, help="patients (default 40,000)")
    g.add_argument("--reports-open", type=int, default=300, help="open cases among them (default 300)")
    g.add_argument("--reports-runs", type=int, default=5, help="timed runs of each report (default 5)")
    g.add_argument("--inbox-runs", type=int, default=300, help="timed inbox lists per filter (default 300)")
    g.add_argument(
        "--reports-reuse", action="store_true",
        help="measure a database kept by an earlier --keep-db run instead of writing the history again",
    )


# The history, written by PostgreSQL itself. `h(i, salt)` is a cheap deterministic hash in
# [0, 1): the same region every run. Cases spread evenly over the last 365 days (ending at
# :now), mostly in office hours; the newest `:open` of them are still open.
HISTORY_SQL = [
    """
    CREATE FUNCTION pg_temp.h(i bigint, salt int) RETURNS double precision LANGUAGE sql IMMUTABLE AS
    $$ SELECT ((((i * 2654435761 + salt * 40503) % 1000003) + 1000003) % 1000003)::double precision / 1000003 $$
    """,
    """
    INSERT INTO patients (id, name, language, named_nurse, named_doctor, unit, hearing_impaired, concern, updated_at)
    SELECT 'bp-' || i, 'Bench Patient ' || i, 'fi',
           (ARRAY['n-aino', 'n-eero', 'n-liisa', 'n-veera'])[1 + i % 4], 'd-mikko',
           CASE WHEN i % 4 = 3 THEN 'sotkamo' ELSE 'kajaani' END, false, false, :now::timestamptz
    FROM generate_series(1, :patients::bigint) AS i
    """,
    """
    CREATE TEMP TABLE gen AS
    SELECT i,
           :now::timestamptz - (:days::double precision * (1 - i::double precision / :cases::bigint)) * interval '1 day'
                - (pg_temp.h(i, 1) * 9) * interval '1 hour' AS created,
           1 + ((i * 7919) % :patients::bigint) AS p,
           pg_temp.h(i, 2) AS r_channel, pg_temp.h(i, 3) AS r_unident, pg_temp.h(i, 4) AS r_outcome,
           pg_temp.h(i, 5) AS r_time, pg_temp.h(i, 6) AS r_more, pg_temp.h(i, 7) AS r_hand,
           i > :cases::bigint - :open::bigint AS open
    FROM generate_series(1, :cases::bigint) AS i
    """,
    """
    INSERT INTO cases (id, status, queue, unit, assignee, urgency, urgency_rank, urgency_source, red_flags, due_at, at_risk_at,
                       at_risk, channel, line, patient_id, routing_reason, contacts_count, handovers, first_handler,
                       first_callback_at, outcome, patient_informed, care_pathway, resolved_by, created_at, updated_at,
                       claimed_at, resolved_at, version)
    SELECT 'bc' || g.i,
           CASE WHEN NOT g.open THEN 'resolved' WHEN g.r_hand < 0.3 THEN 'claimed' ELSE 'new' END,
           CASE WHEN g.open THEN (ARRAY['personal:n-aino', 'team:kajaani-a', 'overflow:kajaani', 'urgent:kajaani', 'chat:kajaani',
                                        'personal:n-eero', 'team:kajaani-b', 'personal:n-liisa'])[1 + g.i % 8]
                WHEN pt.unit = 'sotkamo' THEN 'team:sotkamo-a' ELSE 'personal:' || pt.named_nurse END,
           CASE WHEN g.open THEN 'kajaani' ELSE pt.unit END,
           CASE WHEN g.open AND g.r_hand < 0.3 THEN 'n-aino' END,
           CASE WHEN g.i % 97 = 0 THEN 'urgent' ELSE 'non_urgent' END, CASE WHEN g.i % 97 = 0 THEN 1 ELSE 3 END, 'default', '',
           g.created + interval '1 hour', g.created + interval '45 minutes', false,
           ch.channel, CASE WHEN ch.channel = 'phone' THEN 1 + g.i % 3 END,
           CASE WHEN g.r_unident >= 0.05 THEN 'bp-' || g.p END,
           CASE WHEN g.r_unident < 0.05 THEN 'unidentified' ELSE 'named_nurse' END,
           CASE WHEN g.r_more < 0.06 THEN 2 ELSE 1 END, CASE WHEN g.r_hand > 0.95 THEN 1 ELSE 0 END,
           CASE WHEN NOT g.open OR g.r_hand < 0.3 THEN h.who END,
           CASE WHEN ch.channel = 'phone' AND NOT g.open THEN g.created + (g.r_time * 3) * interval '1 hour' END,
           CASE WHEN NOT g.open THEN (ARRAY['ADVICE', 'ADVICE', 'ADVICE', 'APPOINTMENT', 'APPOINTMENT', 'PRESCRIPTION',
                                             'REFERRED_EMERGENCY', 'OTHER_UNIT', 'PROGRESS_QUERY', 'NOT_REACHED'])[1 + floor(g.r_outcome * 10)::int] END,
           CASE WHEN NOT g.open THEN g.r_time < 0.8 END,
           CASE WHEN NOT g.open AND g.i % 50 = 0 THEN 'asthma' END,
           CASE WHEN NOT g.open THEN CASE WHEN g.r_hand > 0.97 THEN 'd-mikko' ELSE h.who END END,
           g.created, g.created,
           CASE WHEN NOT g.open OR g.r_hand < 0.3 THEN g.created + (g.r_time * 2) * interval '1 hour' END,
           CASE WHEN NOT g.open THEN g.created + (g.r_time * 2 + 0.2) * interval '1 hour' END,
           1
    FROM gen g
    JOIN patients pt ON pt.id = 'bp-' || g.p
    CROSS JOIN LATERAL (SELECT CASE WHEN g.r_channel < 0.6 THEN 'phone' WHEN g.r_channel < 0.75 THEN 'chat'
                                    WHEN g.r_channel < 0.95 THEN 'secure_message' ELSE 'sms' END AS channel) ch
    CROSS JOIN LATERAL (SELECT CASE WHEN pt.unit = 'sotkamo' THEN 'n-veera' WHEN g.r_hand < 0.7 THEN pt.named_nurse
                                    WHEN g.r_hand < 0.8 THEN 'c-helena' WHEN g.r_hand < 0.9 THEN 'n-eero' ELSE 'd-mikko' END AS who) h
    """,
    """
    INSERT INTO contacts (id, channel, external_id, case_id, patient_id, unit, line, received_at, created_at, merged, response)
    SELECT 'bk' || substr(c.id, 3) || '-' || n, c.channel, c.id || '-' || n, c.id, c.patient_id, c.unit, c.line,
           c.created_at + (n - 1) * interval '20 minutes', c.created_at + (n - 1) * interval '20 minutes', n > 1, ''
    FROM cases c CROSS JOIN LATERAL generate_series(1, c.contacts_count) AS n
    WHERE c.id LIKE 'bc%'
    """,
    """
    INSERT INTO events (type, case_id, queue, unit, actor, at, data)
    SELECT 'case.claimed', id, queue, unit, first_handler, claimed_at, '{}'
    FROM cases WHERE id LIKE 'bc%' AND channel = 'chat' AND claimed_at IS NOT NULL
    """,
    """
    INSERT INTO survey_responses (case_id, unit, nps, solved, knows_how_continues, at)
    SELECT id, unit, (length(id) * 7 + ascii(right(id, 1))) % 11, right(id, 1) <> '7', right(id, 1) <> '3', resolved_at + interval '1 hour'
    FROM cases WHERE id LIKE 'bc%' AND resolved_at IS NOT NULL AND right(id, 1) = ANY (ARRAY['1', '7'])
    """,
    "DROP TABLE gen",
]


def generate_history(url: str, cases: int, patients: int, open_: int, now: datetime) -> dict[str, float]:
    """Write the history; returns seconds per step and the rows written."""
    import asyncpg

    params = pg_params(url)
    values = {"now": now, "cases": cases, "patients": patients, "open": min(open_, cases), "days": 365}

    async def run() -> dict[str, float]:
        conn = await asyncpg.connect(**params, timeout=10)
        timings: dict[str, float] = {}
        try:
            for sql in HISTORY_SQL:
                text, args = _bind(sql, values)
                t0 = time.perf_counter()
                await conn.execute(text, *args)
                name = " ".join(sql.split()[:3])[:40]
                timings[name] = round(time.perf_counter() - t0, 2)
            t0 = time.perf_counter()
            # A year-old table has been vacuumed many times over: the visibility map lets the
            # report's index-only probes (the 7-day rule) skip the heap, as in production.
            await conn.execute("VACUUM ANALYZE")
            timings["VACUUM ANALYZE"] = round(time.perf_counter() - t0, 2)
            for tbl in ("cases", "contacts", "patients", "survey_responses", "events"):
                timings[f"rows.{tbl}"] = await conn.fetchval(f"SELECT count(*) FROM {tbl}")  # noqa: S608 - fixed names
        finally:
            await conn.close()
        return timings

    return asyncio.run(run())


def _bind(sql: str, values: dict[str, Any]) -> tuple[str, list[Any]]:
    """`:name` → `$n` for asyncpg (the casts `::type` are left alone)."""
    import re

    args: list[Any] = []
    order: dict[str, int] = {}

    def sub(m: re.Match[str]) -> str:
        name = m.group(1)
        if name not in order:
            order[name] = len(args) + 1
            args.append(values[name])
        return f"${order[name]}"

    return re.sub(r"(?<![:\w]):([a-z_]+)", sub, sql), args


def _percentiles(samples_ms: list[float]) -> dict[str, float]:
    ordered = sorted(samples_ms)

    def rank(p: float) -> float:
        return ordered[max(int(-(-p * len(ordered) // 1)), 1) - 1]

    return {"p50": round(rank(0.5), 2), "p99": round(rank(0.99), 2), "max": round(ordered[-1], 2), "mean": round(statistics.fmean(ordered), 2)}


async def measure(url: str, now: datetime, report_runs: int, inbox_runs: int) -> dict[str, Any]:
    import asyncpg

    from app.domain.reports import day_bounds
    from app.main import create_app
    from app.services import cases as case_svc
    from app.services import kpis
    from app.settings import Settings

    settings = Settings(
        database_url=url,
        region_file=str(_demo_region()),
        secret_key="bench-secret-key-that-is-long-enough-for-hs256",
        webhook_secret="bench-secret",
        run_jobs=False,
    )
    app = create_app(settings)
    out: dict[str, Any] = {}
    async with app.lifespan():  # the app's start-up and shut-down, as a server runs them
        hub = app.state.hub
        region = hub.region
        admin = next(p for p in region.professionals if p.role == "admin")
        paula = region.professional_by_id["s-paula"]
        aino = region.professional_by_id["n-aino"]
        today = now.astimezone(hub.tz).date()
        last_month_end = today.replace(day=1) - timedelta(days=1)
        first = last_month_end.replace(day=1).isoformat()
        last = last_month_end.isoformat()

        async def timed(label: str, runs: int, call: Any) -> None:
            await call()  # warm: plans, pool, region caches
            samples = []
            for _ in range(runs):
                t0 = time.perf_counter()
                await call()
                samples.append((time.perf_counter() - t0) * 1000)
            out[label] = _percentiles(samples)

        await timed("report.region_month", report_runs, lambda: kpis.kpis(hub, admin, "all", first, last, now=now))
        await timed("report.kajaani_month", report_runs, lambda: kpis.kpis(hub, paula, "kajaani", first, last, now=now))
        await timed("report.kajaani_weekly12", report_runs, lambda: kpis.weekly(hub, paula, "kajaani", 12, now=now))
        sample = await kpis.kpis(hub, admin, "all", first, last, now=now)
        out["report.sample"] = {"from": first, "to": last, "contacts": sample.contacts.total, "resolved": sample.cases.resolved,
                                "fcr_ratio": sample.fcr_ratio, "continuity": {k: v.patients for k, v in sample.continuity.items()}}
        for f in FILTERS:
            await timed(f"inbox.aino.{f}", inbox_runs, lambda f=f: case_svc.inbox(hub, aino, f, "kajaani"))
        await timed("inbox.paula.all", inbox_runs, lambda: case_svc.inbox(hub, paula, "all", "kajaani"))
        await timed("inbox.paula.team", inbox_runs, lambda: case_svc.inbox(hub, paula, "team", "kajaani"))

    # the bare baselines on a raw connection
    conn = await asyncpg.connect(**pg_params(url), timeout=10)
    try:
        start, end = day_bounds(date.fromisoformat(first), hub.tz)[0], day_bounds(date.fromisoformat(last), hub.tz)[1]

        async def bare(label: str, runs: int, sql: str, *args: Any) -> None:
            stmt = await conn.prepare(sql)
            await stmt.fetch(*args)
            samples = []
            for _ in range(runs):
                t0 = time.perf_counter()
                await stmt.fetch(*args)
                samples.append((time.perf_counter() - t0) * 1000)
            out[label] = _percentiles(samples)

        await bare(
            "bare.inbox",
            inbox_runs,
            "SELECT id, status, queue, due_at FROM cases WHERE queue = $1 AND status IN ('new', 'claimed', 'waiting') "
            "ORDER BY urgency_rank, due_at, id LIMIT 50",
            "personal:n-aino",
        )
        await bare("bare.report_count", report_runs, "SELECT count(*) FROM cases WHERE created_at >= $1 AND created_at < $2", start, end)
    finally:
        await conn.close()
    return out


def _demo_region() -> str:
    from ops.bench.common import ROOT

    return str(ROOT / "ops" / "demo" / "region.toml")


def _import_demo_patients(url: str) -> None:
    from ops.bench.common import ROOT

    async def run() -> None:
        from app.db.engine import make_engine
        from app.region_file import load_region
        from app.services.patients import import_patients

        region = load_region(_demo_region())
        engine = make_engine(url, pool_size=2)
        try:
            await import_patients(engine, region, (ROOT / "ops" / "demo" / "patients.csv").read_text(encoding="utf-8"))
        finally:
            await engine.dispose()

    asyncio.run(run())


def run_bench(
    url: str, cases: int, patients: int, open_: int, report_runs: int, inbox_runs: int, keep_db: bool = False, reuse: bool = False
) -> dict[str, Any]:
    from app.db.migrate import upgrade

    created = False
    try:
        if reuse:
            pg_version = str(query(url, "SHOW server_version")[0][0])
            upgrade(url)
            now = query(url, "SELECT max(updated_at) FROM patients WHERE id LIKE 'bp-%'")[0][0]
            counts = query(url, "SELECT (SELECT count(*) FROM cases), (SELECT count(*) FROM contacts), (SELECT count(*) FROM patients)")[0]
            generation = {"total_s": 0.0, "rows.cases": counts[0], "rows.contacts": counts[1], "rows.patients": counts[2], "reused": True}
            keep_db = True
        else:
            pg_version = recreate_database(url)
            created = True
            upgrade(url)
            _import_demo_patients(url)
            now = datetime.now(timezone.utc).replace(microsecond=0)
            t0 = time.perf_counter()
            generation = generate_history(url, cases, patients, open_, now)
            generation["total_s"] = round(time.perf_counter() - t0, 2)
        results = asyncio.run(measure(url, now, report_runs, inbox_runs))
    finally:
        if created and not keep_db:
            try:
                drop_database(url)
            except Exception as exc:  # noqa: BLE001 - never mask the real error
                print(f"warning: could not drop the bench database: {exc}", file=sys.stderr)
    return {"postgresql": pg_version, "cases": cases, "patients": patients, "open": open_, "generation": generation, "results": results}


def verdicts(report: dict[str, Any]) -> dict[str, bool]:
    r = report["results"]
    # the target is a month's report; the 12-week trend is measured for the dashboard, not judged
    out = {k: r[k]["max"] / 1000 < TARGET_REPORT_S for k in r if k.startswith("report.") and k.endswith("_month")}
    out.update({k: r[k]["p99"] < TARGET_INBOX_P99_MS for k in r if k.startswith("inbox.")})
    return out


def render(report: dict[str, Any]) -> str:
    r = report["results"]
    ok = verdicts(report)
    rows = []
    for key, v in r.items():
        if key == "report.sample":
            continue
        if key.startswith("report."):
            target = f"< {TARGET_REPORT_S:.0f} s (max)" if key.endswith("_month") else "(no target)"
            base = r["bare.report_count"]["p50"]
        elif key.startswith("inbox."):
            target = f"p99 < {TARGET_INBOX_P99_MS:.0f} ms"
            base = r["bare.inbox"]["p50"]
        else:
            target, base = "baseline", v["p50"]
        verdict = ("PASS" if ok[key] else "FAIL") if key in ok else ""
        rows.append([key, fmt(v["p50"], 2), fmt(v["p99"], 2), fmt(v["max"], 2), f"{v['p50'] / base:.1f}×" if base else "–", target, verdict])
    gen = report["generation"]
    head = (
        f"reports benchmark: {report['cases']:,} cases, {report['patients']:,} patients, PostgreSQL {report['postgresql']}; "
        f"history written in {gen['total_s']} s (cases {gen.get('rows.cases')}, contacts {gen.get('rows.contacts')})\n"
        f"month reported: {r['report.sample']['from']} … {r['report.sample']['to']}, {r['report.sample']['contacts']} contacts, "
        f"{r['report.sample']['resolved']} resolved\n"
    )
    return head + table(["measurement", "p50 ms", "p99 ms", "max ms", "p50 / bare", "target", ""], rows)


def main(args: argparse.Namespace) -> int:
    VAR.mkdir(parents=True, exist_ok=True)
    url = args.database_url
    print(f"reports benchmark: generating {args.reports_cases:,} cases in {url.rsplit('/', 1)[-1]} …", flush=True)
    try:
        report = run_bench(
            url, args.reports_cases, args.reports_patients, args.reports_open, args.reports_runs, args.inbox_runs, args.keep_db,
            args.reports_reuse,
        )
    except BenchError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported, the other benchmarks still run
        print(f"reports benchmark failed: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    (VAR / "reports.json").write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    print(render(report), flush=True)
    missed = [k for k, v in verdicts(report).items() if not v]
    if missed:
        print(f"  targets missed: {', '.join(missed)}", flush=True)
    return 1 if (missed and getattr(args, "check", False)) else 0


if __name__ == "__main__":  # pragma: no cover
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    from ops.bench.run import main as run_main

    raise SystemExit(run_main(["--only", "reports", *sys.argv[1:]]))
