"""Webhook endpoints (`/webhook-endpoints`): where the account's events are POSTed, their
signing secrets (`whsec_…`, shown once) and the delivery log."""

from __future__ import annotations

import builtins
from typing import Unpack

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given, query
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import (
    WebhookDeliveryList,
    WebhookDeliveryRead,
    WebhookEndpointCreated,
    WebhookEndpointList,
    WebhookEndpointRead,
    WebhookEndpointUpdate,
    WebhookSecretRotated,
)


class WebhookEndpoints(SyncResource):
    @endpoint("GET", "/webhook-endpoints")
    def list(self) -> WebhookEndpointList:
        """The API's envelope (`webhook_endpoints`), newest first; secrets are never shown."""
        result: WebhookEndpointList = self._t.request("GET", "/webhook-endpoints")
        return result

    @endpoint("POST", "/webhook-endpoints")
    def create(
        self,
        url: str,
        events: builtins.list[str] | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        disabled: bool | NotGiven = NOT_GIVEN,
    ) -> WebhookEndpointCreated:
        """Register a URL for events (`call.*`, `campaign.*`; none given: all). The answer
        carries the signing `secret` (`whsec_…`) once: store it."""
        body = given(url=url, events=events, description=description, disabled=disabled)
        result: WebhookEndpointCreated = self._t.request("POST", "/webhook-endpoints", json=body)
        return result

    @endpoint("GET", "/webhook-endpoints/{endpoint_id}")
    def get(self, endpoint_id: str) -> WebhookEndpointRead:
        result: WebhookEndpointRead = self._t.request(
            "GET", f"/webhook-endpoints/{seg(endpoint_id)}"
        )
        return result

    @endpoint("PATCH", "/webhook-endpoints/{endpoint_id}")
    def update(
        self, endpoint_id: str, **fields: Unpack[WebhookEndpointUpdate]
    ) -> WebhookEndpointRead:
        """Change `url`, `events`, `description`, or `disabled` (enabling clears
        `disabled_reason`)."""
        result: WebhookEndpointRead = self._t.request(
            "PATCH", f"/webhook-endpoints/{seg(endpoint_id)}", json=fields
        )
        return result

    @endpoint("DELETE", "/webhook-endpoints/{endpoint_id}")
    def delete(self, endpoint_id: str) -> None:
        self._t.request("DELETE", f"/webhook-endpoints/{seg(endpoint_id)}")

    @endpoint("POST", "/webhook-endpoints/{endpoint_id}/rotate-secret")
    def rotate_secret(self, endpoint_id: str) -> WebhookSecretRotated:
        """A new signing secret (shown once); the old one still signs for 24 hours."""
        result: WebhookSecretRotated = self._t.request(
            "POST", f"/webhook-endpoints/{seg(endpoint_id)}/rotate-secret"
        )
        return result

    @endpoint("POST", "/webhook-endpoints/{endpoint_id}/test")
    def test(self, endpoint_id: str) -> WebhookDeliveryRead:
        """Queue a `ping` event to the endpoint; returns the delivery."""
        result: WebhookDeliveryRead = self._t.request(
            "POST", f"/webhook-endpoints/{seg(endpoint_id)}/test"
        )
        return result

    @endpoint("GET", "/webhook-endpoints/{endpoint_id}/deliveries")
    def list_deliveries(
        self,
        endpoint_id: str,
        status: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> WebhookDeliveryList:
        """One page of the endpoint's deliveries, newest first (`deliveries`, `limit`,
        `offset`); `status` is pending, delivered or failed."""
        params = query(status=status, limit=limit, offset=offset)
        result: WebhookDeliveryList = self._t.request(
            "GET", f"/webhook-endpoints/{seg(endpoint_id)}/deliveries", params=params
        )
        return result

    @endpoint("POST", "/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/retry")
    def retry_delivery(self, endpoint_id: str, delivery_id: str) -> WebhookDeliveryRead:
        """Send a delivery again now; it keeps its event id."""
        result: WebhookDeliveryRead = self._t.request(
            "POST",
            f"/webhook-endpoints/{seg(endpoint_id)}/deliveries/{seg(delivery_id)}/retry",
        )
        return result


class AsyncWebhookEndpoints(AsyncResource):
    @endpoint("GET", "/webhook-endpoints")
    async def list(self) -> WebhookEndpointList:
        """The API's envelope (`webhook_endpoints`), newest first; secrets are never shown."""
        result: WebhookEndpointList = await self._t.request("GET", "/webhook-endpoints")
        return result

    @endpoint("POST", "/webhook-endpoints")
    async def create(
        self,
        url: str,
        events: builtins.list[str] | NotGiven = NOT_GIVEN,
        description: str | NotGiven = NOT_GIVEN,
        disabled: bool | NotGiven = NOT_GIVEN,
    ) -> WebhookEndpointCreated:
        """Register a URL for events (`call.*`, `campaign.*`; none given: all). The answer
        carries the signing `secret` (`whsec_…`) once: store it."""
        body = given(url=url, events=events, description=description, disabled=disabled)
        result: WebhookEndpointCreated = await self._t.request(
            "POST", "/webhook-endpoints", json=body
        )
        return result

    @endpoint("GET", "/webhook-endpoints/{endpoint_id}")
    async def get(self, endpoint_id: str) -> WebhookEndpointRead:
        result: WebhookEndpointRead = await self._t.request(
            "GET", f"/webhook-endpoints/{seg(endpoint_id)}"
        )
        return result

    @endpoint("PATCH", "/webhook-endpoints/{endpoint_id}")
    async def update(
        self, endpoint_id: str, **fields: Unpack[WebhookEndpointUpdate]
    ) -> WebhookEndpointRead:
        """Change `url`, `events`, `description`, or `disabled` (enabling clears
        `disabled_reason`)."""
        result: WebhookEndpointRead = await self._t.request(
            "PATCH", f"/webhook-endpoints/{seg(endpoint_id)}", json=fields
        )
        return result

    @endpoint("DELETE", "/webhook-endpoints/{endpoint_id}")
    async def delete(self, endpoint_id: str) -> None:
        await self._t.request("DELETE", f"/webhook-endpoints/{seg(endpoint_id)}")

    @endpoint("POST", "/webhook-endpoints/{endpoint_id}/rotate-secret")
    async def rotate_secret(self, endpoint_id: str) -> WebhookSecretRotated:
        """A new signing secret (shown once); the old one still signs for 24 hours."""
        result: WebhookSecretRotated = await self._t.request(
            "POST", f"/webhook-endpoints/{seg(endpoint_id)}/rotate-secret"
        )
        return result

    @endpoint("POST", "/webhook-endpoints/{endpoint_id}/test")
    async def test(self, endpoint_id: str) -> WebhookDeliveryRead:
        """Queue a `ping` event to the endpoint; returns the delivery."""
        result: WebhookDeliveryRead = await self._t.request(
            "POST", f"/webhook-endpoints/{seg(endpoint_id)}/test"
        )
        return result

    @endpoint("GET", "/webhook-endpoints/{endpoint_id}/deliveries")
    async def list_deliveries(
        self,
        endpoint_id: str,
        status: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> WebhookDeliveryList:
        """One page of the endpoint's deliveries, newest first (`deliveries`, `limit`,
        `offset`); `status` is pending, delivered or failed."""
        params = query(status=status, limit=limit, offset=offset)
        result: WebhookDeliveryList = await self._t.request(
            "GET", f"/webhook-endpoints/{seg(endpoint_id)}/deliveries", params=params
        )
        return result

    @endpoint("POST", "/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/retry")
    async def retry_delivery(self, endpoint_id: str, delivery_id: str) -> WebhookDeliveryRead:
        """Send a delivery again now; it keeps its event id."""
        result: WebhookDeliveryRead = await self._t.request(
            "POST",
            f"/webhook-endpoints/{seg(endpoint_id)}/deliveries/{seg(delivery_id)}/retry",
        )
        return result
