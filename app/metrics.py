"""Prometheus collectors (SPEC §13). Labels carry units, queues kinds and codes — never people.

Each app owns its registry (`create_app` makes one `Metrics`), so two apps in one process — the
tests run every API test on SQLite and then on PostgreSQL — never share a count.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram


class Metrics:
    def __init__(self) -> None:
        r = self.registry = CollectorRegistry(auto_describe=True)
        self.contacts = Counter("firstline_contacts_total", "Inbound contacts", ["channel", "unit", "line"], registry=r)
        self.contacts_merged = Counter(
            "firstline_contacts_merged_total", "Contacts attached to an open case", ["channel"], registry=r
        )
        self.routing = Counter("firstline_routing_total", "Routing decisions by reason", ["unit", "reason"], registry=r)
        self.deprecated_calls = Counter(
            "firstline_deprecated_number_calls_total", "Calls to retired numbers answered with a redirect", ["unit"], registry=r
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
        self.queue_depth = Gauge("firstline_queue_depth", "Open cases", ["unit", "queue_kind"], registry=r)
        self.oldest_waiting = Gauge(
            "firstline_oldest_waiting_seconds", "Age of the oldest unclaimed case", ["unit", "queue_kind"], registry=r
        )
        self.sla_breaches = Counter("firstline_sla_breaches_total", "Cases past due", ["unit", "urgency"], registry=r)
        self.red_flags = Counter("firstline_red_flags_total", "Red flags raised by the urgency rules", ["flag"], registry=r)
        self.live_connections = Gauge("firstline_live_connections", "Open live sockets", ["kind"], registry=r)
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

    def contact_received(self, channel: str, unit: str, line: int | None, reason: str, merged: bool, flags: list[str]) -> None:
        self.contacts.labels(channel, unit, str(line) if line is not None else "").inc()
        self.routing.labels(unit, reason).inc()
        if merged:
            self.contacts_merged.labels(channel).inc()
        for flag in flags:
            self.red_flags.labels(flag).inc()
