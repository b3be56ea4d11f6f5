"""`firstline` command: serve, demo, migrate, import-patients, jobs, purge, hash-password."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TYPE_CHECKING

from app.settings import DEMO_REGION, Settings

if TYPE_CHECKING:  # the commands import what they need when they run
    from app.hub import Hub

DEMO_PATIENTS = DEMO_REGION.parent / "patients.csv"


def _settings(region: str | None = None) -> Settings:
    if region:
        os.environ["FIRSTLINE_REGION_FILE"] = str(Path(region).resolve())
    return Settings.from_env()


def _check_region(settings: Settings):  # type: ignore[no-untyped-def]
    from app.region_file import RegionFileError, load_region

    try:
        return load_region(settings.region_file)
    except RegionFileError as exc:
        print(f"firstline: {exc}", file=sys.stderr)
        raise SystemExit(2) from None


def cmd_migrate(args: argparse.Namespace) -> int:
    from app.db.migrate import upgrade

    settings = _settings()
    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def prepare_metrics_dir(workers: int) -> str | None:
    """Several workers count into PROMETHEUS_MULTIPROC_DIR so that a scrape of any of them sums
    them all (app/metrics.py). Given one, it is emptied of a previous run's counts; with more than
    one worker and none given, a fresh temporary one is used (and removed when serve exits). Set
    before the workers start."""
    import atexit
    import shutil
    import tempfile

    path = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if not path:
        if workers <= 1:
            return None
        path = os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="firstline-metrics-")
        atexit.register(shutil.rmtree, path, True)  # the workers are spawned: only serve runs this
    Path(path).mkdir(parents=True, exist_ok=True)
    for stale in Path(path).glob("*.db"):
        stale.unlink()
    return path


SECRET_HELP = """Set them in the environment, each to a long random value, e.g.
  export FIRSTLINE_SECRET_KEY=$(python3 -c 'import secrets; print(secrets.token_urlsafe(48))')
  export FIRSTLINE_WEBHOOK_SECRET=...   (the one the telephony and SMS platforms sign with)
To try Firstline on this machine with the development defaults, run `firstline demo`."""


def _check_secrets(settings: Settings, demo: bool) -> None:
    """`serve` refuses development or missing secrets (anyone could sign tokens or webhooks);
    `demo` may use them and says so. A half-configured patient portal stops both."""
    problems = settings.serve_problems()
    if demo:
        if settings.dev_secrets:
            print(f"firstline demo: using the development {' and '.join(settings.dev_secrets)}: never expose this server", flush=True)
        problems = [p for p in problems if not any(p.startswith(name + " is not set") for name in settings.dev_secrets)]
    if problems:
        print("firstline: refusing to start:\n" + "\n".join(f"  - {p}" for p in problems), file=sys.stderr)
        if not demo and settings.dev_secrets:
            print(SECRET_HELP, file=sys.stderr)
        raise SystemExit(2)


def cmd_serve(args: argparse.Namespace, demo: bool = False) -> int:
    """Migrate, then serve; `demo` (from cmd_demo, which checked the secrets itself) allows the
    development secrets."""
    import uvicorn

    from app.db.migrate import upgrade

    settings = _settings(args.region)
    _check_region(settings)
    if not demo:
        _check_secrets(settings, demo=False)
    upgrade(settings.database_url)
    os.environ["FIRSTLINE_TUNE_GC"] = "1"  # read by every worker's create_app()
    prepare_metrics_dir(args.workers)
    uvicorn.run(
        "app.main:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=args.workers,
        proxy_headers=True,
        log_level=settings.log_level or "info",
        access_log=False,  # access logs carry URLs and client addresses; our URLs hold no PII, but keep them quiet
        ws_per_message_deflate=False,  # events are ~500 bytes; deflate per socket cost more than it saved
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from app.db.engine import make_engine
    from app.db.migrate import upgrade
    from app.domain.patient_csv import CsvImportError
    from app.services.patients import import_patients

    settings = _settings(args.region)
    region = _check_region(settings)
    upgrade(settings.database_url)
    try:
        text = Path(args.csv).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        print(f"firstline: cannot read {args.csv}: {exc}", file=sys.stderr)
        return 2

    async def run() -> None:
        engine = make_engine(settings.database_url)
        try:
            report = await import_patients(engine, region, text)
        finally:
            await engine.dispose()
        print(f"imported {report.created} new and updated {report.updated} patients")

    try:
        asyncio.run(run())
    except CsvImportError as exc:
        print(f"firstline: {args.csv}: nothing was imported:\n{exc}", file=sys.stderr)
        return 2
    return 0


def _with_hub(args: argparse.Namespace, work: Callable[[Hub], Awaitable[int]]) -> int:
    """Run `work` on a hub of the configured region and database (migrated first), then close it:
    the one-off commands that act as an instance would (`jobs --once`, `purge`)."""
    from app.db.engine import make_engine
    from app.db.intake_sqlalchemy import SqlAlchemyIntakeStore
    from app.db.migrate import upgrade
    from app.hub import Hub as RunningHub

    settings = _settings(args.region)
    region = _check_region(settings)
    upgrade(settings.database_url)

    async def run() -> int:
        engine = make_engine(settings.database_url)
        hub = RunningHub(settings, region, engine, SqlAlchemyIntakeStore(engine))
        try:
            return await work(hub)
        finally:
            await hub.close()

    return asyncio.run(run())


def cmd_jobs(args: argparse.Namespace) -> int:
    """Every job of the clock once, now (under the same locks as the running instances)."""
    from app.jobs import run_all

    async def work(hub: Hub) -> int:
        reports = await run_all(hub)
        for report in reports:
            done = ", ".join(f"{k} {v}" for k, v in report.counts.items() if v) or "nothing to do"
            print(f"{report.job}: {done if report.ran else 'skipped (another instance holds its lock)'}")
        return 1 if any(r.counts.get("failed") for r in reports) else 0

    return _with_hub(args, work)


def cmd_purge(args: argparse.Namespace) -> int:
    """The retention purge now: `--dry-run` counts what it would purge and changes nothing."""
    from app.clock import utcnow
    from app.db.locks import job_lock
    from app.services.retention import count_due, purge

    async def work(hub: Hub) -> int:
        days = hub.region.retention.days
        if args.dry_run:
            counts = await count_due(hub, utcnow())
            print(f"dry run (retention {days} days): would purge the free text of {counts.pop('cases')} closed cases")
        else:
            async with job_lock(hub.engine, "retention") as mine:  # the clock's job and this one take turns
                if not mine:
                    print("firstline: another instance is purging right now; try again later", file=sys.stderr)
                    return 1
                counts = await purge(hub, utcnow())
            print(f"purged the free text of {counts.pop('cases')} closed cases (retention {days} days)")
        for table, n in counts.items():
            print(f"  {table}: {n}")
        return 0

    return _with_hub(args, work)


def cmd_hash_password(args: argparse.Namespace) -> int:
    from app.security.passwords import hash_password

    if sys.stdin.isatty():
        first = getpass.getpass("password: ")
        if first != getpass.getpass("again: "):
            print("firstline: the passwords differ", file=sys.stderr)
            return 2
    else:
        first = sys.stdin.readline().rstrip("\n")
    if len(first) < 8:
        print("firstline: use at least 8 characters", file=sys.stderr)
        return 2
    print(hash_password(first))
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    os.environ.setdefault("FIRSTLINE_REGION_FILE", str(DEMO_REGION))
    settings = Settings.from_env()
    region = _check_region(settings)
    _check_secrets(settings, demo=True)
    ns = argparse.Namespace(csv=str(DEMO_PATIENTS), region=None)
    if cmd_import(ns) != 0:
        return 2
    base = f"http://{args.host}:{args.port}"
    unit = region.units[0]
    print(
        f"""
Firstline demo — {region.region.name}
  database: {settings.database_url}
  API docs: {base}/schema/swagger
  logins (username / password):"""
    )
    for p in region.professionals:
        print(f"    {p.username:<8} / {p.username}-demo   {p.role:<11} {p.unit}")
    print(
        f"""
A signed callback request (paste into a shell; needs openssl):

BODY='{{"call_id":"demo-'$(date +%s)'","caller":"+358401234567","dialed":"{unit.callback_number}","line":1,"voicemail_text":"Tarvitsen reseptin uusinnan"}}'
TS=$(date +%s); SIG=$(printf '%s.%s' "$TS" "$BODY" | openssl dgst -sha256 -hmac '{settings.webhook_secret}' | sed 's/^.* //')
curl -s -X POST {base}/channels/phone/callback-requests -H 'Content-Type: application/json' \\
  -H "X-Firstline-Signature: t=$TS,v1=$SIG" -d "$BODY"; echo

Then log in and open the inbox:
TOKEN=$(curl -s -X POST {base}/api/auth/login -H 'Content-Type: application/json' \\
  -d '{{"username":"aino","password":"aino-demo"}}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
curl -s {base}/api/inbox?queue=mine -H "Authorization: Bearer $TOKEN"; echo
""",
        flush=True,
    )
    serve = argparse.Namespace(host=args.host, port=args.port, workers=1, region=None)
    return cmd_serve(serve, demo=True)


def main(argv: list[str] | None = None) -> int:
    from app.logs import install

    install()  # the commands' own log lines are masked like the server's
    parser = argparse.ArgumentParser(prog="firstline", description="Omnichannel first-line contact hub")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("serve", help="migrate the database, then serve the API")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.add_argument("--workers", type=int, default=1)
    p.add_argument("--region", help="region file (TOML); default FIRSTLINE_REGION_FILE or the demo region")
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("demo", help="serve the bundled demo region with demo patients")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8000)
    p.set_defaults(func=cmd_demo)

    p = sub.add_parser("migrate", help="bring the database schema up to date")
    p.set_defaults(func=cmd_migrate)

    p = sub.add_parser("import-patients", help="import or update patients from a CSV file")
    p.add_argument("csv")
    p.add_argument("--region")
    p.set_defaults(func=cmd_import)

    p = sub.add_parser("jobs", help="run the clock's jobs (SLA sweep, follow-ups, end of day, retention)")
    p.add_argument("--once", action="store_true", required=True, help="run every job once, now, and exit")
    p.add_argument("--region")
    p.set_defaults(func=cmd_jobs)

    p = sub.add_parser("purge", help="remove closed cases' free text after the region's retention period")
    p.add_argument("--dry-run", action="store_true", help="count what would be purged; change nothing")
    p.add_argument("--region")
    p.set_defaults(func=cmd_purge)

    p = sub.add_parser("hash-password", help="print an argon2id hash for the region file")
    p.set_defaults(func=cmd_hash_password)

    args = parser.parse_args(argv)
    return int(args.func(args) or 0)


if __name__ == "__main__":
    raise SystemExit(main())
