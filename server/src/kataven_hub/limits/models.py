"""Control table: per-account call cost caps (defaults apply while an account has no row)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import ControlBase, utcnow

DEFAULTS = {
    "concurrent_max": 10,
    "calls_per_minute": 30,
    "daily_calls_max": 1000,
    "daily_minutes_max": 600,
}


class CallLimit(ControlBase):
    __tablename__ = "call_limits"

    account: Mapped[str] = mapped_column(
        ForeignKey("accounts.slug", ondelete="CASCADE"), primary_key=True
    )
    concurrent_max: Mapped[int] = mapped_column(Integer, default=DEFAULTS["concurrent_max"])
    calls_per_minute: Mapped[int] = mapped_column(Integer, default=DEFAULTS["calls_per_minute"])
    daily_calls_max: Mapped[int] = mapped_column(Integer, default=DEFAULTS["daily_calls_max"])
    daily_minutes_max: Mapped[int] = mapped_column(Integer, default=DEFAULTS["daily_minutes_max"])
    updated_by: Mapped[str | None] = mapped_column(String(60), default=None)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
