"""/metrics: the 7-day KPI gauges from the database (SQL agrees with the rules, on both databases),
a failed read leaves no stale numbers, who may scrape, and HTTP requests counted by route template."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from litestar.testing import AsyncTestClient
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import insert

from app.api.http_metrics import MetricsAccess
from app.db import operations, scrape
from app.db import schema as t
from app.domain import kpi_window
from app.main import create_app
from app.settings import DEMO_REGION, Settings
from tests.conftest import METRICS_TOKEN
from tests.helpers import callback, login

HKI = ZoneInfo("Europe/Helsinki")
NOW = datetime(2026, 3, 30, 12, 0, tzinfo=timezone.utc)  # the window spans the spring DST change
SCRAPER = {"Authorization": f"Bearer {METRICS_TOKEN}"}


def samples(text: str) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def value(text: str, name: str, **labels: str) -> float | None:
    return samples(text).get((name, tuple(sorted(labels.items()))))


def random_cases(rng: random.Random) -> tuple[list[dict], list[dict]]:
    cases, contacts = [], []
    for i in range(120):
        created = NOW - timedelta(seconds=rng.randrange(0, 9 * 86400))
        resolved = rng.random() < 0.7
        resolved_at = min(created + timedelta(seconds=rng.randrange(0, 2 * 86400)), NOW - timedelta(seconds=1))
        merged = rng.random() < 0.1
        cid = t.new_id()
        first_cb = rng.choice([None, created + timedelta(seconds=rng.randrange(0, 30 * 3600))])
        due = created + timedelta(seconds=rng.choice([3600, 20 * 3600, 3 * 86400]))  # today, tomorrow morning, after a weekend
        patient = rng.choice([None, "p-0001", "p-0002", "p-0003", "p-0004"])
        cases.append(
            {"id": cid, "status": "resolved" if resolved else "new", "queue": "overflow:kajaani",
             "unit": rng.choice(["kajaani", "sotkamo"]), "urgency": "unassessed", "urgency_rank": 2,
             "urgency_source": "none", "due_at": due, "at_risk_at": created, "channel": rng.choice(["phone", "phone", "chat"]),
             "routing_reason": "unidentified", "patient_id": patient, "first_callback_at": first_cb,
             "handovers": rng.choice([0, 0, 0, 1]), "contacts_count": rng.choice([1, 1, 1, 2]),
             "first_handler": rng.choice([None, "n-aino", "n-eero"]),
             "resolved_by": rng.choice(["n-aino", "n-eero"]) if resolved else None,
             "resolved_at": resolved_at if resolved else None,
             "outcome": None if merged or not resolved else "ADVICE", "merged_into": t.new_id() if merged else None,
             "created_at": created, "updated_at": created}
        )  # fmt: skip
        contacts.append(
            {"id": t.new_id(), "channel": "phone", "external_id": f"kpi-{i}", "case_id": cid, "unit": "kajaani",
             "patient_id": patient, "received_at": created, "created_at": created, "response": "{}"}
        )  # fmt: skip
    return cases, contacts


def expected(cases: list[dict], contacts: list[dict]) -> tuple[dict[str, tuple[int, int]], dict[str, tuple[int, int]]]:
    start, end = kpi_window.window(NOW)
    fcr: dict[str, tuple[int, int]] = {}
    same: dict[str, tuple[int, int]] = {}
    for c in cases:
        if c["status"] == "resolved" and c["merged_into"] is None and c["outcome"] and start <= c["resolved_at"] < end:
            later = [k["received_at"] for k in contacts if c["patient_id"] and k["patient_id"] == c["patient_id"] and k["case_id"] != c["id"]]
            hit = kpi_window.is_fcr(c["handovers"], c["contacts_count"], c["first_handler"], c["resolved_by"], c["resolved_at"], later)
            h, n = fcr.get(c["unit"], (0, 0))
            fcr[c["unit"]] = (h + hit, n + 1)
        if c["channel"] == "phone" and c["merged_into"] is None and start <= c["created_at"] < end:
            hit = kpi_window.same_day(c["first_callback_at"], c.get("promised_at"), c["due_at"], HKI)
            h, n = same.get(c["unit"], (0, 0))
            same[c["unit"]] = (h + hit, n + 1)
    return fcr, same


async def test_the_window_sql_agrees_with_the_rules(db) -> None:  # type: ignore[no-untyped-def]
    cases, contacts = random_cases(random.Random(11))
    async with db.begin() as conn:
        await conn.execute(insert(t.cases), cases)
        await conn.execute(insert(t.contacts), contacts)
    start, end = kpi_window.window(NOW)
    fcr = await scrape.fcr_counts(db, start, end)
    same = await scrape.same_day_counts(db, start, end, kpi_window.local_days(start, end + kpi_window.DUE_AHEAD, HKI))
    want_fcr, want_same = expected(cases, contacts)
    assert {r.unit: (r.hits, r.total) for r in fcr} == want_fcr
    assert {r.unit: (r.hits, r.total) for r in same} == want_same
    assert all(0 < h < n for h, n in [*want_fcr.values(), *want_same.values()])  # the sample exercises both sides


async def test_the_kpi_gauges_after_a_case_is_worked(client) -> None:  # type: ignore[no-untyped-def]
    created = (await callback(client, "fcr-1")).json()
    aino = await login(client, "aino")
    cid = created["case_id"]
    assert (await client.post(f"/api/cases/{cid}/claim", headers=aino)).status_code == 200
    r = await client.post(f"/api/cases/{cid}/callback-attempts", json={"result": "reached"}, headers=aino)
    assert r.status_code in (200, 201), r.text
    r = await client.post(f"/api/cases/{cid}/resolve", json={"outcome": "ADVICE"}, headers=aino)
    assert r.status_code == 200, r.text
    text = (await client.get("/metrics", headers=SCRAPER)).text
    assert value(text, "firstline_fcr_ratio", unit="kajaani") == 1.0
    assert value(text, "firstline_same_day_callback_ratio", unit="kajaani") == 1.0
    assert value(text, "firstline_fcr_ratio", unit="sotkamo") is None  # nothing to count there
    assert value(text, "firstline_scrape_ok", source="kpis") == 1.0
    # the same patient calls again: the resolution is no longer first-contact
    await callback(client, "fcr-2")
    text = (await client.get("/metrics", headers=SCRAPER)).text
    assert value(text, "firstline_fcr_ratio", unit="kajaani") == 0.0
    assert value(text, "firstline_same_day_callback_ratio", unit="kajaani") == 0.5


async def test_unclaimed_cases_past_their_at_risk_time(client, db) -> None:  # type: ignore[no-untyped-def]
    from app.clock import utcnow

    now = utcnow()
    past, future = now - timedelta(minutes=10), now + timedelta(minutes=10)
    rows = [
        ("new", "personal:n-aino", past), ("new", "personal:n-eero", past), ("claimed", "personal:n-aino", past),
        ("new", "overflow:kajaani", future), ("resolved", "overflow:kajaani", past), ("new", "chat:sotkamo", past),
    ]  # fmt: skip
    async with db.begin() as conn:
        await conn.execute(
            insert(t.cases),
            [{"id": t.new_id(), "status": status, "queue": queue, "unit": queue.split(":")[1] if ":" in queue and not queue.startswith("personal") else "kajaani",
              "urgency": "unassessed", "urgency_rank": 2, "urgency_source": "none", "due_at": future, "at_risk_at": at,
              "channel": "phone", "routing_reason": "named_nurse", "created_at": now, "updated_at": now}
             for status, queue, at in rows],
        )  # fmt: skip
    text = (await client.get("/metrics", headers=SCRAPER)).text
    assert value(text, "firstline_cases_at_risk", unit="kajaani", queue_kind="personal") == 2.0
    assert value(text, "firstline_cases_at_risk", unit="kajaani", queue_kind="overflow") == 0.0
    assert value(text, "firstline_cases_at_risk", unit="sotkamo", queue_kind="chat") == 1.0


async def test_a_failed_read_is_logged_counted_and_leaves_no_stale_gauges(client, monkeypatch, caplog) -> None:  # type: ignore[no-untyped-def]
    await callback(client, "stale-1")
    text = (await client.get("/metrics", headers=SCRAPER)).text
    depth = [v for (name, labels), v in samples(text).items() if name == "firstline_queue_depth" and ("unit", "kajaani") in labels]
    assert sum(depth) == 1.0

    async def down(*args: object) -> None:
        raise ConnectionRefusedError("database gone")

    monkeypatch.setattr(operations, "open_queue_counts", down)
    monkeypatch.setattr(scrape, "fcr_counts", down)
    with caplog.at_level(logging.ERROR, logger="firstline.metrics"):
        r = await client.get("/metrics", headers=SCRAPER)
    assert r.status_code == 200
    assert "firstline_queue_depth{" not in r.text and "firstline_oldest_waiting_seconds{" not in r.text
    assert "firstline_cases_at_risk{" not in r.text
    assert "firstline_fcr_ratio{" not in r.text and "firstline_same_day_callback_ratio{" not in r.text
    assert value(r.text, "firstline_scrape_ok", source="queues") == 0.0
    assert value(r.text, "firstline_scrape_ok", source="kpis") == 0.0
    assert value(r.text, "firstline_scrape_errors_total", source="queues") == 1.0
    assert value(r.text, "firstline_contacts_total", channel="phone", unit="kajaani", line="1") == 1.0  # counters stay
    assert any("open queues failed" in rec.getMessage() for rec in caplog.records)


async def test_an_unreachable_database_still_scrapes_with_scrape_ok_0(region) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(
        database_url="postgresql+asyncpg://postgres@127.0.0.1:1/none", region_file=str(DEMO_REGION), run_jobs=False,
        metrics_token=METRICS_TOKEN,
    )  # fmt: skip
    async with AsyncTestClient(app=create_app(settings, region)) as c:
        assert (await c.get("/readyz")).status_code == 503
        r = await c.get("/metrics", headers=SCRAPER)
    assert r.status_code == 200
    assert value(r.text, "firstline_scrape_ok", source="queues") == 0.0
    assert "firstline_queue_depth{" not in r.text
    http = {"app_name": "firstline", "method": "GET", "path": "/readyz", "status_code": "503"}
    assert value(r.text, "firstline_http_requests_error_total", **http) == 1.0  # what FirstlineHttp5xxRate counts
    assert value(r.text, "firstline_http_requests_total", **http) == 1.0


async def test_only_allowed_addresses_or_the_token_may_scrape(client) -> None:  # type: ignore[no-untyped-def]
    r = await client.get("/metrics")  # the test client's address is "testclient"
    assert r.status_code == 403 and "FIRSTLINE_METRICS_ALLOW" in r.text and "FIRSTLINE_METRICS_TOKEN" in r.text
    r = await client.get("/metrics", headers={"Authorization": "Bearer wrong"})
    assert r.status_code == 403 and "does not match" in r.text
    assert (await client.get("/metrics", headers=SCRAPER)).status_code == 200


def test_the_allow_list_takes_addresses_and_networks() -> None:
    access = MetricsAccess(["127.0.0.1", "10.0.0.0/8", "::1"], token=None)
    assert access.refusal("127.0.0.1", None) is None
    assert access.refusal("10.20.30.40", None) is None
    assert access.refusal("::ffff:10.1.1.1", None) is None
    assert access.refusal("::1", None) is None
    refused = access.refusal("192.168.1.5", "Bearer anything")
    assert refused and "192.168.1.5" in refused and "FIRSTLINE_METRICS_ALLOW" in refused and "TOKEN" not in refused
    assert access.refusal(None, None)
    with pytest.raises(ValueError, match="not-an-ip"):
        MetricsAccess(["not-an-ip"], None)
    assert Settings.from_env({"FIRSTLINE_METRICS_ALLOW": "127.0.0.1, 10.0.0.0/8"}).metrics_allow == ["127.0.0.1", "10.0.0.0/8"]
    assert Settings.from_env({}).metrics_allow == ["127.0.0.1", "::1"]


async def test_http_requests_are_counted_by_route_template(client) -> None:  # type: ignore[no-untyped-def]
    aino = await login(client, "aino")
    cid = (await callback(client, "tpl-1")).json()["case_id"]
    assert (await client.get(f"/api/cases/{cid}", headers=aino)).status_code == 200
    await client.get("/no/such/path/123")
    text = (await client.get("/metrics", headers=SCRAPER)).text
    assert cid not in text
    paths = {s.labels["path"] for f in text_string_to_metric_families(text) if f.name == "firstline_http_requests" for s in f.samples}
    assert any(p.startswith("/api/cases/{") for p in paths), paths
    assert not any("/no/such" in p for p in paths)  # a path no route answers is not counted


async def test_each_request_is_timed_once_and_leaves_nothing_in_progress(client) -> None:  # type: ignore[no-untyped-def]
    """The series Grafana's latency panels and the 5xx alert read: one count, one duration
    observation per request, and the in-progress gauge back at zero once answered."""
    for _ in range(3):
        assert (await client.get("/healthz")).status_code == 200
    text = (await client.get("/metrics", headers=SCRAPER)).text
    http = {"app_name": "firstline", "method": "GET", "path": "/healthz", "status_code": "200"}
    assert value(text, "firstline_http_requests_total", **http) == 3.0
    assert value(text, "firstline_http_request_duration_seconds_count", **http) == 3.0
    assert value(text, "firstline_http_request_duration_seconds_sum", **http) > 0.0
    assert value(text, "firstline_http_requests_in_progress", **http) == 0.0
    assert value(text, "firstline_http_requests_error_total", **http) is None  # a 200 is no error
