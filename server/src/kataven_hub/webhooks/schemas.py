"""Webhook endpoints, their deliveries and the events they receive."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, field_validator

from kataven_hub.core.schemas import Bounded, RequestModel, ResponseModel, Timestamp, UpdateModel

EventType = Literal[
    "call.queued",
    "call.ringing",
    "call.in_progress",
    "call.completed",
    "call.failed",
    "call.recording_ready",
    "campaign.started",
    "campaign.paused",
    "campaign.resumed",
    "campaign.completed",
    "campaign.failed",
    "campaign.contact_finished",
    "*",
]
DeliveryStatus = Literal["pending", "delivered", "failed"]
_URL_DOC = (
    "Where events are POSTed: an https:// URL on the public internet. Loopback, private, "
    "link-local and cloud-metadata destinations are refused (400), when saved and again before "
    "every attempt; redirects are not followed."
)
Url = Annotated[str, Bounded(2000, min_length=1)]
Description = Annotated[str, Bounded(500)]
_EVENTS_DOC = 'Event types to receive, or `["*"]` for all of them.'


def _unique(events: list[str]) -> list[str]:
    return list(dict.fromkeys(events))


def _all_events() -> list[EventType]:
    return ["*"]


class WebhookEndpointCreate(RequestModel):
    url: Url = Field(description=_URL_DOC, examples=["https://example.com/hooks/kataven"])
    events: list[EventType] = Field(
        default_factory=_all_events, min_length=1, max_length=20, description=_EVENTS_DOC
    )
    description: Description = ""
    disabled: bool = False

    _events = field_validator("events")(classmethod(lambda cls, v: _unique(v)))


class WebhookEndpointUpdate(UpdateModel):
    url: Url | None = Field(default=None, description=_URL_DOC)
    events: list[EventType] | None = Field(
        default=None, min_length=1, max_length=20, description=_EVENTS_DOC
    )
    description: Description | None = None
    disabled: bool | None = Field(
        default=None, description="Stop (true) or resume (false) deliveries to this endpoint."
    )

    _events = field_validator("events")(
        classmethod(lambda cls, v: None if v is None else _unique(v))
    )


class WebhookEndpointRead(ResponseModel):
    id: str
    url: str
    events: list[str]
    description: str
    disabled: bool
    disabled_reason: str | None = Field(
        description="Why the endpoint was disabled automatically (3 days of failed deliveries)."
    )
    created_at: Timestamp
    updated_at: Timestamp


class WebhookEndpointCreated(WebhookEndpointRead):
    secret: str = Field(
        description="The signing secret (`whsec_…`), shown only in this response: verify "
        "`webhook-signature` with it (Standard Webhooks)."
    )


class WebhookEndpointList(ResponseModel):
    webhook_endpoints: list[WebhookEndpointRead]


class WebhookSecretRotated(ResponseModel):
    secret: str = Field(description="The new signing secret, shown only in this response.")
    previous_secret_expires_at: Timestamp = Field(
        description="Until then every delivery carries a second signature made with the old "
        "secret, so receivers can switch without missing events."
    )


class WebhookDeliveryRead(ResponseModel):
    id: str
    endpoint_id: str
    event_id: str = Field(description="The event's id, sent as `webhook-id` (deduplicate on it).")
    event_type: str
    status: DeliveryStatus
    attempts: int
    response_status: int | None = Field(description="HTTP status of the last attempt.")
    latency_ms: int | None = Field(description="Duration of the last attempt.")
    error: str | None = Field(description="Why the last attempt failed.")
    next_attempt_at: Timestamp | None = Field(description="When a pending delivery is retried.")
    last_attempt_at: Timestamp | None
    delivered_at: Timestamp | None
    created_at: Timestamp


class WebhookDeliveryList(ResponseModel):
    deliveries: list[WebhookDeliveryRead]
    limit: int
    offset: int
