"""Widget keys: the tenant table of `pk_live_` / `sk_live_` pairs, and the control table
indexing every active key's allowlist (for CORS preflights)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
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
