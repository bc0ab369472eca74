"""Tenant table: the account's do-not-call list (numbers in E.164)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import TenantBase, utcnow


class DoNotCall(TenantBase):
    __tablename__ = "do_not_call"

    phone_number: Mapped[str] = mapped_column(String(16), primary_key=True)
    reason: Mapped[str | None] = mapped_column(String(200), default=None)
    created_by: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
