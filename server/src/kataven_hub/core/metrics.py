"""Prometheus metrics: the counters every module may increment, the middleware that measures
requests, and the guarded `/metrics` endpoint.

Other modules import the metric they feed, e.g.
`metrics.COST_CAP_REJECTIONS.labels(reason="daily_calls").inc()`, or move a gauge from the
dispatcher (`metrics.DISPATCHER_CALLS_IN_FLIGHT.set(n)`) or the SSE endpoint
(`metrics.SSE_CONNECTIONS.inc()` / `.dec()`).

`/metrics` is not public: it answers 404 unless `KATAVEN_METRICS_TOKEN` is set, and then only
to `Authorization: Bearer <token>` (401 otherwise). Values are per process: scrape every
replica (run one API process per container, or one scrape target per worker).
"""

from __future__ import annotations

import hmac
import time
from typing import Any
from weakref import WeakKeyDictionary

from fastapi.routing import iter_route_contexts
from prometheus_client import REGISTRY, Counter, Gauge, Histogram
from prometheus_client.exposition import choose_encoder
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from kataven_hub.core.settings import get_settings

REQUESTS = Counter(
    "kataven_http_requests_total",
    "HTTP requests by method, route template and status code.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "kataven_http_request_duration_seconds",
    "Time from the request's arrival to the end of its response, by method and route template.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
)
IN_FLIGHT = Gauge("kataven_http_requests_in_flight", "Requests being served by this process.")
RATE_LIMIT_REJECTIONS = Counter(
    "kataven_rate_limit_rejections_total",
    "Requests refused with 429 by a request rate limit (scope: account or public).",
    ["scope", "window"],
)
COST_CAP_REJECTIONS = Counter(
    "kataven_cost_cap_rejections_total",
    "Calls refused by a call cost cap, by the cap that refused them.",
    ["reason"],
)
IDEMPOTENCY = Counter(
    "kataven_idempotency_outcomes_total",
    "Writes carrying an Idempotency-Key: executed, replayed, in_flight (409), mismatch (422).",
    ["outcome"],
)
DISPATCHER_CALLS_IN_FLIGHT = Gauge(
    "kataven_dispatcher_calls_in_flight", "Campaign calls the dispatcher has placed and not closed."
)
DISPATCHER_ACTIVE_CAMPAIGNS = Gauge(
    "kataven_dispatcher_active_campaigns", "Running campaigns the dispatcher is serving."
)
DISPATCHER_TICK_SECONDS = Histogram(
    "kataven_dispatcher_tick_seconds", "Duration of one dispatcher step."
)
SSE_CONNECTIONS = Gauge("kataven_sse_connections", "Open server-sent event streams.")

_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


class MetricsMiddleware:
    """Counts and times every HTTP request by its route template (never the raw path, so ids
    do not explode the label set)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_status(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        IN_FLIGHT.inc()
        try:
            await self.app(scope, receive, send_status)
        finally:
            IN_FLIGHT.dec()
            method = scope["method"] if scope["method"] in _METHODS else "OTHER"
            route = _template(scope)
            REQUESTS.labels(method, route, str(status)).inc()
            LATENCY.labels(method, route).observe(time.perf_counter() - started)


_templates: WeakKeyDictionary[Any, dict[int, str]] = WeakKeyDictionary()


def _template(scope: Scope) -> str:
    """The full path template of the route that served the request ("unmatched" if none).

    The router leaves the matched route object in the scope; with included routers its own
    path lacks the prefixes, so the full template is looked up among the app's routes."""
    route, app = scope.get("route"), scope.get("app")
    if route is None or app is None:
        return "unmatched"
    try:
        known = _templates.setdefault(app, {})
    except TypeError:
        return str(getattr(route, "path", "unmatched"))
    template = known.get(id(route))
    if template is None:  # first time, or routes were added: map them all again
        for context in iter_route_contexts(getattr(app, "routes", [])):
            known[id(context.original_route)] = context.path_format or ""
        template = known.setdefault(id(route), str(getattr(route, "path", "unmatched")))
    return template or "unmatched"


def endpoint(request: Request) -> Response:
    """The Prometheus exposition, to the bearer of KATAVEN_METRICS_TOKEN only."""
    token = get_settings().METRICS_TOKEN
    if token is None or not token.get_secret_value():
        return Response("Not Found", 404, media_type="text/plain; charset=utf-8")
    scheme, _, presented = request.headers.get("authorization", "").partition(" ")
    expected = token.get_secret_value().encode()
    if scheme.lower() != "bearer" or not hmac.compare_digest(presented.strip().encode(), expected):
        return Response(
            "Missing or invalid metrics token",
            401,
            headers={"WWW-Authenticate": "Bearer"},
            media_type="text/plain; charset=utf-8",
        )
    # Prometheus text format, or OpenMetrics when the scraper asks for it.
    encode, content_type = choose_encoder(request.headers.get("accept", ""))
    return Response(encode(REGISTRY), media_type=content_type)
