"""Usage (`/usage`): calls and minutes per day or hour."""

from __future__ import annotations

from kataven._base import endpoint, query
from kataven.resources._resource import AsyncResource, SyncResource
from kataven.types import UsageRead


class Usage(SyncResource):
    @endpoint("GET", "/usage")
    def get(
        self, from_: str | None = None, to: str | None = None, granularity: str | None = None
    ) -> UsageRead:
        """Calls, answered calls and minutes per period (`granularity` day or hour) between
        `from_` and `to` (RFC 3339; the server's defaults when omitted)."""
        params = query(granularity=granularity, **{"from": from_, "to": to})
        result: UsageRead = self._t.request("GET", "/usage", params=params)
        return result


class AsyncUsage(AsyncResource):
    @endpoint("GET", "/usage")
    async def get(
        self, from_: str | None = None, to: str | None = None, granularity: str | None = None
    ) -> UsageRead:
        """Calls, answered calls and minutes per period (`granularity` day or hour) between
        `from_` and `to` (RFC 3339; the server's defaults when omitted)."""
        params = query(granularity=granularity, **{"from": from_, "to": to})
        result: UsageRead = await self._t.request("GET", "/usage", params=params)
        return result
