"""Every metric of SPEC §13 is exported with its type and labels (the table copied here), plus
the scrape-time KPI gauges; no label could carry a person."""

from __future__ import annotations

from prometheus_client.metrics import MetricWrapperBase

from app.metrics import SCRAPE_GAUGES, Metrics

SPEC_13 = {
    "firstline_contacts_total": ("counter", {"channel", "unit", "line"}),
    "firstline_contacts_merged_total": ("counter", {"channel"}),
    "firstline_routing_total": ("counter", {"unit", "reason"}),
    "firstline_cases_resolved_total": ("counter", {"unit", "outcome", "first_contact"}),
    "firstline_failure_demand_total": ("counter", {"unit", "outcome"}),
    "firstline_callback_delay_seconds": ("histogram", {"unit", "urgency"}),
    "firstline_callbacks_due_total": ("counter", {"unit"}),
    "firstline_callbacks_within_due_total": ("counter", {"unit"}),
    "firstline_chat_wait_seconds": ("histogram", {"unit"}),
    "firstline_queue_depth": ("gauge", {"unit", "queue_kind"}),
    "firstline_oldest_waiting_seconds": ("gauge", {"unit", "queue_kind"}),
    "firstline_sla_breaches_total": ("counter", {"unit", "urgency"}),
    "firstline_red_flags_total": ("counter", {"flag"}),
    "firstline_live_connections": ("gauge", {"kind"}),
    "firstline_survey_responses_total": ("counter", {"unit", "nps_band"}),
    # issue 11: the 7-day KPIs at scrape time
    "firstline_fcr_ratio": ("gauge", {"unit"}),
    "firstline_same_day_callback_ratio": ("gauge", {"unit"}),
}
PERSONAL = {"patient", "patient_id", "professional", "user", "username", "phone", "caller", "name", "case_id", "id"}


def exported() -> dict[str, tuple[str, set[str]]]:
    found = {}
    for metric in vars(Metrics()).values():
        if isinstance(metric, MetricWrapperBase):
            name = metric._name + ("_total" if metric._type == "counter" else "")
            found[name] = (metric._type, set(metric._labelnames))
    for name, (_, labels) in SCRAPE_GAUGES.items():
        found[name] = ("gauge", set(labels))
    return found


def test_every_spec_metric_is_exported_with_its_labels() -> None:
    found = exported()
    for name, (kind, labels) in SPEC_13.items():
        assert name in found, name
        assert found[name] == (kind, labels), name


def test_no_label_names_a_person() -> None:
    for name, (_, labels) in exported().items():
        assert not labels & PERSONAL, name
