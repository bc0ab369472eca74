"""create_app(): middleware, error handlers, lifespan, routers, operational endpoints."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import Depends, FastAPI
from fastapi.dependencies.models import Dependant
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse
from fastapi.routing import iter_route_contexts
from fastapi.staticfiles import StaticFiles
from sqlalchemy import text
from swagger_ui_bundle import swagger_ui_path

import kataven_hub
from kataven_hub import dashboard, wiring
from kataven_hub.accounts import service as accounts_service
from kataven_hub.api import routers
from kataven_hub.audit.middleware import AuditTrail
from kataven_hub.calls import tasks as call_tasks
from kataven_hub.carriers import registry as carrier_registry
from kataven_hub.carriers import sandbox
from kataven_hub.core import (
    auth,
    counters,
    errors,
    events,
    idempotency,
    idempotency_store,
    metrics,
    migrate,
    openapi,
    redis,
    secrets,
    strictness,
    tenancy,
)
from kataven_hub.core import logging as log_setup
from kataven_hub.core.db import ControlSession, new_session
from kataven_hub.core.errors import Problem
from kataven_hub.core.idempotency import IdempotencyMiddleware
from kataven_hub.core.metrics import MetricsMiddleware
from kataven_hub.core.middleware import PathAliases, RequestContext
from kataven_hub.core.sessions import RequestSessions
from kataven_hub.core.settings import Settings, get_settings
from kataven_hub.rate_limits import service as rate_limits_service
from kataven_hub.rate_limits.service import RateLimited
from kataven_hub.recordings import storage as recordings_storage
from kataven_hub.widget import origins as widget_origins
from kataven_hub.widget.cors import WidgetCors
from kataven_hub.widget.keys import service as widget_keys_service

log = logging.getLogger("kataven_hub")

DESCRIPTION = """The management API of Kataven Hub: agents and their knowledge, telephony,
calls, campaigns and the embeddable widget.

**Authentication.** `Authorization: Bearer sk_live_<account>_<secret>` (an API key; the key
names its account), or a Hub UI JWT together with `X-Account-ID: <account>`.

**Errors** are plain text by default; send `Accept: application/json` to get RFC 9457 problem
details with a stable `code`. Every route is also served under `/hub-api/api/v1/...` and
`/v1/...`."""


@contextlib.asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings = get_settings()
    registry = tenancy.init(settings)
    carrier_registry.init(settings)
    auth.init(settings)
    events.reset()
    counters.reset()
    recordings_storage.reset()
    idempotency_store.reset()
    rate_limits_service.clear_cache()
    wiring.register()
    await migrate.upgrade(registry.control_engine, "control")
    if settings.bootstrap_demo_account:
        await _bootstrap(registry)
    stop = asyncio.Event()
    listener = asyncio.create_task(auth.listen_for_key_changes(stop))
    dispatcher = _start_dispatcher(stop) if settings.dispatcher_embedded else None
    deliveries = _start_webhook_worker(stop) if settings.dispatcher_embedded else None
    try:
        yield
    finally:
        stop.set()
        listener.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await listener
        if dispatcher is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(dispatcher, 30)
        if deliveries is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(deliveries, 30)
        await sandbox.shutdown()
        await call_tasks.drain()
        await rate_limits_service.flush_slot_returns()
        await carrier_registry.shutdown()
        await tenancy.shutdown()
        await redis.close()


def _start_dispatcher(stop: asyncio.Event) -> asyncio.Task[None]:
    """The embedded default runs the campaign dispatcher inside the API process."""
    # Imported here to keep the API's start-up light where the dispatcher runs elsewhere.
    from kataven_hub.dispatcher.loop import Dispatcher

    return asyncio.create_task(Dispatcher().run(stop), name="dispatcher")


def _start_webhook_worker(stop: asyncio.Event) -> asyncio.Task[None] | None:
    """Webhook deliveries are sent wherever the dispatcher runs (here, on the embedded default)."""
    # Imported here to keep the API's start-up light where the dispatcher runs elsewhere.
    from kataven_hub.webhooks.worker import DeliveryWorker

    if not get_settings().WEBHOOKS_WORKER_ENABLED:
        return None
    return asyncio.create_task(DeliveryWorker().run(stop), name="webhook-deliveries")


async def _bootstrap(registry: tenancy.Tenancy) -> None:
    async with new_session(registry.control_engine) as session:
        created = await accounts_service.bootstrap_demo(ControlSession(session))
    if created:
        # Printed once, on the first start: the key and password are stored only as digests.
        print(  # noqa: T201
            "\n  Kataven Hub: created account 'demo'.\n"
            f"  API key (shown once):  {created['api_key']}\n"
            f"  Hub UI login:          {created['email']} / {created['password']}\n"
            "  Try: curl -H 'Authorization: Bearer <key>' http://localhost:8081/api/v1/agents\n",
            flush=True,
        )


def create_app(settings: Settings | None = None) -> FastAPI:
    settings = settings or get_settings()
    log_setup.setup(settings.LOG_LEVEL, settings.LOG_FORMAT, production=not settings.is_development)
    app = _HubApp(
        title="Kataven Hub API",
        version=kataven_hub.__version__,
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        openapi_url="/openapi.json",
        # Our own metrics and logs cover requests; FastAPI's OpenTelemetry hooks would only
        # add per-request work when no exporter is configured.
        telemetry={"tracing": False, "metrics": False, "logs": False, "operation_spans": False},
        # Unknown query parameters and form fields are a 400 on every operation (bodies refuse
        # unknown fields in core.schemas.RequestModel).
        dependencies=[Depends(strictness.refuse_unknown_parameters)],
        generate_unique_id_function=openapi.operation_id,
    )
    errors.install(app)
    idempotency.install(app)
    for router in routers:
        app.include_router(router)
    strictness.register_read_schemas(app)
    _operational_routes(app)
    dashboard.install(app)
    app.add_middleware(
        WidgetCors,
        allows_origin=widget_keys_service.allows_origin,
        allowed_anywhere=widget_origins.allowed_anywhere,
    )
    # Outermost last: aliases → metrics → request id, body cap, response-end actions → keyed
    # writes (inside the body cap, so a keyed body is never read past MAX_BODY_BYTES).
    app.add_middleware(RequestSessions)  # closes the route's sessions before the audit entry
    app.add_middleware(AuditTrail)  # sees the matched route and the principal
    app.add_middleware(IdempotencyMiddleware)
    csv_upload = settings.CAMPAIGN_CSV_MAX_BYTES + 1024 * 1024  # the file + the form around it
    app.add_middleware(
        RequestContext,
        max_body_bytes=settings.MAX_BODY_BYTES,
        upload_limits={
            (method, path): max(settings.MAX_BODY_BYTES, csv_upload)
            for method, path in (
                ("POST", "/api/v1/campaigns"),
                ("POST", "/api/v1/campaigns/preflight"),
                ("POST", "/api/v1/campaigns/{campaign_id}/contacts"),
                ("POST", "/api/v1/dnc/import"),
            )
        },
    )
    app.add_middleware(MetricsMiddleware)
    app.add_middleware(PathAliases)
    return app


def _operational_routes(app: FastAPI) -> None:
    app.mount("/_docs-assets", StaticFiles(directory=str(swagger_ui_path)), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url="/openapi.json",
            title="Kataven Hub API",
            swagger_js_url="/_docs-assets/swagger-ui-bundle.js",
            swagger_css_url="/_docs-assets/swagger-ui.css",
            swagger_favicon_url="/_docs-assets/favicon-32x32.png",
        )

    @app.get("/healthz", include_in_schema=False)
    async def healthz() -> PlainTextResponse:
        return PlainTextResponse("ok")

    @app.get("/readyz", include_in_schema=False)
    async def readyz() -> PlainTextResponse:
        """200 `ok` when every dependency this process needs answers; else 503 naming each
        one that failed (`control database`, `redis`, `keyring`), one per line."""
        failed = [name for name, ok in await _dependencies() if not ok]
        if failed:
            body = "".join(f"{name}: unavailable\n" for name in failed)
            return PlainTextResponse(body, status_code=503)
        return PlainTextResponse("ok")

    @app.get("/.well-known/jwks.json", include_in_schema=False)
    async def jwks() -> JSONResponse:
        return JSONResponse(auth.jwks())

    app.add_api_route("/metrics", metrics.endpoint, methods=["GET"], include_in_schema=False)


async def _dependencies() -> list[tuple[str, bool]]:
    """(dependency, answered) for the control database, Redis (when configured), keyring."""

    async def control() -> bool:
        async with tenancy.get().control_engine.connect() as conn:
            try:
                await asyncio.wait_for(conn.execute(text("SELECT 1")), 2.0)
            except BaseException:
                # A query cut short must not go back to the pool mid-operation (the next user
                # would get asyncpg's "another operation is in progress").
                await conn.invalidate()
                raise
        return True

    async def cache() -> bool:
        client = redis.client()
        return client is None or bool(await asyncio.wait_for(client.ping(), 2.0))

    async def keyring() -> bool:
        return secrets.keyring() is not None

    checks = {"control database": control(), "redis": cache(), "keyring": keyring()}
    results = await asyncio.gather(*checks.values(), return_exceptions=True)
    return [(name, result is True) for name, result in zip(checks, results, strict=True)]


_AUTH_ERRORS = errors.errors_doc(errors.Unauthorized, errors.Forbidden)
_RETRY_AFTER = {
    "Retry-After": {
        "description": "Seconds until the request may be retried.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}
_IDEMPOTENCY_KEY = {
    "name": idempotency.HEADER,
    "in": "header",
    "required": False,
    "description": "Makes a retried write safe: the same key (within 24 h, same credential, "
    "method and path) replays the first answer instead of running the request again.",
    "schema": {"type": "string", "pattern": idempotency.KEY_PATTERN},
}


def _dict_keys_as_property_names(node: Any) -> None:
    """Pydantic documents `dict[Pattern, V]` as `patternProperties`, which lets keys that miss
    the pattern through; what the server enforces is `propertyNames` (every key matches)."""
    if isinstance(node, list):
        for item in node:
            _dict_keys_as_property_names(item)
        return
    if not isinstance(node, dict):
        return
    patterns = node.get("patternProperties")
    if isinstance(patterns, dict) and len(patterns) == 1 and "additionalProperties" not in node:
        ((pattern, value),) = patterns.items()
        del node["patternProperties"]
        node["propertyNames"] = {"pattern": pattern}
        node["additionalProperties"] = value
    for value in node.values():
        _dict_keys_as_property_names(value)


def _uses(dependant: Dependant, call: object) -> bool:
    return any(d.call is call or _uses(d, call) for d in dependant.dependencies)


def _authenticated(app: FastAPI) -> set[tuple[str, str]]:
    """(path, method) of every operation that authenticates its caller."""
    return {
        (context.path_format or "", method.lower())
        for context in iter_route_contexts(app.routes)
        if isinstance(getattr(context, "dependant", None), Dependant)
        and _uses(context.dependant, auth.authenticate)
        for method in context.methods or ()
    }


class _HubApp(FastAPI):
    def openapi(self) -> dict[str, Any]:
        return _openapi(self)


def _openapi(app: FastAPI) -> dict[str, Any]:
    """The schema, plus what every operation inherits from the platform rather than declares:
    400 for bodies; on authenticated operations bearer auth, 400/401/403, the request rate
    limit (429 with Retry-After) and, on writes, Idempotency-Key with its 409 and 422."""
    if app.openapi_schema:
        return app.openapi_schema
    schema = get_openapi(
        title=app.title, version=app.version, description=app.description, routes=app.routes
    )
    schema["openapi"] = "3.1.0"
    schema["servers"] = [{"url": "/"}]
    components = schema.setdefault("components", {})
    components.setdefault("schemas", {})["Problem"] = Problem.model_json_schema()
    for name in ("HTTPValidationError", "ValidationError"):
        components["schemas"].pop(name, None)
    components["securitySchemes"] = {
        "bearerAuth": {
            "type": "http",
            "scheme": "bearer",
            "description": "`sk_live_…` API key, or a Hub UI JWT with `X-Account-ID`.",
        }
    }
    bad_request = errors.errors_doc(errors.InvalidRequest)[400]
    rate_limited = {**errors.errors_doc(RateLimited)[429], "headers": _RETRY_AFTER}
    in_flight = errors.errors_doc(idempotency.IdempotencyInFlight)[409]
    reused = errors.errors_doc(errors.UnprocessableIdempotency)[422]
    authenticated = _authenticated(app)
    for path, operations in schema.get("paths", {}).items():
        for method, operation in operations.items():
            responses = operation.setdefault("responses", {})
            if responses.pop("422", None) is not None or operation.get("requestBody"):
                responses.setdefault("400", bad_request)
            if (path, method) not in authenticated:
                continue
            operation["security"] = [{"bearerAuth": []}]
            responses.setdefault("400", bad_request)  # missing X-Account-ID, bad slug
            for code, doc in _AUTH_ERRORS.items():
                responses.setdefault(str(code), doc)
            responses.setdefault("429", rate_limited)
            if method.upper() in idempotency.WRITE_METHODS:
                operation.setdefault("parameters", []).append(_IDEMPOTENCY_KEY)
                responses.setdefault("409", in_flight)
                responses.setdefault("422", reused)
    _dict_keys_as_property_names(schema)
    openapi.polish(schema)
    app.openapi_schema = schema
    return schema
