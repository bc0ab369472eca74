"""The web widget: client keys (`/widget-keys`), branding (`/widget-settings`), per-agent
settings, and user tokens a customer's backend issues (`/widget/auth/user-token`)."""

from __future__ import annotations

import builtins
from typing import Unpack

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import (
    AgentWidgetSettingsRead,
    AgentWidgetSettingsUpdate,
    BrandingRead,
    BrandingUpdate,
    UserTokenRead,
    WidgetKeyCreated,
    WidgetKeyRead,
    WidgetKeyUpdate,
)


class WidgetKeys(SyncResource):
    @endpoint("GET", "/widget-keys")
    def list(self) -> builtins.list[WidgetKeyRead]:
        result: builtins.list[WidgetKeyRead] = self._t.request("GET", "/widget-keys")
        return result

    @endpoint("POST", "/widget-keys")
    def create(
        self,
        name: str,
        domain_allowlist: builtins.list[str] | NotGiven | None = NOT_GIVEN,
        agent_id: str | NotGiven | None = NOT_GIVEN,
    ) -> WidgetKeyCreated:
        """A key pair: `public_key` for the page, `secret_key` (shown once) for your backend."""
        body = given(name=name, domain_allowlist=domain_allowlist, agent_id=agent_id)
        result: WidgetKeyCreated = self._t.request("POST", "/widget-keys", json=body)
        return result

    @endpoint("GET", "/widget-keys/{key_id}")
    def get(self, key_id: str) -> WidgetKeyRead:
        result: WidgetKeyRead = self._t.request("GET", f"/widget-keys/{seg(key_id)}")
        return result

    @endpoint("PATCH", "/widget-keys/{key_id}")
    def update(self, key_id: str, **fields: Unpack[WidgetKeyUpdate]) -> WidgetKeyRead:
        result: WidgetKeyRead = self._t.request("PATCH", f"/widget-keys/{seg(key_id)}", json=fields)
        return result

    @endpoint("DELETE", "/widget-keys/{key_id}")
    def delete(self, key_id: str) -> None:
        self._t.request("DELETE", f"/widget-keys/{seg(key_id)}")


class WidgetSettings(SyncResource):
    @endpoint("GET", "/widget-settings")
    def get(self) -> BrandingRead:
        result: BrandingRead = self._t.request("GET", "/widget-settings")
        return result

    @endpoint("PATCH", "/widget-settings")
    def update(self, **fields: Unpack[BrandingUpdate]) -> BrandingRead:
        result: BrandingRead = self._t.request("PATCH", "/widget-settings", json=fields)
        return result

    @endpoint("GET", "/agents/{agent_id}/widget-settings")
    def get_agent(self, agent_id: str) -> AgentWidgetSettingsRead:
        result: AgentWidgetSettingsRead = self._t.request(
            "GET", f"/agents/{seg(agent_id)}/widget-settings"
        )
        return result

    @endpoint("PATCH", "/agents/{agent_id}/widget-settings")
    def update_agent(
        self, agent_id: str, **fields: Unpack[AgentWidgetSettingsUpdate]
    ) -> AgentWidgetSettingsRead:
        result: AgentWidgetSettingsRead = self._t.request(
            "PATCH", f"/agents/{seg(agent_id)}/widget-settings", json=fields
        )
        return result


class WidgetAuth(SyncResource):
    @endpoint("POST", "/widget/auth/user-token")
    def create_user_token(
        self,
        external_user_id: str,
        display_name: str | NotGiven | None = NOT_GIVEN,
        email: str | NotGiven | None = NOT_GIVEN,
    ) -> UserTokenRead:
        """A short-lived token naming one of your users; hand it to the browser
        (`Kataven.init({userToken})`). Call it from your backend, on a client whose key is the
        widget key pair's secret: `KatavenClient(api_key=secret_key)`."""
        body = given(external_user_id=external_user_id, display_name=display_name, email=email)
        result: UserTokenRead = self._t.request("POST", "/widget/auth/user-token", json=body)
        return result


class AsyncWidgetKeys(AsyncResource):
    @endpoint("GET", "/widget-keys")
    async def list(self) -> builtins.list[WidgetKeyRead]:
        result: builtins.list[WidgetKeyRead] = await self._t.request("GET", "/widget-keys")
        return result

    @endpoint("POST", "/widget-keys")
    async def create(
        self,
        name: str,
        domain_allowlist: builtins.list[str] | NotGiven | None = NOT_GIVEN,
        agent_id: str | NotGiven | None = NOT_GIVEN,
    ) -> WidgetKeyCreated:
        """A key pair: `public_key` for the page, `secret_key` (shown once) for your backend."""
        body = given(name=name, domain_allowlist=domain_allowlist, agent_id=agent_id)
        result: WidgetKeyCreated = await self._t.request("POST", "/widget-keys", json=body)
        return result

    @endpoint("GET", "/widget-keys/{key_id}")
    async def get(self, key_id: str) -> WidgetKeyRead:
        result: WidgetKeyRead = await self._t.request("GET", f"/widget-keys/{seg(key_id)}")
        return result

    @endpoint("PATCH", "/widget-keys/{key_id}")
    async def update(self, key_id: str, **fields: Unpack[WidgetKeyUpdate]) -> WidgetKeyRead:
        result: WidgetKeyRead = await self._t.request(
            "PATCH", f"/widget-keys/{seg(key_id)}", json=fields
        )
        return result

    @endpoint("DELETE", "/widget-keys/{key_id}")
    async def delete(self, key_id: str) -> None:
        await self._t.request("DELETE", f"/widget-keys/{seg(key_id)}")


class AsyncWidgetAuth(AsyncResource):
    @endpoint("POST", "/widget/auth/user-token")
    async def create_user_token(
        self,
        external_user_id: str,
        display_name: str | NotGiven | None = NOT_GIVEN,
        email: str | NotGiven | None = NOT_GIVEN,
    ) -> UserTokenRead:
        """A short-lived token naming one of your users; hand it to the browser
        (`Kataven.init({userToken})`). Call it from your backend, on a client whose key is the
        widget key pair's secret: `KatavenClient(api_key=secret_key)`."""
        body = given(external_user_id=external_user_id, display_name=display_name, email=email)
        result: UserTokenRead = await self._t.request("POST", "/widget/auth/user-token", json=body)
        return result


class AsyncWidgetSettings(AsyncResource):
    @endpoint("GET", "/widget-settings")
    async def get(self) -> BrandingRead:
        result: BrandingRead = await self._t.request("GET", "/widget-settings")
        return result

    @endpoint("PATCH", "/widget-settings")
    async def update(self, **fields: Unpack[BrandingUpdate]) -> BrandingRead:
        result: BrandingRead = await self._t.request("PATCH", "/widget-settings", json=fields)
        return result

    @endpoint("GET", "/agents/{agent_id}/widget-settings")
    async def get_agent(self, agent_id: str) -> AgentWidgetSettingsRead:
        result: AgentWidgetSettingsRead = await self._t.request(
            "GET", f"/agents/{seg(agent_id)}/widget-settings"
        )
        return result

    @endpoint("PATCH", "/agents/{agent_id}/widget-settings")
    async def update_agent(
        self, agent_id: str, **fields: Unpack[AgentWidgetSettingsUpdate]
    ) -> AgentWidgetSettingsRead:
        result: AgentWidgetSettingsRead = await self._t.request(
            "PATCH", f"/agents/{seg(agent_id)}/widget-settings", json=fields
        )
        return result
