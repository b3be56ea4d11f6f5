"""A smoke test of the reports benchmark (ops/bench/reports.py) at a thousand cases: the history
generator's SQL runs, every measurement completes and the report renders. Not a measurement —
the bench itself (`python -m ops.bench.run --only reports`) is run by hand, see ops/bench/README.md."""

from __future__ import annotations

import uuid

import pytest

from tests.conftest import PG_ADMIN


@pytest.fixture
def bench_url() -> str:
    import asyncio

    import asyncpg

    try:
        asyncio.run(_ping())
    except (OSError, asyncpg.PostgresError) as exc:  # pragma: no cover - depends on the machine
        import os

        if os.environ.get("FIRSTLINE_REQUIRE_SERVICES") == "1":
            raise
        pytest.skip(f"PostgreSQL not reachable: {exc}")
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+asyncpg://", 1)
    return f"{base}/bench_smoke_{uuid.uuid4().hex[:8]}"


async def _ping() -> None:
    import asyncpg

    conn = await asyncpg.connect(PG_ADMIN, timeout=5)
    await conn.close()


def test_reports_bench_runs_at_a_thousand_cases(bench_url: str) -> None:
    from ops.bench import reports

    report = reports.run_bench(bench_url, cases=1000, patients=200, open_=80, report_runs=1, inbox_runs=3)
    gen = report["generation"]
    assert gen["rows.cases"] == 1000 and gen["rows.patients"] >= 200 and gen["rows.contacts"] >= 1000
    results = report["results"]
    assert {f"inbox.aino.{f}" for f in reports.FILTERS} <= set(results)
    assert results["report.sample"]["resolved"] > 0
    assert "report.region_month" in reports.render(report)
