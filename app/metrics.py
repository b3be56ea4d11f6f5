"""Prometheus collectors (SPEC §13). Labels carry units, queues kinds and codes — never people.

Each app owns its registry (`create_app` makes one `Metrics`), so two apps in one process — the
tests run every API test on SQLite and then on PostgreSQL — never share a count.

Several worker processes (`firstline serve --workers N`): with PROMETHEUS_MULTIPROC_DIR set before
the workers start (`serve` sets one up when N > 1), every process writes its counts to files there
and a scrape of any worker sums them all (`Metrics.render`).

The gauges read from the database at scrape time (SCRAPE_GAUGES: queues, 7-day FCR and same-day
callback ratios) are not kept in any registry: each scrape builds them anew (app/api/health.py),
so a failed read leaves them out — never a stale number — and `firstline_scrape_ok` says so.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector

# name -> (help, label names) of the gauges built at scrape time from the database
SCRAPE_GAUGES: dict[str, tuple[str, tuple[str, ...]]] = {
    "firstline_queue_depth": ("Open cases (from the database, the same on every instance)", ("unit", "queue_kind")),
    "firstline_oldest_waiting_seconds": ("Age of the oldest unclaimed case", ("unit", "queue_kind")),
    "firstline_cases_at_risk": (
        "Unclaimed open cases past their at-risk time (overdue included), from the database",
        ("unit", "queue_kind"),
    ),
    "firstline_fcr_ratio": ("First-contact resolution over the trailing 7 days (SPEC §9 rule)", ("unit",)),
    "firstline_same_day_callback_ratio": (
        "Phone callback cases of the trailing 7 days first called back on the local day they came in",
        ("unit",),
    ),
    "firstline_scrape_ok": ("1 when this scrape's database read succeeded, 0 when it failed", ("source",)),
}
HTTP_LABELS = ("method", "path", "status_code", "app_name")  # the labels of Litestar's Prometheus middleware


def multiprocess_dir() -> str | None:
    return os.environ.get("PROMETHEUS_MULTIPROC_DIR") or None


def scrape_gauge(name: str, samples: Iterable[tuple[Sequence[str], float]]) -> GaugeMetricFamily:
    """One of SCRAPE_GAUGES with its samples (label values in SCRAPE_GAUGES' order)."""
    help_text, labels = SCRAPE_GAUGES[name]
    family = GaugeMetricFamily(name, help_text, labels=list(labels))
    for values, value in samples:
        family.add_metric(list(values), value)
    return family


class _Families:
    def __init__(self, families: Iterable[Metric]) -> None:
        self.families = list(families)

    def collect(self) -> list[Metric]:
        return self.families


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.contacts = Counter("firstline_contacts_total", "Inbound contacts", ["channel", "unit", "line"], registry=r)
        self.contacts_merged = Counter(
            "firstline_contacts_merged_total", "Contacts attached to an open case", ["channel"], registry=r
        )
        self.routing = Counter("firstline_routing_total", "Routing decisions by reason", ["unit", "reason"], registry=r)
        self.deprecated_calls = Counter(
            "firstline_deprecated_number_calls_total", "Calls to retired numbers answered with a redirect (number: the retired service number, never a caller's)",
            ["unit", "number"],
            registry=r,
        )
        self.resolved = Counter(
            "firstline_cases_resolved_total", "Resolved cases", ["unit", "outcome", "first_contact"], registry=r
        )
        self.failure_demand = Counter(
            "firstline_failure_demand_total", "Cases resolved with a failure-demand code", ["unit", "outcome"], registry=r
        )
        self.callback_delay = Histogram(
            "firstline_callback_delay_seconds",
            "Request to first callback attempt",
            ["unit", "urgency"],
            buckets=(60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800),
            registry=r,
        )
        self.callbacks_due = Counter(
            "firstline_callbacks_due_total", "Phone callbacks that fell due (counted at their due time, made or not)", ["unit"], registry=r
        )
        self.callbacks_within_due = Counter(
            "firstline_callbacks_within_due_total", "Callbacks that fell due with the first attempt made by then", ["unit"], registry=r
        )
        self.callbacks_unreached = Counter(
            "firstline_callbacks_unreached_total",
            "Callbacks not reached by the end of their working day (counted once per day they are carried over)",
            ["unit"],
            registry=r,
        )
        self.chat_wait = Histogram(
            "firstline_chat_wait_seconds", "Chat queue wait", ["unit"], buckets=(10, 30, 60, 120, 300, 600, 1200, 3600), registry=r
        )
        self.sla_breaches = Counter("firstline_sla_breaches_total", "Cases past due", ["unit", "urgency"], registry=r)
        self.red_flags = Counter("firstline_red_flags_total", "Red flags raised by the urgency rules", ["flag"], registry=r)
        self.live_connections = Gauge(
            "firstline_live_connections", "Open live sockets", ["kind"], multiprocess_mode="livesum", registry=r
        )
        self.survey_responses = Counter("firstline_survey_responses_total", "Survey answers", ["unit", "nps_band"], registry=r)
        self.intake_batch = Histogram(
            "firstline_intake_batch_size",
            "Contacts written together in one intake statement (PostgreSQL)",
            buckets=(1, 2, 4, 8, 16, 32, 64),
            registry=r,
        )
        self.job_runs = Counter("firstline_job_runs_total", "Runs of the clock's jobs", ["job", "result"], registry=r)
        self.job_seconds = Histogram(
            "firstline_job_seconds", "How long a job's run took", ["job"], buckets=(0.01, 0.05, 0.1, 0.5, 1, 5, 30), registry=r
        )
        self.login_failures = Counter("firstline_login_failures_total", "Failed professional logins", registry=r)
        self.scrape_errors = Counter(
            "firstline_scrape_errors_total", "Failed database reads behind the scrape-time gauges", ["source"], registry=r
        )
        # HTTP requests, counted by app/api/http_metrics.py by path template
        self.http_requests = Counter("firstline_http_requests_total", "HTTP requests", HTTP_LABELS, registry=r)
        self.http_errors = Counter(
            "firstline_http_requests_error_total", "HTTP requests answered 5xx", HTTP_LABELS, registry=r
        )
        self.http_seconds = Histogram(
            "firstline_http_request_duration_seconds",
            "HTTP request duration",
            HTTP_LABELS,
            buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
            registry=r,
        )
        self.http_in_progress = Gauge(
            "firstline_http_requests_in_progress",
            "HTTP requests being served",
            HTTP_LABELS,
            multiprocess_mode="livesum",
            registry=r,
        )

    def render(self, scraped: Iterable[Metric] = ()) -> bytes:
        """The exposition text: this process's metrics — or, in multiprocess mode, every worker's
        summed from PROMETHEUS_MULTIPROC_DIR — followed by the gauges built for this scrape."""
        path = multiprocess_dir()
        if path is None:
            body = generate_latest(self.registry)
        else:
            merged = CollectorRegistry()
            MultiProcessCollector(merged, path)
            body = generate_latest(merged)
        return body + generate_latest(_Families(scraped))  # type: ignore[arg-type]

    def contact_received(self, channel: str, unit: str, line: int | None, reason: str, merged: bool, flags: list[str]) -> None:
        self.contacts.labels(channel, unit, str(line) if line is not None else "").inc()
        self.routing.labels(unit, reason).inc()
        if merged:
            self.contacts_merged.labels(channel).inc()
        for flag in flags:
            self.red_flags.labels(flag).inc()
