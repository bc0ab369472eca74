"""Agents (`/agents`), their tools, playbooks and FAQs."""

from __future__ import annotations

import builtins
from typing import Any, Unpack

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import AgentCreateFields, AgentRead, AgentToolRead, AgentUpdate

_TOOLS_PUT = ("PUT", "/agents/{agent_id}/tools")


class Agents(SyncResource):
    @endpoint("GET", "/agents")
    def list(self) -> builtins.list[AgentRead]:
        """Every agent of the account."""
        result: list[AgentRead] = self._t.request("GET", "/agents")
        return result

    @endpoint("GET", "/agents/{agent_id}")
    def get(self, agent_id: str) -> AgentRead:
        result: AgentRead = self._t.request("GET", f"/agents/{seg(agent_id)}")
        return result

    @endpoint("POST", "/agents")
    def create(self, name: str, **fields: Unpack[AgentCreateFields]) -> AgentRead:
        result: AgentRead = self._t.request("POST", "/agents", json={"name": name, **fields})
        return result

    @endpoint("PATCH", "/agents/{agent_id}")
    def update(self, agent_id: str, **fields: Unpack[AgentUpdate]) -> AgentRead:
        """Change the given fields; `None` restores a field's default."""
        result: AgentRead = self._t.request("PATCH", f"/agents/{seg(agent_id)}", json=fields)
        return result

    @endpoint("DELETE", "/agents/{agent_id}")
    def delete(self, agent_id: str) -> None:
        self._t.request("DELETE", f"/agents/{seg(agent_id)}")

    @endpoint("GET", "/agents/{agent_id}/tools")
    def list_tools(self, agent_id: str) -> builtins.list[AgentToolRead]:
        result: list[AgentToolRead] = self._t.request("GET", f"/agents/{seg(agent_id)}/tools")
        return result

    @endpoint("POST", "/agents/{agent_id}/tools", _TOOLS_PUT)
    def upsert_tool(
        self,
        agent_id: str,
        tool_name: str,
        config: dict[str, Any] | NotGiven = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
    ) -> AgentToolRead:
        """Attach a tool to the agent, or update its config (keyed by `tool_name`)."""
        body = given(tool_name=tool_name, config=config, enabled=enabled)
        result: AgentToolRead = self._t.request("POST", f"/agents/{seg(agent_id)}/tools", json=body)
        return result

    @endpoint("POST", "/agents/{agent_id}/playbooks")
    def attach_playbook(self, agent_id: str, playbook_id: str) -> AgentRead:
        result: AgentRead = self._t.request(
            "POST", f"/agents/{seg(agent_id)}/playbooks", json={"playbook_id": playbook_id}
        )
        return result

    @endpoint("DELETE", "/agents/{agent_id}/playbooks/{playbook_id}")
    def detach_playbook(self, agent_id: str, playbook_id: str) -> None:
        self._t.request("DELETE", f"/agents/{seg(agent_id)}/playbooks/{seg(playbook_id)}")

    @endpoint("POST", "/agents/{agent_id}/faqs")
    def attach_faq(self, agent_id: str, faq_id: str) -> AgentRead:
        result: AgentRead = self._t.request(
            "POST", f"/agents/{seg(agent_id)}/faqs", json={"faq_id": faq_id}
        )
        return result

    @endpoint("DELETE", "/agents/{agent_id}/faqs/{faq_id}")
    def detach_faq(self, agent_id: str, faq_id: str) -> None:
        self._t.request("DELETE", f"/agents/{seg(agent_id)}/faqs/{seg(faq_id)}")


class AsyncAgents(AsyncResource):
    @endpoint("GET", "/agents")
    async def list(self) -> builtins.list[AgentRead]:
        """Every agent of the account."""
        result: list[AgentRead] = await self._t.request("GET", "/agents")
        return result

    @endpoint("GET", "/agents/{agent_id}")
    async def get(self, agent_id: str) -> AgentRead:
        result: AgentRead = await self._t.request("GET", f"/agents/{seg(agent_id)}")
        return result

    @endpoint("POST", "/agents")
    async def create(self, name: str, **fields: Unpack[AgentCreateFields]) -> AgentRead:
        result: AgentRead = await self._t.request("POST", "/agents", json={"name": name, **fields})
        return result

    @endpoint("PATCH", "/agents/{agent_id}")
    async def update(self, agent_id: str, **fields: Unpack[AgentUpdate]) -> AgentRead:
        """Change the given fields; `None` restores a field's default."""
        result: AgentRead = await self._t.request("PATCH", f"/agents/{seg(agent_id)}", json=fields)
        return result

    @endpoint("DELETE", "/agents/{agent_id}")
    async def delete(self, agent_id: str) -> None:
        await self._t.request("DELETE", f"/agents/{seg(agent_id)}")

    @endpoint("GET", "/agents/{agent_id}/tools")
    async def list_tools(self, agent_id: str) -> builtins.list[AgentToolRead]:
        result: list[AgentToolRead] = await self._t.request("GET", f"/agents/{seg(agent_id)}/tools")
        return result

    @endpoint("POST", "/agents/{agent_id}/tools", _TOOLS_PUT)
    async def upsert_tool(
        self,
        agent_id: str,
        tool_name: str,
        config: dict[str, Any] | NotGiven = NOT_GIVEN,
        enabled: bool | NotGiven = NOT_GIVEN,
    ) -> AgentToolRead:
        """Attach a tool to the agent, or update its config (keyed by `tool_name`)."""
        body = given(tool_name=tool_name, config=config, enabled=enabled)
        result: AgentToolRead = await self._t.request(
            "POST", f"/agents/{seg(agent_id)}/tools", json=body
        )
        return result

    @endpoint("POST", "/agents/{agent_id}/playbooks")
    async def attach_playbook(self, agent_id: str, playbook_id: str) -> AgentRead:
        result: AgentRead = await self._t.request(
            "POST", f"/agents/{seg(agent_id)}/playbooks", json={"playbook_id": playbook_id}
        )
        return result

    @endpoint("DELETE", "/agents/{agent_id}/playbooks/{playbook_id}")
    async def detach_playbook(self, agent_id: str, playbook_id: str) -> None:
        await self._t.request("DELETE", f"/agents/{seg(agent_id)}/playbooks/{seg(playbook_id)}")

    @endpoint("POST", "/agents/{agent_id}/faqs")
    async def attach_faq(self, agent_id: str, faq_id: str) -> AgentRead:
        result: AgentRead = await self._t.request(
            "POST", f"/agents/{seg(agent_id)}/faqs", json={"faq_id": faq_id}
        )
        return result

    @endpoint("DELETE", "/agents/{agent_id}/faqs/{faq_id}")
    async def detach_faq(self, agent_id: str, faq_id: str) -> None:
        await self._t.request("DELETE", f"/agents/{seg(agent_id)}/faqs/{seg(faq_id)}")
