"""Tenant tables: installed integrations and their credentials, one encrypted row per key."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core import secrets
from kataven_hub.core.db import TenantBase, utcnow


class InstalledIntegration(TenantBase):
    __tablename__ = "integrations"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)  # the catalogue id
    installed_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class IntegrationCredential(TenantBase):
    __tablename__ = "integration_credentials"
    __table_args__ = (UniqueConstraint("integration_id", "key"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    integration_id: Mapped[str] = mapped_column(ForeignKey("integrations.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(100))
    value: Mapped[str] = mapped_column(Text)  # ciphertext (core.secrets), bound to this row
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


CREDENTIAL_VALUE = secrets.register("integration_credentials", "value")
