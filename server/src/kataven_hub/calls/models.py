"""Tenant table: calls (one row per call, keyed by its session id)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import TenantBase, utcnow


class Call(TenantBase):
    __tablename__ = "calls"
    __table_args__ = (Index("ix_calls_status_ended_at", "status", "ended_at"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # sess_…
    direction: Mapped[str] = mapped_column(String(10), default="outbound")
    status: Mapped[str] = mapped_column(String(20), default="queued")
    from_number: Mapped[str] = mapped_column(String(16))
    to_number: Mapped[str] = mapped_column(String(16))
    agent_id: Mapped[str | None] = mapped_column(String(40), index=True)
    provider: Mapped[str] = mapped_column(String(20))
    number_id: Mapped[str | None] = mapped_column(String(40))
    credentials_id: Mapped[str | None] = mapped_column(String(40))
    carrier_call_id: Mapped[str | None] = mapped_column(String(100), index=True, default=None)
    carrier_leg_id: Mapped[str | None] = mapped_column(String(100), default=None)
    campaign_id: Mapped[str | None] = mapped_column(String(40), index=True, default=None)
    contact_id: Mapped[str | None] = mapped_column(String(40), default=None)
    # Handed to the agent runtime when the call is answered (a campaign contact's CSV columns).
    custom_fields: Mapped[dict[str, Any]] = mapped_column(default=dict, server_default=text("'{}'"))
    error: Mapped[str | None] = mapped_column(Text, default=None)
    duration_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    recording_status: Mapped[str | None] = mapped_column(String(20), default=None)  # pending|ready
    recording_key: Mapped[str | None] = mapped_column(String(300), default=None)
    recording_content_type: Mapped[str | None] = mapped_column(String(100), default=None)
    recording_duration_seconds: Mapped[int | None] = mapped_column(Integer, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    answered_at: Mapped[datetime | None] = mapped_column(default=None)
    ended_at: Mapped[datetime | None] = mapped_column(default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
