"""Call cost caps (`/call-limits`)."""

from __future__ import annotations

from typing import Unpack

from kataven._base import endpoint
from kataven.resources._resource import AsyncResource, SyncResource
from kataven.types import CallLimitsRead, CallLimitsUpdate


class CallLimits(SyncResource):
    @endpoint("GET", "/call-limits")
    def get(self) -> CallLimitsRead:
        result: CallLimitsRead = self._t.request("GET", "/call-limits")
        return result

    @endpoint("PATCH", "/call-limits")
    def update(self, **fields: Unpack[CallLimitsUpdate]) -> CallLimitsRead:
        """Change caps. Only Hub UI owners and admins may: an API key gets
        `PermissionDeniedError`."""
        result: CallLimitsRead = self._t.request("PATCH", "/call-limits", json=fields)
        return result


class AsyncCallLimits(AsyncResource):
    @endpoint("GET", "/call-limits")
    async def get(self) -> CallLimitsRead:
        result: CallLimitsRead = await self._t.request("GET", "/call-limits")
        return result

    @endpoint("PATCH", "/call-limits")
    async def update(self, **fields: Unpack[CallLimitsUpdate]) -> CallLimitsRead:
        """Change caps. Only Hub UI owners and admins may: an API key gets
        `PermissionDeniedError`."""
        result: CallLimitsRead = await self._t.request("PATCH", "/call-limits", json=fields)
        return result
