"""Webhook endpoints: create (the secret is shown once), read, change, delete, rotate the
secret, send a test ping; the deliveries log and manual retries. Sending is worker.py's."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from kataven_hub.core.db import ControlSession, TenantSession, utcnow
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound
from kataven_hub.core.ids import looks_like, new_id
from kataven_hub.core.sessions import after_commit, commit
from kataven_hub.core.settings import get_settings
from kataven_hub.webhooks import outbox, signing, ssrf
from kataven_hub.webhooks.models import (
    ENDPOINT_PREVIOUS_SECRET,
    ENDPOINT_SECRET,
    WebhookDelivery,
    WebhookEndpoint,
)
from kataven_hub.webhooks.repository import WebhookAccountRepository, WebhookRepository
from kataven_hub.webhooks.schemas import WebhookEndpointCreate, WebhookEndpointUpdate


class WebhookEndpointNotFound(NotFound):
    description = "Webhook endpoint not found"


class WebhookDeliveryNotFound(NotFound):
    description = "Webhook delivery not found"


class WebhookEndpointDisabled(Conflict):
    code = "webhook_endpoint_disabled"
    description = "The webhook endpoint is disabled"


class DestinationNotAllowed(InvalidRequest):
    code = "webhook_destination_refused"
    description = "The webhook URL is not an allowed destination"


async def _checked_url(url: str) -> str:
    try:
        await ssrf.check(url)
    except ssrf.DestinationRefused as exc:
        raise DestinationNotAllowed(
            str(exc), errors=[{"loc": ["body", "url"], "msg": str(exc)}]
        ) from None
    return url


async def create(
    session: TenantSession, control: ControlSession, account: str, body: WebhookEndpointCreate
) -> dict[str, Any]:
    url = await _checked_url(body.url)
    # The account is listed for the workers first (its own commit): an endpoint must never
    # exist where no worker looks. A listed account without endpoints costs one empty query.
    await WebhookAccountRepository(control).add(account)
    await commit(control)
    endpoint_id = new_id("whep")
    secret = signing.new_secret()
    endpoint = WebhookEndpoint(
        id=endpoint_id,
        url=url,
        events=body.events,
        event_filter=outbox.event_filter(body.events),
        description=body.description,
        disabled=body.disabled,
        secret=ENDPOINT_SECRET.encrypt(secret, account=account, row_id=endpoint_id),
    )
    await WebhookRepository(session).add_endpoint(endpoint)
    return {**_read(endpoint), "secret": secret}


def _read(endpoint: WebhookEndpoint) -> dict[str, Any]:
    return {
        "id": endpoint.id, "url": endpoint.url, "events": endpoint.events,
        "description": endpoint.description, "disabled": endpoint.disabled,
        "disabled_reason": endpoint.disabled_reason, "created_at": endpoint.created_at,
        "updated_at": endpoint.updated_at,
    }  # fmt: skip


async def list_endpoints(session: TenantSession) -> dict[str, Any]:
    return {"webhook_endpoints": await WebhookRepository(session).endpoints()}


async def get(session: TenantSession, endpoint_id: str, *, lock: bool = False) -> WebhookEndpoint:
    endpoint = None
    if looks_like("whep", endpoint_id):
        endpoint = await WebhookRepository(session).endpoint(endpoint_id, lock=lock)
    if endpoint is None:
        raise WebhookEndpointNotFound("Webhook endpoint not found")
    return endpoint


async def update(
    session: TenantSession, endpoint_id: str, body: WebhookEndpointUpdate
) -> WebhookEndpoint:
    endpoint = await get(session, endpoint_id, lock=True)
    changes = body.model_dump(exclude_unset=True)
    if "url" in changes:
        changes["url"] = await _checked_url(changes["url"])
    if "events" in changes:
        changes["event_filter"] = outbox.event_filter(changes["events"])
    if changes.get("disabled") is False:
        # Enabled again by hand: the failure streak starts over.
        changes.update(disabled_reason=None, failing_since=None)
    elif changes.get("disabled") is True:
        changes["disabled_reason"] = None
    for name, value in changes.items():
        setattr(endpoint, name, value)
    endpoint.updated_at = utcnow()
    await session.flush()
    return endpoint


async def delete(session: TenantSession, endpoint_id: str) -> None:
    endpoint = await get(session, endpoint_id, lock=True)
    await WebhookRepository(session).delete_endpoint(endpoint.id)


async def rotate_secret(session: TenantSession, account: str, endpoint_id: str) -> dict[str, Any]:
    endpoint = await get(session, endpoint_id, lock=True)
    current = ENDPOINT_SECRET.decrypt(endpoint.secret, account=account, row_id=endpoint.id)
    secret = signing.new_secret()
    now = utcnow()
    expires = now + timedelta(seconds=get_settings().WEBHOOKS_ROTATED_SECRET_SECONDS)
    endpoint.secret = ENDPOINT_SECRET.encrypt(secret, account=account, row_id=endpoint.id)
    endpoint.previous_secret = ENDPOINT_PREVIOUS_SECRET.encrypt(
        current, account=account, row_id=endpoint.id
    )
    endpoint.previous_secret_expires_at = expires
    endpoint.updated_at = now
    await session.flush()
    return {"secret": secret, "previous_secret_expires_at": expires}


async def send_test(session: TenantSession, account: str, endpoint_id: str) -> WebhookDelivery:
    endpoint = await get(session, endpoint_id)
    if endpoint.disabled:
        raise WebhookEndpointDisabled("The endpoint is disabled; enable it to send a test")
    data = {"endpoint_id": endpoint.id, "message": "Test event from Kataven Hub"}
    event_id = await outbox.emit(session, account, outbox.PING, data, endpoint_id=endpoint.id)
    assert event_id is not None
    delivery = await WebhookRepository(session).delivery_of(endpoint.id, event_id)
    assert delivery is not None
    return delivery


async def deliveries(
    session: TenantSession, endpoint_id: str, status: str | None, limit: int, offset: int
) -> dict[str, Any]:
    endpoint = await get(session, endpoint_id)
    rows = await WebhookRepository(session).deliveries(endpoint.id, status, limit, offset)
    return {"deliveries": rows, "limit": limit, "offset": offset}


async def retry(
    session: TenantSession, account: str, endpoint_id: str, delivery_id: str
) -> WebhookDelivery:
    endpoint = await get(session, endpoint_id)
    repo = WebhookRepository(session)
    found = await repo.delivery(endpoint.id, delivery_id)
    if found is None:
        raise WebhookDeliveryNotFound("Webhook delivery not found")
    if endpoint.disabled:
        raise WebhookEndpointDisabled("The endpoint is disabled; enable it to retry")
    delivery = await repo.reschedule(found.id, utcnow())
    assert delivery is not None
    after_commit(session, lambda: outbox.wake(account))
    return delivery
