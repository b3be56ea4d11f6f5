"""The `firstline` command: import-patients all-or-nothing, hash-password, region errors."""

from __future__ import annotations

import asyncio
import io
import subprocess
import sys
from pathlib import Path

import pytest
from argon2 import PasswordHasher
from sqlalchemy import func, select

from app.cli import main
from app.db import schema as t
from app.db.engine import make_engine

GOOD = """id,name,phones,language,named_nurse,named_doctor,unit,hearing_impaired,interpreter_language
p-1,Testi Potilas,040 765 4321,fi,n-aino,,kajaani,false,
p-2,Toinen Potilas,+358501234000;0401112223,sv,n-eero,d-mikko,kajaani,yes,
"""


async def _patients(url: str) -> list[tuple[str, str]]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = (await conn.execute(select(t.patients.c.id, t.patients.c.name).order_by(t.patients.c.id))).all()
            phones = (await conn.execute(select(func.count()).select_from(t.patient_phones))).scalar_one()
        return [tuple(r) for r in rows] + [("phones", str(phones))]  # type: ignore[misc]
    finally:
        await engine.dispose()


@pytest.fixture
def sqlite_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path}/cli.db"
    monkeypatch.setenv("FIRSTLINE_DATABASE_URL", url)
    monkeypatch.delenv("FIRSTLINE_REGION_FILE", raising=False)
    return url


def test_import_then_reimport_updates(sqlite_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "p.csv"
    f.write_text(GOOD, encoding="utf-8")
    assert main(["import-patients", str(f)]) == 0
    assert "imported 2 new and updated 0" in capsys.readouterr().out
    f.write_text(GOOD.replace("Testi Potilas", "Testi Muutettu"), encoding="utf-8")
    assert main(["import-patients", str(f)]) == 0
    assert "imported 0 new and updated 2" in capsys.readouterr().out
    assert asyncio.run(_patients(sqlite_env)) == [("p-1", "Testi Muutettu"), ("p-2", "Toinen Potilas"), ("phones", "3")]


def test_bad_row_names_its_line_and_imports_nothing(sqlite_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(GOOD + "p-3,Kolmas,not-a-phone,fi,n-aino,,kajaani,false,\n", encoding="utf-8")
    assert main(["import-patients", str(f)]) == 2
    err = capsys.readouterr().err
    assert "line 4" in err and "nothing was imported" in err
    assert asyncio.run(_patients(sqlite_env)) == [("phones", "0")]


def test_unknown_nurse_is_refused(sqlite_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    f = tmp_path / "bad.csv"
    f.write_text(GOOD.replace("n-eero", "n-nobody"), encoding="utf-8")
    assert main(["import-patients", str(f)]) == 2
    assert "line 3" in capsys.readouterr().err


def test_hash_password_reads_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    assert main(["hash-password"]) == 0
    phc = capsys.readouterr().out.strip()
    assert phc.startswith("$argon2id$") and PasswordHasher().verify(phc, "correct horse battery")


def test_broken_region_stops_serve_before_anything(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    bad = tmp_path / "region.toml"
    bad.write_text('[region]\nname = "x"\n', encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--region", str(bad)],
        capture_output=True,
        text=True,
        timeout=60,
        env={"PATH": "/usr/bin:/bin", "FIRSTLINE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/x.db"},
    )
    assert result.returncode == 2
    assert "region file" in result.stderr and "units" in result.stderr
    assert not (tmp_path / "x.db").exists()


def test_a_region_sized_import_on_postgresql(pg_url: str, region, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    """40,000 patients: more than PostgreSQL's 32,767 parameters in one statement."""
    from app.services.patients import import_patients

    header = "id,name,phones,language,named_nurse,named_doctor,unit,hearing_impaired,interpreter_language\n"
    lines = [f"x-{i},Potilas {i},+35840{2000000 + i:07d},fi,n-aino,,kajaani,false," for i in range(40_000)]

    async def run() -> tuple[int, int]:
        engine = make_engine(pg_url)
        try:
            first = await import_patients(engine, region, header + "\n".join(lines))
            again = await import_patients(engine, region, header + "\n".join(lines))
            return first.created, again.updated
        finally:
            await engine.dispose()

    assert asyncio.run(run()) == (40_000, 40_000)


def test_jobs_once_runs_every_job_of_the_clock(sqlite_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["jobs", "--once"]) == 0
    out = capsys.readouterr().out
    assert {"sla_sweep", "follow_ups", "end_of_day"} <= {line.split(":")[0] for line in out.splitlines()}


def test_jobs_once_sweeps_a_past_due_case(sqlite_env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`firstline jobs --once` runs every job now: a past-due callback in Aino's queue spills."""
    from datetime import timedelta

    from sqlalchemy import insert

    from app.clock import utcnow

    assert main(["jobs", "--once"]) == 0  # an empty database: nothing to do, still a clean run
    assert "sla_sweep: nothing to do" in capsys.readouterr().out
    now = utcnow()

    async def seed() -> None:
        engine = make_engine(sqlite_env)
        try:
            async with engine.begin() as conn:
                await conn.execute(insert(t.cases).values(
                    id="c-cli", status="new", queue="personal:n-aino", unit="kajaani", urgency="unassessed", urgency_rank=2,
                    urgency_source="none", due_at=now - timedelta(minutes=5), at_risk_at=now - timedelta(minutes=20),
                    channel="phone", routing_reason="named_nurse", created_at=now - timedelta(hours=1), updated_at=now,
                ))  # fmt: skip
        finally:
            await engine.dispose()

    async def queue() -> str:
        engine = make_engine(sqlite_env)
        try:
            async with engine.connect() as conn:
                return str((await conn.execute(select(t.cases.c.queue).where(t.cases.c.id == "c-cli"))).scalar_one())
        finally:
            await engine.dispose()

    asyncio.run(seed())
    assert main(["jobs", "--once"]) == 0
    out = capsys.readouterr().out
    assert "sla_sweep: sla_spill 1, breaches 1, callbacks_due 1" in out, out
    assert asyncio.run(queue()) == "team:kajaani-a"
async def _seed_old_closed_case(url: str) -> None:
    from datetime import datetime, timedelta, timezone

    from sqlalchemy import insert

    long_ago = datetime.now(timezone.utc) - timedelta(days=800)
    engine = make_engine(url)
    try:
        async with engine.begin() as conn:
            await conn.execute(insert(t.cases).values(
                id="c-old", status="resolved", queue="team:kajaani-a", unit="kajaani", urgency="non_urgent", urgency_rank=3,
                urgency_source="rules", due_at=long_ago, at_risk_at=long_ago, channel="phone", routing_reason="team",
                created_at=long_ago, updated_at=long_ago, resolved_at=long_ago, outcome="ADVICE", follow_up="Soitan huomenna",
            ))  # fmt: skip
            await conn.execute(insert(t.notes).values(id="n-1", case_id="c-old", author="n-aino", text="Astma", at=long_ago))
    finally:
        await engine.dispose()


async def _case_text(url: str) -> tuple[object, object, object]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            case = (await conn.execute(select(t.cases.c.follow_up, t.cases.c.purged_at).where(t.cases.c.id == "c-old"))).one()
            note = (await conn.execute(select(t.notes.c.text))).scalar_one()
        return case.follow_up, case.purged_at is not None, note
    finally:
        await engine.dispose()


def test_purge_dry_run_counts_then_purge_does_it(sqlite_env: str, capsys: pytest.CaptureFixture[str]) -> None:
    from app.db.migrate import upgrade

    upgrade(sqlite_env)
    asyncio.run(_seed_old_closed_case(sqlite_env))
    assert main(["purge", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "would purge the free text of 1 closed cases" in out and "notes: 1" in out
    assert asyncio.run(_case_text(sqlite_env)) == ("Soitan huomenna", False, "Astma")
    assert main(["purge"]) == 0
    assert "purged the free text of 1 closed cases (retention 365 days)" in capsys.readouterr().out
    assert asyncio.run(_case_text(sqlite_env)) == (None, True, "")
    assert main(["purge", "--dry-run"]) == 0
    assert "would purge the free text of 0 closed cases" in capsys.readouterr().out


ROOT = Path(__file__).resolve().parents[1]


def _serve_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "FIRSTLINE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path}/s.db", **extra}


@pytest.mark.parametrize(
    ("extra", "named"),
    [
        ({}, ["FIRSTLINE_SECRET_KEY is not set", "FIRSTLINE_WEBHOOK_SECRET is not set", "firstline demo"]),
        ({"FIRSTLINE_SECRET_KEY": "k" * 40}, ["FIRSTLINE_WEBHOOK_SECRET is not set"]),
        ({"FIRSTLINE_SECRET_KEY": "dev-only-secret-key-set-FIRSTLINE_SECRET_KEY-in-production", "FIRSTLINE_WEBHOOK_SECRET": "w"}, ["FIRSTLINE_SECRET_KEY is not set"]),
        ({"FIRSTLINE_SECRET_KEY": "short", "FIRSTLINE_WEBHOOK_SECRET": "w"}, ["shorter than 32"]),
        (
            {"FIRSTLINE_SECRET_KEY": "k" * 40, "FIRSTLINE_WEBHOOK_SECRET": "w", "FIRSTLINE_PATIENT_JWT_PUBLIC_KEY": "/idp.pem", "FIRSTLINE_PATIENT_JWT_ISSUER": "https://idp"},
            ["FIRSTLINE_PATIENT_JWT_AUDIENCE not"],
        ),
    ],
    ids=["unset", "webhook-unset", "dev-default", "short", "jwt-without-audience"],
)
def test_serve_refuses_development_secrets(tmp_path: Path, extra: dict[str, str], named: list[str]) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "app.cli", "serve", "--port", "1"], capture_output=True, text=True, timeout=60, env=_serve_env(tmp_path, **extra)
    )
    assert result.returncode == 2, result.stderr
    assert "refusing to start" in result.stderr and all(n in result.stderr for n in named), result.stderr
    assert not (tmp_path / "s.db").exists()  # refused before touching the database


def test_demo_starts_with_the_development_secrets_and_says_so(tmp_path: Path) -> None:
    import time

    import httpx

    from tests.live.conftest import free_port

    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "app.cli", "demo", "--port", str(port)],
        env={**_serve_env(tmp_path), "FIRSTLINE_RUN_JOBS": "0"}, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        deadline = time.monotonic() + 60
        ready = False
        while not ready and time.monotonic() < deadline and proc.poll() is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=1).status_code == 200
            except httpx.HTTPError:
                time.sleep(0.2)
        assert ready, "demo did not start"
    finally:
        proc.terminate()
        out = proc.communicate(timeout=20)[0].decode()
    assert "using the development FIRSTLINE_SECRET_KEY and FIRSTLINE_WEBHOOK_SECRET" in out, out
