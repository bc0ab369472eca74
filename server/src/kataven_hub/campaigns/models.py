"""Campaign tables. Tenant: campaigns, their contacts and their event log. Control: the index
of campaigns that need a dispatcher (so dispatchers find work without scanning every tenant),
with the lease each one is served under."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import ControlBase, JSONType, TenantBase, utcnow

# Contact statuses (DECISIONS). In flight: originated (attempt recorded, call placed or being
# placed) and connected (answered). Terminal: completed, failed, cancelled, and skipped (never
# dialled: the number is on the do-not-call list).
PENDING, ORIGINATED, CONNECTED = "pending", "originated", "connected"
COMPLETED, FAILED, CANCELLED, SKIPPED = "completed", "failed", "cancelled", "skipped"
CONTACT_STATUSES = (PENDING, ORIGINATED, CONNECTED, COMPLETED, FAILED, CANCELLED, SKIPPED)
IN_FLIGHT = (ORIGINATED, CONNECTED)
CONTACT_DONE = (COMPLETED, FAILED, CANCELLED, SKIPPED)
DO_NOT_CALL = "do_not_call"  # a skipped contact's failure_reason

# Which outcomes of an attempt are retried (retry_on); the default is all three.
RETRY_OUTCOMES = ("busy", "no_answer", "failed")

# Campaign statuses.
DRAFT, SCHEDULED, RUNNING, PAUSED = "draft", "scheduled", "running", "paused"
CAMPAIGN_TERMINAL = ("completed", "failed")


class Campaign(TenantBase):
    __tablename__ = "campaigns"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    agent_id: Mapped[str] = mapped_column(String(40), index=True)
    phone_number_id: Mapped[str] = mapped_column(String(40), index=True)
    max_concurrent_calls: Mapped[int] = mapped_column(Integer, default=5)
    retries_per_contact: Mapped[int] = mapped_column(Integer, default=0)
    retry_delay_seconds: Mapped[int] = mapped_column(Integer, default=300)
    scheduled_at: Mapped[datetime | None] = mapped_column(default=None)
    status: Mapped[str] = mapped_column(String(20), default=DRAFT, index=True)
    failure_reason: Mapped[str | None] = mapped_column(String(300), default=None)
    contacts_total: Mapped[int] = mapped_column(Integer, default=0)
    duplicates_skipped: Mapped[int] = mapped_column(Integer, default=0)
    # Fencing: the token of the dispatcher lease allowed to write; bumped on every takeover.
    lease_token: Mapped[int] = mapped_column(Integer, default=0)
    # The last event's sequence number (events are numbered per campaign, under this row's lock).
    event_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(default=None)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    stopped_at: Mapped[datetime | None] = mapped_column(default=None)
    # Campaign controls (spec 16).
    retry_on: Mapped[list[str]] = mapped_column(
        JSONType, default=lambda: list(RETRY_OUTCOMES),
        server_default=text("'[\"busy\", \"no_answer\", \"failed\"]'"),
    )  # fmt: skip
    # {start, end, days, timezone} (campaigns/windows.py); None: any time.
    calling_window: Mapped[dict[str, Any] | None] = mapped_column(default=None)
    # The zone of contacts whose number spans several zones (or none is known).
    default_timezone: Mapped[str] = mapped_column(String(64), server_default="UTC", default="UTC")
    do_not_call_skipped: Mapped[int] = mapped_column(Integer, server_default="0", default=0)
    # The CSV columns kept as custom fields (the export's columns), and the distinct time zones
    # of the contacts (the dispatcher checks each zone's window, not each contact's).
    custom_columns: Mapped[list[str]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'")
    )
    timezones: Mapped[list[str]] = mapped_column(
        JSONType, default=list, server_default=text("'[]'")
    )


class CampaignContact(TenantBase):
    __tablename__ = "campaign_contacts"
    __table_args__ = (
        Index("ix_campaign_contacts_campaign_status_seq", "campaign_id", "status", "seq"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    campaign_id: Mapped[str] = mapped_column(ForeignKey("campaigns.id", ondelete="CASCADE"))
    seq: Mapped[int] = mapped_column(Integer)  # position in the CSV (dial order)
    phone_number: Mapped[str] = mapped_column(String(16))
    custom_fields: Mapped[dict[str, Any]] = mapped_column(server_default=text("'{}'"))
    status: Mapped[str] = mapped_column(String(12), server_default=PENDING)
    attempts: Mapped[int] = mapped_column(Integer, server_default="0")
    next_attempt_at: Mapped[datetime | None] = mapped_column(default=None)  # None: due now
    claimed_at: Mapped[datetime | None] = mapped_column(default=None)  # last attempt recorded
    lease_token: Mapped[int] = mapped_column(Integer, server_default="0")
    call_id: Mapped[str | None] = mapped_column(String(40), default=None)
    last_outcome: Mapped[str | None] = mapped_column(String(20), default=None)
    failure_reason: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(default=None)
    # The recipient's IANA zone from the number; None: it spans several (or is unknown), and
    # the campaign's default_timezone applies.
    timezone: Mapped[str | None] = mapped_column(String(40), default=None)


class CampaignEvent(TenantBase):
    """The campaign's append-only event log: the source of truth behind the SSE stream."""

    __tablename__ = "campaign_events"

    campaign_id: Mapped[str] = mapped_column(
        ForeignKey("campaigns.id", ondelete="CASCADE"), primary_key=True
    )
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    event: Mapped[str] = mapped_column(String(10))  # contact | status
    data: Mapped[dict[str, Any]] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class CampaignIndex(ControlBase):
    """A campaign some dispatcher must look after (scheduled, running, paused or draining),
    and the lease it is served under. The tenant row stays the source of truth."""

    __tablename__ = "campaign_index"

    campaign_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    account: Mapped[str] = mapped_column(
        ForeignKey("accounts.slug", ondelete="CASCADE"), index=True
    )
    due_at: Mapped[datetime] = mapped_column(index=True)  # not served before this
    # Bumped by every API change; a dispatcher removes the row only at the version it read.
    version: Mapped[int] = mapped_column(Integer, default=1)
    lease_owner: Mapped[str | None] = mapped_column(String(100), default=None)
    lease_token: Mapped[int] = mapped_column(Integer, default=0)
    lease_expires_at: Mapped[datetime | None] = mapped_column(default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
