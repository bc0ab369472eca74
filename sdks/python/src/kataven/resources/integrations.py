"""Integrations (`/integrations`), native tools and MCP connections."""

from __future__ import annotations

from typing import Any

from kataven._base import endpoint, query
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import IntegrationList, IntegrationRead, McpConnectionList, NativeToolList


class Integrations(SyncResource):
    @endpoint("GET", "/integrations")
    def list(self, category: str | None = None) -> IntegrationList:
        result: IntegrationList = self._t.request(
            "GET", "/integrations", params=query(category=category)
        )
        return result

    @endpoint("GET", "/integrations/{integration_id}")
    def get(self, integration_id: str) -> IntegrationRead:
        result: IntegrationRead = self._t.request("GET", f"/integrations/{seg(integration_id)}")
        return result

    @endpoint("POST", "/integrations/{integration_id}/install")
    def install(self, integration_id: str, credentials: dict[str, Any]) -> IntegrationRead:
        """Store the integration's credentials (encrypted) and enable its tools."""
        result: IntegrationRead = self._t.request(
            "POST",
            f"/integrations/{seg(integration_id)}/install",
            json={"credentials": credentials},
        )
        return result

    @endpoint("POST", "/integrations/{integration_id}/uninstall")
    def uninstall(self, integration_id: str) -> IntegrationRead:
        result: IntegrationRead = self._t.request(
            "POST", f"/integrations/{seg(integration_id)}/uninstall"
        )
        return result

    @endpoint("GET", "/native-tools")
    def native_tools(self) -> NativeToolList:
        result: NativeToolList = self._t.request("GET", "/native-tools")
        return result

    @endpoint("GET", "/mcp-connections")
    def mcp_connections(self) -> McpConnectionList:
        result: McpConnectionList = self._t.request("GET", "/mcp-connections")
        return result


class AsyncIntegrations(AsyncResource):
    @endpoint("GET", "/integrations")
    async def list(self, category: str | None = None) -> IntegrationList:
        result: IntegrationList = await self._t.request(
            "GET", "/integrations", params=query(category=category)
        )
        return result

    @endpoint("GET", "/integrations/{integration_id}")
    async def get(self, integration_id: str) -> IntegrationRead:
        result: IntegrationRead = await self._t.request(
            "GET", f"/integrations/{seg(integration_id)}"
        )
        return result

    @endpoint("POST", "/integrations/{integration_id}/install")
    async def install(self, integration_id: str, credentials: dict[str, Any]) -> IntegrationRead:
        """Store the integration's credentials (encrypted) and enable its tools."""
        result: IntegrationRead = await self._t.request(
            "POST",
            f"/integrations/{seg(integration_id)}/install",
            json={"credentials": credentials},
        )
        return result

    @endpoint("POST", "/integrations/{integration_id}/uninstall")
    async def uninstall(self, integration_id: str) -> IntegrationRead:
        result: IntegrationRead = await self._t.request(
            "POST", f"/integrations/{seg(integration_id)}/uninstall"
        )
        return result

    @endpoint("GET", "/native-tools")
    async def native_tools(self) -> NativeToolList:
        result: NativeToolList = await self._t.request("GET", "/native-tools")
        return result

    @endpoint("GET", "/mcp-connections")
    async def mcp_connections(self) -> McpConnectionList:
        result: McpConnectionList = await self._t.request("GET", "/mcp-connections")
        return result
