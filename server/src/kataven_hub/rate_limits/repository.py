from __future__ import annotations

from kataven_hub.core.db import ControlSession
from kataven_hub.core.repository import Repository
from kataven_hub.rate_limits.models import AccountRateLimit


class RateLimitRepository(Repository[AccountRateLimit, ControlSession]):
    model = AccountRateLimit
