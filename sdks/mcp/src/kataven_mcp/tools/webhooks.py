"""Webhook endpoints and their deliveries, the audit log, usage and the do-not-call list."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from kataven_mcp._hub import Hub
from kataven_mcp._registry import Effect, tool
from kataven_mcp.tools._common import DEFAULT_LIMIT, Limit, Offset, given, paging_hint, window

EndpointId = Annotated[
    str, Field(description="The webhook endpoint's id (whe_…), from list_webhook_endpoints.")
]
Events = Annotated[
    list[str] | None,
    Field(
        description="Event types to send, e.g. call.completed, campaign.completed "
        "(default: all call.* and campaign.* events)."
    ),
]
Since = Annotated[str | None, Field(description="From this time, inclusive (RFC 3339).")]
Until = Annotated[str | None, Field(description="Up to this time, exclusive (RFC 3339).")]
PhoneNumber = Annotated[str, Field(description="The number in E.164, e.g. +14155550123.")]
_SECRET = frozenset({"secret"})


@tool("webhook_endpoints.list", Effect.READ, "List webhook endpoints")
async def list_webhook_endpoints(hub: Hub, limit: Limit = DEFAULT_LIMIT, offset: Offset = 0) -> Any:
    """List the URLs that receive the account's events (calls, campaigns): URL, event filter,
    disabled or not and why. Signing secrets are never shown. Returns {webhook_endpoints,
    total, next_offset}."""
    rows = list((await hub.client.webhook_endpoints.list())["webhook_endpoints"])
    return window(
        rows, "webhook_endpoints", limit=limit, offset=offset, tool="list_webhook_endpoints"
    )


@tool("webhook_endpoints.get", Effect.READ, "Get a webhook endpoint")
async def get_webhook_endpoint(hub: Hub, endpoint_id: EndpointId) -> Any:
    """Read one webhook endpoint: URL, events, description, disabled and disabled_reason."""
    return await hub.client.webhook_endpoints.get(endpoint_id)


@tool("webhook_endpoints.create", Effect.CREATE, "Create a webhook endpoint", reveals=_SECRET)
async def create_webhook_endpoint(
    hub: Hub,
    url: Annotated[str, Field(description="Where events are POSTed: a public https:// URL.")],
    events: Events = None,
    description: Annotated[str | None, Field(description="A note on what it is for.")] = None,
    disabled: Annotated[bool | None, Field(description="Create it disabled.")] = None,
) -> Any:
    """Register a URL to receive events. The answer carries the signing secret (whsec_…)
    this once only: tell the user to store it now, it cannot be shown again. Deliveries are
    signed with the Standard Webhooks headers and retried for 24 hours."""
    fields = given(events=events, description=description, disabled=disabled)
    return await hub.client.webhook_endpoints.create(url, **fields)


@tool("webhook_endpoints.update", Effect.SET, "Update a webhook endpoint")
async def update_webhook_endpoint(
    hub: Hub,
    endpoint_id: EndpointId,
    url: Annotated[str | None, Field(description="A new destination URL.")] = None,
    events: Events = None,
    description: Annotated[str | None, Field(description="A new note.")] = None,
    disabled: Annotated[
        bool | None, Field(description="true disables it; false enables it again.")
    ] = None,
) -> Any:
    """Change a webhook endpoint's URL, events or description, or disable / enable it; only
    the fields given change. Returns the endpoint (without its secret)."""
    fields = given(url=url, events=events, description=description, disabled=disabled)
    return await hub.client.webhook_endpoints.update(endpoint_id, **fields)


@tool("webhook_endpoints.delete", Effect.REMOVE, "Delete a webhook endpoint")
async def delete_webhook_endpoint(hub: Hub, endpoint_id: EndpointId) -> Any:
    """Delete a webhook endpoint and its delivery log: nothing more is sent. Ask first."""
    await hub.client.webhook_endpoints.delete(endpoint_id)
    return {"deleted": True, "endpoint_id": endpoint_id}


@tool("webhook_endpoints.rotate_secret", Effect.ACTION, "Rotate a webhook secret", reveals=_SECRET)
async def rotate_webhook_secret(hub: Hub, endpoint_id: EndpointId) -> Any:
    """Issue a new signing secret for an endpoint, shown this once only (tell the user to
    store it). For 24 hours deliveries carry both signatures, so the receiver can switch."""
    return await hub.client.webhook_endpoints.rotate_secret(endpoint_id)


@tool("webhook_endpoints.test", Effect.ACTION, "Send a test webhook")
async def send_test_webhook(hub: Hub, endpoint_id: EndpointId) -> Any:
    """Queue a `ping` event to an endpoint. Returns the delivery; follow it with
    list_webhook_deliveries (status pending → delivered, or the error)."""
    return await hub.client.webhook_endpoints.test(endpoint_id)


@tool("webhook_endpoints.list_deliveries", Effect.READ, "List webhook deliveries")
async def list_webhook_deliveries(
    hub: Hub,
    endpoint_id: EndpointId,
    status: Annotated[
        Literal["pending", "delivered", "failed"] | None, Field(description="Only this status.")
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """List an endpoint's deliveries, newest first: event type, status, attempts, the last
    HTTP status, latency and error. Returns {deliveries, limit, offset, next_offset}."""
    result = await hub.client.webhook_endpoints.list_deliveries(
        endpoint_id, status=status, limit=limit, offset=offset
    )
    hint = paging_hint(None, len(result["deliveries"]), limit, offset, "list_webhook_deliveries")
    return {**result, **hint}


@tool("webhook_endpoints.retry_delivery", Effect.ACTION, "Retry a webhook delivery")
async def retry_webhook_delivery(
    hub: Hub,
    endpoint_id: EndpointId,
    delivery_id: Annotated[str, Field(description="The delivery's id, from the log.")],
) -> Any:
    """Send a delivery again now (it keeps its event id, so the receiver can deduplicate).
    Returns the delivery, pending again."""
    return await hub.client.webhook_endpoints.retry_delivery(endpoint_id, delivery_id)


@tool(("audit_events.list", "audit_events.iter"), Effect.READ, "List audit events")
async def list_audit_events(
    hub: Hub,
    actor: Annotated[str | None, Field(description="An API key or user id.")] = None,
    resource_type: Annotated[str | None, Field(description="e.g. agents, campaigns.")] = None,
    resource_id: Annotated[str | None, Field(description="One resource's id.")] = None,
    since: Since = None,
    until: Until = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """Who changed what: the account's audit log, newest first (time, actor, method, route,
    resource, status). Returns {audit_events, limit, offset, next_offset}."""
    result = await hub.client.audit_events.list(
        limit=limit,
        offset=offset,
        **given(
            actor=actor, resource_type=resource_type, resource_id=resource_id,
            from_=since, to=until,
        ),
    )  # fmt: skip
    hint = paging_hint(None, len(result["audit_events"]), limit, offset, "list_audit_events")
    return {**result, **hint}


@tool("usage.get", Effect.READ, "Get usage")
async def get_usage(
    hub: Hub,
    since: Since = None,
    until: Until = None,
    granularity: Annotated[
        Literal["day", "hour"] | None, Field(description="Rows per day (default) or hour.")
    ] = None,
) -> Any:
    """Calls, answered calls and talk minutes per day or hour (default: the last 30 days),
    with outcomes. Returns {granularity, from, to, rows}."""
    return await hub.client.usage.get(from_=since, to=until, granularity=granularity)


@tool("dnc.list", Effect.READ, "List do-not-call numbers")
async def list_dnc_numbers(
    hub: Hub,
    phone_number: Annotated[str | None, Field(description="Check this one number (E.164).")] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """List the numbers on the do-not-call list (never dialled by campaigns or
    originate_call), or check one. Returns {numbers, total, limit, offset, next_offset}."""
    result = await hub.client.dnc.list(phone_number=phone_number, limit=limit, offset=offset)
    hint = paging_hint(result["total"], len(result["numbers"]), limit, offset, "list_dnc_numbers")
    return {**result, **hint}


@tool("dnc.add", Effect.SET, "Add a do-not-call number")
async def add_dnc_number(
    hub: Hub,
    phone_number: PhoneNumber,
    reason: Annotated[str | None, Field(description="Why (e.g. asked not to be called).")] = None,
) -> Any:
    """Put a number on the do-not-call list: it is never dialled again (running campaigns
    skip it too). Adding it again only updates the reason. Returns the entry."""
    return await hub.client.dnc.add(phone_number, **given(reason=reason))


@tool("dnc.delete", Effect.REMOVE, "Delete a do-not-call number")
async def delete_dnc_number(hub: Hub, phone_number: PhoneNumber) -> Any:
    """Take a number off the do-not-call list, so it may be dialled again. Ask first."""
    await hub.client.dnc.delete(phone_number)
    return {"deleted": True, "phone_number": phone_number}


@tool("dnc.import_csv", Effect.SET, "Import do-not-call numbers")
async def import_dnc_csv(
    hub: Hub,
    csv: Annotated[
        str,
        Field(description="CSV text with a phone_number column (and optionally reason)."),
    ],
    reason: Annotated[str | None, Field(description="For rows without a reason.")] = None,
    default_region: Annotated[
        str | None, Field(description="ISO region (e.g. US) for numbers written without +.")
    ] = None,
) -> Any:
    """Put every number of a CSV on the do-not-call list. Any bad row refuses the whole
    file (the first bad rows are named). Returns {rows, added, already_listed,
    duplicates_skipped}."""
    return await hub.client.dnc.import_csv(
        csv.encode("utf-8"), **given(reason=reason, default_region=default_region)
    )
