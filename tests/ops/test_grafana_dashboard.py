"""ops/grafana/firstline.json: valid JSON, Prometheus datasource chosen by a variable, and every
query names metrics (and grouping labels) that app/metrics.py exports."""

from __future__ import annotations

import json
import re
from pathlib import Path

from prometheus_client.metrics import MetricWrapperBase

from app.metrics import SCRAPE_GAUGES, Metrics

DASHBOARD = Path(__file__).resolve().parents[2] / "ops" / "grafana" / "firstline.json"
SERIES_SUFFIXES = {"counter": ("_total",), "histogram": ("_bucket", "_sum", "_count"), "gauge": ("",)}
PROMETHEUS_LABELS = {"instance", "job", "le"}  # added by the scrape or by histograms


def exported() -> dict[str, set[str]]:
    """Every series name /metrics can show, with its label names."""
    names: dict[str, set[str]] = {"up": set()}
    for metric in vars(Metrics()).values():
        if isinstance(metric, MetricWrapperBase):
            for suffix in SERIES_SUFFIXES[metric._type]:
                names[metric._name + suffix] = set(metric._labelnames)
    for name, (_, labels) in SCRAPE_GAUGES.items():
        names[name] = set(labels)
    return names


def panels(dashboard: dict) -> list[dict]:
    found = []
    for p in dashboard["panels"]:
        found.append(p)
        found.extend(p.get("panels", []))
    return found


def test_the_dashboard_parses_and_uses_the_datasource_variable() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    variables = {v["name"]: v for v in dashboard["templating"]["list"]}
    assert variables["datasource"]["type"] == "datasource" and variables["datasource"]["query"] == "prometheus"
    with_queries = [p for p in panels(dashboard) if p.get("targets")]
    assert len(with_queries) >= 15
    ids = [p["id"] for p in panels(dashboard)]
    assert len(ids) == len(set(ids))
    for p in with_queries:
        assert p["datasource"]["uid"] == "${datasource}", p["title"]
        assert all(t["datasource"]["uid"] == "${datasource}" for t in p["targets"]), p["title"]


def test_every_query_names_exported_metrics_and_labels() -> None:
    dashboard = json.loads(DASHBOARD.read_text(encoding="utf-8"))
    known = exported()
    exprs = [t["expr"] for p in panels(dashboard) for t in p.get("targets", [])]
    exprs.append(dashboard["templating"]["list"][1]["query"]["query"])
    used: set[str] = set()
    for expr in exprs:
        names = set(re.findall(r"\b(firstline_[a-z_]+|up)\b(?=\s*[{\[)]|\s*$|\s*,)", expr))
        assert names, expr
        unknown = names - set(known)
        assert not unknown, f"{expr}: {sorted(unknown)} not exported by app/metrics.py"
        labels = set().union(*(known[n] for n in names)) | PROMETHEUS_LABELS
        for group in re.findall(r"by \(([^)]*)\)", expr):
            assert {g.strip() for g in group.split(",")} <= labels, expr
        for label in re.findall(r"([a-z_]+)\s*=~?\s*\"", expr):
            assert label in labels, expr
        used |= names
    # the KPIs and queue gauges of SPEC §13 are all on it
    assert {"firstline_fcr_ratio", "firstline_same_day_callback_ratio", "firstline_queue_depth", "firstline_oldest_waiting_seconds"} <= used
