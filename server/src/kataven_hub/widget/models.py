"""Tenant tables of the embeddable widget: key pairs, branding, per-agent policy, and the
state behind visitor sessions (rotating refresh tokens, redeemed user tokens)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import ControlBase, JSONType, TenantBase, utcnow


class WidgetKey(TenantBase):
    """A `pk_live_` / `sk_live_` pair; only HMAC digests of both are stored.

    `agent_id` is deliberately not a foreign key: a key pinned to an agent that was deleted
    must keep refusing visitors (fail closed) rather than silently become unpinned.
    """

    __tablename__ = "widget_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    public_digest: Mapped[str] = mapped_column(String(64), unique=True)
    public_last8: Mapped[str] = mapped_column(String(8))
    secret_digest: Mapped[str] = mapped_column(String(64), unique=True)
    secret_last8: Mapped[str] = mapped_column(String(8))
    domain_allowlist: Mapped[list[str]] = mapped_column(JSONType, default=list)
    agent_id: Mapped[str | None] = mapped_column(String(40), default=None)
    created_by: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    disabled_at: Mapped[datetime | None] = mapped_column(default=None)
    last_used_at: Mapped[datetime | None] = mapped_column(default=None)


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


class WidgetRefreshToken(TenantBase):
    """One opaque refresh token (digest only). Tokens of one visitor session share a
    `family_id`; presenting a used token again revokes the whole family."""

    __tablename__ = "widget_refresh_tokens"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    family_id: Mapped[str] = mapped_column(String(40), index=True)
    digest: Mapped[str] = mapped_column(String(64), unique=True)
    widget_key_id: Mapped[str] = mapped_column(String(40))
    agent_id: Mapped[str] = mapped_column(String(40))
    mode: Mapped[str] = mapped_column(String(10))
    visitor_id: Mapped[str] = mapped_column(String(200))
    profile: Mapped[dict[str, Any]] = mapped_column(default=dict)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    used_at: Mapped[datetime | None] = mapped_column(default=None)
    revoked_at: Mapped[datetime | None] = mapped_column(default=None)


class WidgetTokenRedemption(TenantBase):
    """`jti` of a user_token already exchanged: a user_token is good for one session."""

    __tablename__ = "widget_token_redemptions"

    jti: Mapped[str] = mapped_column(String(64), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


class WidgetOrigin(ControlBase):
    """Control database: the allowlist of every active widget key, by account. A CORS preflight
    without `client_key` is answered for an origin some active key allows (the request itself
    is then checked against its exact key). Kept by the widget keys service; rebuilt per account
    by `kataven-hub migrate`."""

    __tablename__ = "widget_origins"

    account: Mapped[str] = mapped_column(
        ForeignKey("accounts.slug", ondelete="CASCADE"), primary_key=True
    )
    key_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    domain_allowlist: Mapped[list[str]] = mapped_column(JSONType, default=list)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
