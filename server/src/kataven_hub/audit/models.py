"""Tenant table: audit_events (one row per authenticated write or sign-in)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import TenantBase, utcnow


class AuditEvent(TenantBase):
    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_resource_type_resource_id", "resource_type", "resource_id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # aud_… (sorts by time)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor: Mapped[str] = mapped_column(String(100), index=True)  # API key id or user id
    actor_type: Mapped[str] = mapped_column(String(20))  # api_key | user
    method: Mapped[str] = mapped_column(String(10))
    route: Mapped[str] = mapped_column(String(300))  # the route template, never the raw path
    resource_type: Mapped[str | None] = mapped_column(String(60), default=None)
    resource_id: Mapped[str | None] = mapped_column(String(100), default=None)
    status: Mapped[int] = mapped_column(Integer)
    request_id: Mapped[str | None] = mapped_column(String(100), default=None)
    ip: Mapped[str | None] = mapped_column(String(64), default=None)
