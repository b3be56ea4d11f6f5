"""Prometheus collectors (SPEC §13). Labels carry units, queues kinds and codes — never people."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

REGISTRY = CollectorRegistry(auto_describe=True)

CONTACTS = Counter("firstline_contacts_total", "Inbound contacts", ["channel", "unit", "line"], registry=REGISTRY)
CONTACTS_MERGED = Counter(
    "firstline_contacts_merged_total", "Contacts attached to an open case", ["channel"], registry=REGISTRY
)
ROUTING = Counter("firstline_routing_total", "Routing decisions by reason", ["unit", "reason"], registry=REGISTRY)
DEPRECATED_CALLS = Counter(
    "firstline_deprecated_number_calls_total", "Calls to retired numbers answered with a redirect", ["unit"], registry=REGISTRY
)
RESOLVED = Counter(
    "firstline_cases_resolved_total", "Resolved cases", ["unit", "outcome", "first_contact"], registry=REGISTRY
)
FAILURE_DEMAND = Counter(
    "firstline_failure_demand_total", "Cases resolved with a failure-demand code", ["unit", "outcome"], registry=REGISTRY
)
CALLBACK_DELAY = Histogram(
    "firstline_callback_delay_seconds",
    "Request to first callback attempt",
    ["unit", "urgency"],
    buckets=(60, 300, 900, 1800, 3600, 7200, 14400, 28800, 86400, 172800),
    registry=REGISTRY,
)
CALLBACKS_DUE = Counter("firstline_callbacks_due_total", "First callback attempts made", ["unit"], registry=REGISTRY)
CALLBACKS_WITHIN_DUE = Counter(
    "firstline_callbacks_within_due_total", "First callback attempts made before the due time", ["unit"], registry=REGISTRY
)
CHAT_WAIT = Histogram(
    "firstline_chat_wait_seconds", "Chat queue wait", ["unit"], buckets=(10, 30, 60, 120, 300, 600, 1200, 3600), registry=REGISTRY
)
QUEUE_DEPTH = Gauge("firstline_queue_depth", "Open cases", ["unit", "queue_kind"], registry=REGISTRY)
OLDEST_WAITING = Gauge(
    "firstline_oldest_waiting_seconds", "Age of the oldest unclaimed case", ["unit", "queue_kind"], registry=REGISTRY
)
SLA_BREACHES = Counter("firstline_sla_breaches_total", "Cases past due", ["unit", "urgency"], registry=REGISTRY)
RED_FLAGS = Counter("firstline_red_flags_total", "Red flags raised by the urgency rules", ["flag"], registry=REGISTRY)
LIVE_CONNECTIONS = Gauge("firstline_live_connections", "Open live sockets", ["kind"], registry=REGISTRY)
SURVEY_RESPONSES = Counter(
    "firstline_survey_responses_total", "Survey answers", ["unit", "nps_band"], registry=REGISTRY
)
INTAKE_BATCH = Histogram(
    "firstline_intake_batch_size",
    "Contacts written together in one intake statement (PostgreSQL)",
    buckets=(1, 2, 4, 8, 16, 32, 64),
    registry=REGISTRY,
)
LOGIN_FAILURES = Counter("firstline_login_failures_total", "Failed professional logins", registry=REGISTRY)


def contact_received(channel: str, unit: str, line: int | None, reason: str, merged: bool) -> None:
    CONTACTS.labels(channel, unit, str(line) if line is not None else "").inc()
    ROUTING.labels(unit, reason).inc()
    if merged:
        CONTACTS_MERGED.labels(channel).inc()
