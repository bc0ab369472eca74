"""Webhook endpoints (`/api/v1/webhook-endpoints`): where the account's call and campaign
events are POSTed, signed with the Standard Webhooks scheme."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query, Response

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import errors_doc
from kataven_hub.core.sessions import ControlSessionDep, TenantSessionDep, TransactionalRoute
from kataven_hub.webhooks import service as webhooks_service
from kataven_hub.webhooks.models import WebhookDelivery, WebhookEndpoint
from kataven_hub.webhooks.schemas import (
    DeliveryStatus,
    WebhookDeliveryList,
    WebhookDeliveryRead,
    WebhookEndpointCreate,
    WebhookEndpointCreated,
    WebhookEndpointList,
    WebhookEndpointRead,
    WebhookEndpointUpdate,
    WebhookSecretRotated,
)
from kataven_hub.webhooks.service import (
    DestinationNotAllowed,
    WebhookDeliveryNotFound,
    WebhookEndpointDisabled,
    WebhookEndpointNotFound,
)

router = APIRouter(prefix="/webhook-endpoints", tags=["Webhooks"], route_class=TransactionalRoute)


@router.post(
    "",
    status_code=201,
    response_model=WebhookEndpointCreated,
    responses=errors_doc(DestinationNotAllowed),
)
async def create_webhook_endpoint(
    body: WebhookEndpointCreate,
    principal: PrincipalDep,
    session: TenantSessionDep,
    control: ControlSessionDep,
) -> dict[str, Any]:
    """Register a URL to receive events (`call.*`, `campaign.*`). The response carries the
    signing secret (`whsec_…`) once; store it. Every delivery is a POST of `{id, type,
    created_at, account, data}` with the Standard Webhooks headers `webhook-id`,
    `webhook-timestamp` and `webhook-signature` (`v1,<base64 HMAC-SHA256>`). Delivery is at
    least once (deduplicate on `webhook-id`), order is not guaranteed; a non-2xx answer or no
    answer within 5 s is retried with exponential backoff for 24 hours, and an endpoint failing
    for 3 days is disabled."""
    return await webhooks_service.create(session, control, principal.account, body)


@router.get("", response_model=WebhookEndpointList)
async def list_webhook_endpoints(
    principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """The account's webhook endpoints, newest first (secrets are never shown again)."""
    return await webhooks_service.list_endpoints(session)


@router.get(
    "/{endpoint_id}",
    response_model=WebhookEndpointRead,
    responses=errors_doc(WebhookEndpointNotFound),
)
async def get_webhook_endpoint(
    endpoint_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> WebhookEndpoint:
    """One webhook endpoint; `disabled_reason` says why it was disabled automatically."""
    return await webhooks_service.get(session, endpoint_id)


@router.patch(
    "/{endpoint_id}",
    response_model=WebhookEndpointRead,
    responses=errors_doc(WebhookEndpointNotFound, DestinationNotAllowed),
)
async def update_webhook_endpoint(
    endpoint_id: str,
    body: WebhookEndpointUpdate,
    principal: PrincipalDep,
    session: TenantSessionDep,
) -> WebhookEndpoint:
    """Change the URL, event filter or description, or disable / enable the endpoint (enabling
    clears `disabled_reason`; deliveries still pending are sent again)."""
    return await webhooks_service.update(session, endpoint_id, body)


@router.delete("/{endpoint_id}", status_code=204, responses=errors_doc(WebhookEndpointNotFound))
async def delete_webhook_endpoint(
    endpoint_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Delete the endpoint and its delivery log; nothing more is sent to it."""
    await webhooks_service.delete(session, endpoint_id)
    return Response(status_code=204)


@router.post(
    "/{endpoint_id}/rotate-secret",
    response_model=WebhookSecretRotated,
    responses=errors_doc(WebhookEndpointNotFound),
)
async def rotate_webhook_endpoint_secret(
    endpoint_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """Issue a new signing secret (shown once). For 24 hours deliveries carry two signatures,
    one per secret, so the receiver can switch without missing an event."""
    return await webhooks_service.rotate_secret(session, principal.account, endpoint_id)


@router.post(
    "/{endpoint_id}/test",
    status_code=202,
    response_model=WebhookDeliveryRead,
    responses=errors_doc(WebhookEndpointNotFound, WebhookEndpointDisabled),
)
async def test_webhook_endpoint(
    endpoint_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> WebhookDelivery:
    """Send a `ping` event to this endpoint (whatever its event filter). Returns the queued
    delivery; follow it in the deliveries log."""
    return await webhooks_service.send_test(session, principal.account, endpoint_id)


@router.get(
    "/{endpoint_id}/deliveries",
    response_model=WebhookDeliveryList,
    responses=errors_doc(WebhookEndpointNotFound),
)
async def list_webhook_deliveries(
    endpoint_id: str,
    principal: PrincipalDep,
    session: TenantSessionDep,
    status: DeliveryStatus | None = Query(default=None),
    limit: int = Query(default=50, ge=1, le=100),
    offset: int = Query(default=0, ge=0, le=10_000_000),
) -> dict[str, Any]:
    """The endpoint's deliveries, newest first: status (`pending`, `delivered`, `failed` =
    given up after 24 hours), attempts, the last response code, latency and error, and when a
    pending one is retried next. Settled deliveries are kept for 30 days."""
    return await webhooks_service.deliveries(session, endpoint_id, status, limit, offset)


@router.post(
    "/{endpoint_id}/deliveries/{delivery_id}/retry",
    status_code=202,
    response_model=WebhookDeliveryRead,
    responses=errors_doc(WebhookDeliveryNotFound, WebhookEndpointDisabled),
)
async def retry_webhook_delivery(
    endpoint_id: str, delivery_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> WebhookDelivery:
    """Send a delivery again now (a delivered or given-up one too): it becomes `pending` and
    keeps its event id, so the receiver can recognise a repeat."""
    return await webhooks_service.retry(session, principal.account, endpoint_id, delivery_id)
