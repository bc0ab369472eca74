"""Marketplace templates (`/marketplace/templates`): install one as a new agent."""

from __future__ import annotations

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given, query
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import AgentRead, TemplateList, TemplateRead


class Marketplace(SyncResource):
    @endpoint("GET", "/marketplace/templates")
    def list(self, category: str | None = None) -> TemplateList:
        result: TemplateList = self._t.request(
            "GET", "/marketplace/templates", params=query(category=category)
        )
        return result

    @endpoint("GET", "/marketplace/templates/{template_id}")
    def get(self, template_id: str) -> TemplateRead:
        result: TemplateRead = self._t.request("GET", f"/marketplace/templates/{seg(template_id)}")
        return result

    @endpoint("POST", "/marketplace/templates/{template_id}/install")
    def install(self, template_id: str, name: str | NotGiven = NOT_GIVEN) -> AgentRead:
        """A new agent from the template (with its tools, playbooks and FAQs)."""
        result: AgentRead = self._t.request(
            "POST", f"/marketplace/templates/{seg(template_id)}/install", json=given(name=name)
        )
        return result


class AsyncMarketplace(AsyncResource):
    @endpoint("GET", "/marketplace/templates")
    async def list(self, category: str | None = None) -> TemplateList:
        result: TemplateList = await self._t.request(
            "GET", "/marketplace/templates", params=query(category=category)
        )
        return result

    @endpoint("GET", "/marketplace/templates/{template_id}")
    async def get(self, template_id: str) -> TemplateRead:
        result: TemplateRead = await self._t.request(
            "GET", f"/marketplace/templates/{seg(template_id)}"
        )
        return result

    @endpoint("POST", "/marketplace/templates/{template_id}/install")
    async def install(self, template_id: str, name: str | NotGiven = NOT_GIVEN) -> AgentRead:
        """A new agent from the template (with its tools, playbooks and FAQs)."""
        result: AgentRead = await self._t.request(
            "POST", f"/marketplace/templates/{seg(template_id)}/install", json=given(name=name)
        )
        return result
