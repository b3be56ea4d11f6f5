"""HTTP request metrics (into the app's own registry, in the series Litestar's Prometheus
middleware defines) and who may read /metrics.

Paths are counted by their route template (`/api/cases/{case_id:str}`), never the raw path: ids
stay out of labels and the number of series stays bounded. A path no route answers (404 before
any handler) is not counted at all. WebSockets are left out: a live socket is not a request (the live gauges
count them), and the live fast path writes below ASGI.
"""

from __future__ import annotations

import hmac
import ipaddress
from time import perf_counter
from typing import Any

from litestar.enums import ScopeType
from litestar.middleware import ASGIMiddleware
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from app.metrics import Metrics

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
APP_NAME = "firstline"


class HttpMetricsMiddleware(ASGIMiddleware):
    """Counts every routed HTTP request into the app's `Metrics` (`firstline_http_*`): the same
    series and labels Litestar's Prometheus middleware would give, at a fraction of its cost per
    request — that one builds a `Request`, a labels dict and a `functools.wraps` wrapper and
    looks up four labelled children on every request, about 5 % of intake's CPU. Here the
    children are looked up once per (method, path template, status) and kept."""

    scopes = (ScopeType.HTTP,)

    def __init__(self, metrics: Metrics) -> None:
        self.metrics = metrics
        self._in_progress: dict[tuple[str, str], Any] = {}
        self._done: dict[tuple[str, str, int], tuple[Any, Any, Any | None]] = {}

    def _finished(self, method: str, path: str, status: int) -> tuple[Any, Any, Any | None]:
        key = (method, path, status)
        got = self._done.get(key)
        if got is None:
            values = (method, path, str(status), APP_NAME)
            m = self.metrics
            errors = m.http_errors.labels(*values) if status >= 500 else None
            got = self._done[key] = (m.http_requests.labels(*values), m.http_seconds.labels(*values), errors)
        return got

    async def handle(self, scope: Scope, receive: Receive, send: Send, next_app: ASGIApp) -> None:
        method: str = scope["method"]  # type: ignore[typeddict-item]
        path = scope.get("path_template") or "unrouted"
        gauge = self._in_progress.get((method, path))
        if gauge is None:
            gauge = self._in_progress[(method, path)] = self.metrics.http_in_progress.labels(method, path, "200", APP_NAME)
        started = perf_counter()
        span = [200, 0.0]  # status, duration until the first body message

        async def timed_send(message: Message) -> None:
            if message["type"] == "http.response.start":
                span[0] = message["status"]
            elif message["type"] == "http.response.body" and not span[1]:
                span[1] = perf_counter() - started
            await send(message)

        gauge.inc()
        try:
            await next_app(scope, receive, timed_send)
        finally:
            gauge.dec()
            status = int(span[0])
            requests, seconds, errors = self._finished(method, path, status)
            if errors is not None:
                errors.inc()
            requests.inc()
            seconds.observe(span[1] or perf_counter() - started)


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
