"""HTTP request metrics (Litestar's Prometheus middleware, into the app's own registry) and who
may read /metrics.

Paths are counted by their route template (`/api/cases/{case_id:str}`), never the raw path: ids
stay out of labels and the number of series stays bounded. A path no route answers (404 before
any handler) is not counted at all. WebSockets are left out: a live socket is not a request (the live gauges
count them), and the live fast path writes below ASGI.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass, field
from typing import Any

from litestar.connection import Request
from litestar.enums import ScopeType
from litestar.plugins.prometheus import PrometheusConfig, PrometheusMiddleware
from prometheus_client import Counter, Gauge, Histogram

from app.metrics import Metrics

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


class HttpMetricsMiddleware(PrometheusMiddleware):
    """The stock middleware keeps its metrics in prometheus_client's global registry, shared by
    every app in the process; ours go to the app's `Metrics`."""

    @property
    def _ours(self) -> Metrics:
        return self._config.metrics  # type: ignore[attr-defined,no-any-return]

    def request_count(self, labels: dict[str, str | int | float]) -> Counter:
        return self._ours.http_requests

    def request_time(self, labels: dict[str, str | int | float]) -> Histogram:
        return self._ours.http_seconds

    def requests_in_progress(self, labels: dict[str, str | int | float]) -> Gauge:
        return self._ours.http_in_progress

    def requests_error_count(self, labels: dict[str, str | int | float]) -> Counter:
        return self._ours.http_errors

    def _get_default_labels(self, request: Request[Any, Any, Any]) -> dict[str, str | int | float]:
        labels = super()._get_default_labels(request)
        labels["path"] = request.scope.get("path_template") or "unrouted"  # type: ignore[typeddict-item]
        return labels


@dataclass
class HttpMetricsConfig(PrometheusConfig):
    metrics: Metrics = field(default_factory=Metrics)


def http_metrics(metrics: Metrics) -> HttpMetricsConfig:
    return HttpMetricsConfig(
        metrics=metrics,
        app_name="firstline",
        prefix="firstline_http",
        group_path=True,
        scopes={ScopeType.HTTP},
        middleware_class=HttpMetricsMiddleware,
    )


def parse_networks(entries: list[str]) -> list[Network]:
    """FIRSTLINE_METRICS_ALLOW's entries; a bad one stops start-up with its text."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry.strip(), strict=False))
        except ValueError:
            raise ValueError(f"FIRSTLINE_METRICS_ALLOW: {entry!r} is not an IP address or network") from None
    return networks


class MetricsAccess:
    """/metrics is for the Prometheus servers: allowed addresses, or the bearer token."""

    def __init__(self, allow: list[str], token: str | None) -> None:
        self.networks = parse_networks(allow)
        self.token = token or None

    def refusal(self, client_host: str | None, authorization: str | None) -> str | None:
        """None when the request may read the metrics, else why not (for the 403)."""
        try:
            address = ipaddress.ip_address(client_host or "")
        except ValueError:
            address = None
        if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
            address = address.ipv4_mapped
        if address is not None and any(address in net for net in self.networks):
            return None
        if self.token and authorization:
            scheme, _, given = authorization.partition(" ")
            if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), self.token.encode()):
                return None
            return "the bearer token does not match FIRSTLINE_METRICS_TOKEN"
        where = f"address {client_host}" if client_host else "a client without an address"
        how = " or send the bearer token of FIRSTLINE_METRICS_TOKEN" if self.token else ""
        return f"metrics are not served to {where}: allow it in FIRSTLINE_METRICS_ALLOW{how}"
