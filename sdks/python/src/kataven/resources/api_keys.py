"""API keys (`/api-keys`): listed only; creating and revoking keys is for the Hub UI."""

from __future__ import annotations

import builtins

from kataven._base import endpoint
from kataven.resources._resource import AsyncResource, SyncResource
from kataven.types import ApiKeyRead


class ApiKeys(SyncResource):
    @endpoint("GET", "/api-keys")
    def list(self) -> builtins.list[ApiKeyRead]:
        """The account's keys (prefixes and metadata; never a secret)."""
        result: builtins.list[ApiKeyRead] = self._t.request("GET", "/api-keys")
        return result


class AsyncApiKeys(AsyncResource):
    @endpoint("GET", "/api-keys")
    async def list(self) -> builtins.list[ApiKeyRead]:
        """The account's keys (prefixes and metadata; never a secret)."""
        result: builtins.list[ApiKeyRead] = await self._t.request("GET", "/api-keys")
        return result
