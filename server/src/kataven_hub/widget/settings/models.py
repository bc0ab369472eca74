"""Widget settings: the account-wide branding and the per-agent widget policy."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import TenantBase, utcnow


class WidgetBranding(TenantBase):
    """Account-wide look of every widget: one row (id `account`); null columns use defaults."""

    __tablename__ = "widget_settings"

    id: Mapped[str] = mapped_column(String(20), primary_key=True)
    primary_color: Mapped[str | None] = mapped_column(String(7), default=None)
    accent_color: Mapped[str | None] = mapped_column(String(7), default=None)
    logo_url: Mapped[str | None] = mapped_column(String(2048), default=None)
    launcher_position: Mapped[str | None] = mapped_column(String(2), default=None)
    launcher_label: Mapped[str | None] = mapped_column(String(60), default=None)
    privacy_notice: Mapped[str | None] = mapped_column(Text, default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AgentWidgetPolicy(TenantBase):
    """Per-agent widget policy; `auth_mode` null means "follow the agent's auth_mode"."""

    __tablename__ = "agent_widget_settings"

    agent_id: Mapped[str] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    widget_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    auth_mode: Mapped[str | None] = mapped_column(String(10), default=None)
    greeting_override: Mapped[str | None] = mapped_column(Text, default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
