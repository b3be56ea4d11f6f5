"""Two real `firstline serve` processes on one PostgreSQL database, both running the clock with a
short sweep interval: every spill, overdue mark, at-risk flag, emergency alert and returning
follow-up happens exactly once, each breach is counted once across the two, and the change
reaches a live socket."""

from __future__ import annotations

import asyncio
import json
import re
import time
import uuid
from datetime import UTC, datetime, timedelta

import asyncpg
import httpx
import pytest

from tests.live.conftest import free_port, import_demo_patients, start_process
from tests.live.test_inbox_stream import call, connect, login, next_event
from tests.live.test_instances import At, redis_url, shared_pg  # noqa: F401 — fixtures

SWEEP_SECONDS = "0.3"


@pytest.fixture
def clocked_instances(shared_pg: str, redis_url: str):  # type: ignore[no-untyped-def]  # noqa: F811
    env = {
        "FIRSTLINE_DATABASE_URL": shared_pg,
        "FIRSTLINE_REDIS_URL": redis_url,
        "FIRSTLINE_WEBHOOK_SECRET": "test-webhook-secret",
        # per run: rate-limit counters in the shared Redis are keyed with it (other runs' don't count)
        "FIRSTLINE_SECRET_KEY": f"multi-instance-test-secret-{uuid.uuid4().hex}",
        "FIRSTLINE_RUN_JOBS": "1",
        "FIRSTLINE_SWEEP_SECONDS": SWEEP_SECONDS,
    }
    import_demo_patients(env)
    ports = (free_port(), free_port())
    procs = [start_process(port, env) for port in ports]
    try:
        yield shared_pg.replace("postgresql+asyncpg://", "postgresql://", 1), ports
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=20)


def counter(metrics_text: str, name: str) -> float:
    """The sum of a counter's samples over all label sets in one instance's /metrics."""
    return sum(float(v) for v in re.findall(rf"^{name}\{{[^}}]*\}} ([0-9.e+]+)$", metrics_text, re.M))


def test_two_instances_sweep_each_case_once(clocked_instances) -> None:  # type: ignore[no-untyped-def]
    dsn, ports = clocked_instances
    a, b = (At(p) for p in ports)

    async def scenario() -> None:
        async with httpx.AsyncClient(base_url=a.http, timeout=10) as on_a, httpx.AsyncClient(base_url=b.http, timeout=10) as on_b:
            watcher, _, _ = await connect(b, await login(on_b, "paula"))
            spill = [
                (await call(on_a, "clk-1"))["case_id"],  # Matti → Aino
                (await call(on_a, "clk-2", caller="+358449876543"))["case_id"],  # Erik → Eero
                (await call(on_a, "clk-3", caller="+358452223344"))["case_id"],  # Anna → Liisa
            ]
            overdue = (await call(on_a, "clk-4", caller="+358401119999"))["case_id"]  # unknown → overflow
            at_risk = (await call(on_a, "clk-5", caller="+358407654321"))["case_id"]  # Ahmed → Eero
            emergency = (await call(on_a, "clk-6", caller="+358401118888", voicemail_text="puristava rintakipu ja hengenahdistus"))
            assert emergency["urgency"] == "emergency", emergency
            # Maija's callback: Aino agrees to call back in three seconds (a follow-up)
            held = (await call(on_a, "clk-7", caller="+358501112233"))["case_id"]
            aino = {"Authorization": f"Bearer {await login(on_b, 'aino')}"}
            assert (await on_b.post(f"/api/cases/{held}/claim", headers=aino)).status_code == 200
            at = (datetime.now(UTC) + timedelta(seconds=3)).isoformat()
            r = await on_b.post(f"/api/cases/{held}/follow-up", json={"at": at, "note": "Soitan pian"}, headers=aino)
            assert r.status_code == 201, r.text
            conn = await asyncpg.connect(dsn)
            try:
                ids = ", ".join(f"'{c}'" for c in [*spill, overdue, emergency["case_id"]])
                await conn.execute(
                    f"UPDATE cases SET due_at = now() - interval '1 minute', at_risk_at = now() - interval '2 minutes' WHERE id IN ({ids})"
                )
                await conn.execute(
                    f"UPDATE cases SET due_at = now() + interval '1 hour', at_risk_at = now() - interval '1 second' WHERE id = '{at_risk}'"
                )
                # the at-risk case turns amber live, seen on the other instance's socket
                deadline = time.monotonic() + 15
                while True:
                    event = await next_event(watcher, timeout=max(deadline - time.monotonic(), 0.1))
                    if event["type"] == "case.escalated" and event["case_id"] == at_risk:
                        assert event["reason"] == "at_risk" and event["case"]["at_risk"] is True
                        break
                await asyncio.sleep(float(SWEEP_SECONDS) * 10)  # many rounds on both instances
                rows = await conn.fetch("SELECT case_id, data FROM events WHERE type = 'case.escalated'")
                returned = await conn.fetch("SELECT case_id FROM events WHERE type = 'case.follow_up_due'")
                cases = {r["id"]: r for r in await conn.fetch("SELECT id, queue, overdue, breached_at FROM cases")}
            finally:
                await conn.close()
            reasons: dict[str, list[str]] = {}
            for r in rows:
                reasons.setdefault(r["case_id"], []).append(json.loads(r["data"])["reason"])
            for cid in spill:
                assert reasons.get(cid) == ["sla_spill"], (cid, reasons.get(cid))
                assert cases[cid]["queue"].startswith("team:") and cases[cid]["overdue"]
            assert reasons.get(overdue) == ["overdue"]
            assert reasons.get(at_risk) == ["at_risk"]
            assert reasons.get(emergency["case_id"]) == ["emergency_waiting"]  # again only after five minutes
            assert [r["case_id"] for r in returned] == [held]  # the follow-up came back once
            # each instance counts what it did; together, each breach and fallen-due callback once
            texts = [(await on.get("/metrics")).text for on in (on_a, on_b)]
            assert sum(counter(t, "firstline_sla_breaches_total") for t in texts) == 5
            assert sum(counter(t, "firstline_callbacks_due_total") for t in texts) == 5
            runs = [counter(t, "firstline_job_runs_total") for t in texts]
            assert all(n > 0 for n in runs), runs  # both clocks ran
            await watcher.close()

    asyncio.run(scenario())
