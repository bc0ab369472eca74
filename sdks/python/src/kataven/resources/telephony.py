"""Carrier credentials (`/telephony/providers`) and phone numbers (`/telephony/numbers`)."""

from __future__ import annotations

from typing import Any

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given, query
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import NumberList, NumberRead, ProviderList, ProviderRead


class Telephony(SyncResource):
    @endpoint("GET", "/telephony/providers")
    def list_providers(self) -> ProviderList:
        result: ProviderList = self._t.request("GET", "/telephony/providers")
        return result

    @endpoint("POST", "/telephony/providers")
    def create_provider(
        self,
        provider: str,
        label: str | NotGiven = NOT_GIVEN,
        credentials: dict[str, Any] | NotGiven = NOT_GIVEN,
    ) -> ProviderRead:
        """Store a carrier credential (`twilio`, `plivo`, `vobiz`, or `sandbox` outside
        production). The secret fields are encrypted and never returned."""
        body = given(provider=provider, label=label, credentials=credentials)
        result: ProviderRead = self._t.request("POST", "/telephony/providers", json=body)
        return result

    @endpoint("DELETE", "/telephony/providers/{provider_id}")
    def delete_provider(self, provider_id: str) -> None:
        self._t.request("DELETE", f"/telephony/providers/{seg(provider_id)}")

    @endpoint("GET", "/telephony/numbers")
    def list_numbers(self, agent_id: str | None = None) -> NumberList:
        result: NumberList = self._t.request(
            "GET", "/telephony/numbers", params=query(agent_id=agent_id)
        )
        return result

    @endpoint("POST", "/telephony/numbers")
    def create_number(
        self,
        e164: str,
        provider: str,
        credentials_id: str,
        agent_id: str | NotGiven | None = NOT_GIVEN,
        inbound_enabled: bool | NotGiven = NOT_GIVEN,
        outbound_enabled: bool | NotGiven = NOT_GIVEN,
    ) -> NumberRead:
        body = given(
            e164=e164,
            provider=provider,
            credentials_id=credentials_id,
            agent_id=agent_id,
            inbound_enabled=inbound_enabled,
            outbound_enabled=outbound_enabled,
        )
        result: NumberRead = self._t.request("POST", "/telephony/numbers", json=body)
        return result

    @endpoint("PATCH", "/telephony/numbers/{number_id}")
    def update_number(
        self,
        number_id: str,
        agent_id: str | NotGiven | None = NOT_GIVEN,
        inbound_enabled: bool | NotGiven = NOT_GIVEN,
        outbound_enabled: bool | NotGiven = NOT_GIVEN,
    ) -> None:
        """Change the given fields; `agent_id=None` unpins the number."""
        body = given(
            agent_id=agent_id, inbound_enabled=inbound_enabled, outbound_enabled=outbound_enabled
        )
        self._t.request("PATCH", f"/telephony/numbers/{seg(number_id)}", json=body)

    @endpoint("DELETE", "/telephony/numbers/{number_id}")
    def delete_number(self, number_id: str) -> None:
        self._t.request("DELETE", f"/telephony/numbers/{seg(number_id)}")


class AsyncTelephony(AsyncResource):
    @endpoint("GET", "/telephony/providers")
    async def list_providers(self) -> ProviderList:
        result: ProviderList = await self._t.request("GET", "/telephony/providers")
        return result

    @endpoint("POST", "/telephony/providers")
    async def create_provider(
        self,
        provider: str,
        label: str | NotGiven = NOT_GIVEN,
        credentials: dict[str, Any] | NotGiven = NOT_GIVEN,
    ) -> ProviderRead:
        """Store a carrier credential (`twilio`, `plivo`, `vobiz`, or `sandbox` outside
        production). The secret fields are encrypted and never returned."""
        body = given(provider=provider, label=label, credentials=credentials)
        result: ProviderRead = await self._t.request("POST", "/telephony/providers", json=body)
        return result

    @endpoint("DELETE", "/telephony/providers/{provider_id}")
    async def delete_provider(self, provider_id: str) -> None:
        await self._t.request("DELETE", f"/telephony/providers/{seg(provider_id)}")

    @endpoint("GET", "/telephony/numbers")
    async def list_numbers(self, agent_id: str | None = None) -> NumberList:
        result: NumberList = await self._t.request(
            "GET", "/telephony/numbers", params=query(agent_id=agent_id)
        )
        return result

    @endpoint("POST", "/telephony/numbers")
    async def create_number(
        self,
        e164: str,
        provider: str,
        credentials_id: str,
        agent_id: str | NotGiven | None = NOT_GIVEN,
        inbound_enabled: bool | NotGiven = NOT_GIVEN,
        outbound_enabled: bool | NotGiven = NOT_GIVEN,
    ) -> NumberRead:
        body = given(
            e164=e164,
            provider=provider,
            credentials_id=credentials_id,
            agent_id=agent_id,
            inbound_enabled=inbound_enabled,
            outbound_enabled=outbound_enabled,
        )
        result: NumberRead = await self._t.request("POST", "/telephony/numbers", json=body)
        return result

    @endpoint("PATCH", "/telephony/numbers/{number_id}")
    async def update_number(
        self,
        number_id: str,
        agent_id: str | NotGiven | None = NOT_GIVEN,
        inbound_enabled: bool | NotGiven = NOT_GIVEN,
        outbound_enabled: bool | NotGiven = NOT_GIVEN,
    ) -> None:
        """Change the given fields; `agent_id=None` unpins the number."""
        body = given(
            agent_id=agent_id, inbound_enabled=inbound_enabled, outbound_enabled=outbound_enabled
        )
        await self._t.request("PATCH", f"/telephony/numbers/{seg(number_id)}", json=body)

    @endpoint("DELETE", "/telephony/numbers/{number_id}")
    async def delete_number(self, number_id: str) -> None:
        await self._t.request("DELETE", f"/telephony/numbers/{seg(number_id)}")
