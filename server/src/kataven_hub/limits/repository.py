from __future__ import annotations

from kataven_hub.core.db import ControlSession
from kataven_hub.limits.models import CallLimit


class CallLimitRepository:
    def __init__(self, session: ControlSession) -> None:
        self.session = session

    async def get(self, account: str) -> CallLimit | None:
        return await self.session.get(CallLimit, account)

    async def add(self, row: CallLimit) -> CallLimit:
        self.session.add(row)
        await self.session.flush()
        return row
