"""Tenant tables: carrier credentials (encrypted) and phone numbers; control table: the global
map of E.164 numbers to accounts (inbound routing needs to find a number's account)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import ControlBase, TenantBase, utcnow


class ProviderCredential(TenantBase):
    __tablename__ = "telephony_providers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    provider: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(200), default="")
    # core.secrets ciphertext of the credentials JSON, bound to this row and column.
    credentials: Mapped[str] = mapped_column(Text)
    credential_keys: Mapped[str] = mapped_column(String(200), default="")  # names only, "a,b"
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class PhoneNumber(TenantBase):
    __tablename__ = "phone_numbers"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    e164: Mapped[str] = mapped_column(String(16), unique=True)
    provider: Mapped[str] = mapped_column(String(20))
    credentials_id: Mapped[str] = mapped_column(
        ForeignKey("telephony_providers.id", ondelete="RESTRICT"), index=True
    )
    agent_id: Mapped[str | None] = mapped_column(
        ForeignKey("agents.id", ondelete="SET NULL"), index=True, default=None
    )
    inbound_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    outbound_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class NumberOwner(ControlBase):
    """Which account owns an E.164 number, installation-wide (at most one)."""

    __tablename__ = "phone_number_map"

    e164: Mapped[str] = mapped_column(String(16), primary_key=True)
    account: Mapped[str] = mapped_column(
        ForeignKey("accounts.slug", ondelete="CASCADE"), index=True
    )
    number_id: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
