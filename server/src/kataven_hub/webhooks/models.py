"""Webhook tables. Tenant: endpoints, and the outbox: one delivery row per (event, endpoint),
carrying the event's body. Control: the accounts that have endpoints, so delivery workers find
work without visiting every tenant database."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core import secrets
from kataven_hub.core.db import ControlBase, TenantBase, utcnow

_JSON_LIST = JSON().with_variant(JSONB(), "postgresql")

# Secrets are sealed with the keyring, bound to (account, table, row, column).
ENDPOINT_SECRET = secrets.register("webhook_endpoints", "secret")
ENDPOINT_PREVIOUS_SECRET = secrets.register("webhook_endpoints", "previous_secret")

# Delivery statuses: pending (due at next_attempt_at), delivered, failed (given up).
PENDING, DELIVERED, FAILED = "pending", "delivered", "failed"


class WebhookEndpoint(TenantBase):
    __tablename__ = "webhook_endpoints"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # whep_…
    url: Mapped[str] = mapped_column(String(2000))
    description: Mapped[str] = mapped_column(String(500), default="")
    events: Mapped[list[str]] = mapped_column(_JSON_LIST, default=list)
    # The same list as ",call.queued,call.completed," (or ",*,"), matched with LIKE by the
    # statement that queues an event (portable, no JSON functions).
    event_filter: Mapped[str] = mapped_column(String(1000), default=",*,")
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    disabled_reason: Mapped[str | None] = mapped_column(String(300), default=None)
    secret: Mapped[str] = mapped_column(Text)
    # After rotate-secret the old secret keeps signing (a second signature) until this time.
    previous_secret: Mapped[str | None] = mapped_column(Text, default=None)
    previous_secret_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    # The first failure of the current run of failures (cleared by a success).
    failing_since: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class WebhookDelivery(TenantBase):
    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_id_created_at", "endpoint_id", "created_at"),
    )

    """The outbox: written in the transaction of the change it reports (see outbox.py)."""

    id: Mapped[str] = mapped_column(String(90), primary_key=True)  # {event id}.{endpoint id}
    endpoint_id: Mapped[str] = mapped_column(
        String(40), ForeignKey("webhook_endpoints.id", ondelete="CASCADE")
    )
    event_id: Mapped[str] = mapped_column(String(40), index=True)  # evt_… (the webhook-id)
    event_type: Mapped[str] = mapped_column(String(50))
    payload: Mapped[dict[str, Any]] = mapped_column()  # the body: {id, type, created_at, …}
    status: Mapped[str] = mapped_column(String(20), default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=utcnow)
    # A worker sending an attempt holds the row until lease_expires_at (a crash frees it).
    lease_owner: Mapped[str | None] = mapped_column(String(100), default=None)
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    response_status: Mapped[int | None] = mapped_column(Integer, default=None)
    latency_ms: Mapped[int | None] = mapped_column(Integer, default=None)
    error: Mapped[str | None] = mapped_column(String(500), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    last_attempt_at: Mapped[datetime | None] = mapped_column(default=None)
    delivered_at: Mapped[datetime | None] = mapped_column(default=None)


class WebhookAccount(ControlBase):
    """An account with at least one webhook endpoint (ever): where delivery workers look."""

    __tablename__ = "webhook_accounts"

    account: Mapped[str] = mapped_column(String(63), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
