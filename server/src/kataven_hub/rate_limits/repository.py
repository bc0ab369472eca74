from __future__ import annotations

from kataven_hub.core.db import ControlSession
from kataven_hub.rate_limits.models import AccountRateLimit


class RateLimitRepository:
    def __init__(self, session: ControlSession) -> None:
        self.session = session

    async def get(self, account: str) -> AccountRateLimit | None:
        return await self.session.get(AccountRateLimit, account)

    async def add(self, row: AccountRateLimit) -> AccountRateLimit:
        self.session.add(row)
        await self.session.flush()
        return row
