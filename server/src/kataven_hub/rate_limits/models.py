"""Control-database table: request rate limits configured for an account by an operator.

An account without a row gets the documented defaults (see service.DEFAULTS).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import ControlBase, utcnow


class AccountRateLimit(ControlBase):
    __tablename__ = "account_rate_limits"

    # The account slug (unique and immutable); the row goes with its account.
    account: Mapped[str] = mapped_column(
        String(63), ForeignKey("accounts.slug", ondelete="CASCADE"), primary_key=True
    )
    requests_per_minute: Mapped[int]
    requests_per_hour: Mapped[int]
    requests_per_day: Mapped[int]
    concurrent_requests: Mapped[int]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
