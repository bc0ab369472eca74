"""Tools (`/tools`): the account's tool catalogue."""

from __future__ import annotations

import builtins
from collections.abc import AsyncIterator, Iterator
from typing import Any, Unpack

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given, query
from kataven._pagination import aiterate, iterate
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import ToolList, ToolRead, ToolUpdate


class Tools(SyncResource):
    @endpoint("GET", "/tools")
    def list(
        self,
        category: str | None = None,
        type: str | None = None,
        search: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> ToolList:
        """One page: the API's envelope (`tools`, `total`, `has_next`, `next_offset`…)."""
        params = query(category=category, type=type, search=search, limit=limit, offset=offset)
        result: ToolList = self._t.request("GET", "/tools", params=params)
        return result

    def iter(
        self,
        category: str | None = None,
        type: str | None = None,
        search: str | None = None,
        page_size: int = 100,
    ) -> Iterator[ToolRead]:
        """Every tool across all pages."""
        params = query(category=category, type=type, search=search)
        return iterate(
            lambda offset, limit: self._t.request(
                "GET", "/tools", params={**params, "offset": offset, "limit": limit}
            ),
            "tools",
            page_size,
        )

    @endpoint("GET", "/tools/{tool_id}")
    def get(self, tool_id_or_name: str) -> ToolRead:
        result: ToolRead = self._t.request("GET", f"/tools/{seg(tool_id_or_name)}")
        return result

    @endpoint("POST", "/tools")
    def create(
        self,
        name: str,
        category: str,
        description: str | NotGiven = NOT_GIVEN,
        schema: dict[str, Any] | NotGiven = NOT_GIVEN,
        implementation_type: str | NotGiven = NOT_GIVEN,
        implementation_config: dict[str, Any] | NotGiven = NOT_GIVEN,
        implementation_code: str | NotGiven = NOT_GIVEN,
        tags: builtins.list[str] | NotGiven = NOT_GIVEN,
        display_name: str | NotGiven = NOT_GIVEN,
    ) -> ToolRead:
        body = given(
            name=name,
            category=category,
            description=description,
            schema=schema,
            implementation_type=implementation_type,
            implementation_config=implementation_config,
            implementation_code=implementation_code,
            tags=tags,
            display_name=display_name,
        )
        result: ToolRead = self._t.request("POST", "/tools", json=body)
        return result

    @endpoint("PUT", "/tools/{tool_id}")
    def update(self, tool_id_or_name: str, **fields: Unpack[ToolUpdate]) -> ToolRead:
        result: ToolRead = self._t.request("PUT", f"/tools/{seg(tool_id_or_name)}", json=fields)
        return result

    @endpoint("DELETE", "/tools/{tool_id}")
    def delete(self, tool_id_or_name: str) -> None:
        self._t.request("DELETE", f"/tools/{seg(tool_id_or_name)}")


class AsyncTools(AsyncResource):
    @endpoint("GET", "/tools")
    async def list(
        self,
        category: str | None = None,
        type: str | None = None,
        search: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> ToolList:
        """One page: the API's envelope (`tools`, `total`, `has_next`, `next_offset`…)."""
        params = query(category=category, type=type, search=search, limit=limit, offset=offset)
        result: ToolList = await self._t.request("GET", "/tools", params=params)
        return result

    def iter(
        self,
        category: str | None = None,
        type: str | None = None,
        search: str | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[ToolRead]:
        """Every tool across all pages."""
        params = query(category=category, type=type, search=search)
        return aiterate(
            lambda offset, limit: self._t.request(
                "GET", "/tools", params={**params, "offset": offset, "limit": limit}
            ),
            "tools",
            page_size,
        )

    @endpoint("GET", "/tools/{tool_id}")
    async def get(self, tool_id_or_name: str) -> ToolRead:
        result: ToolRead = await self._t.request("GET", f"/tools/{seg(tool_id_or_name)}")
        return result

    @endpoint("POST", "/tools")
    async def create(
        self,
        name: str,
        category: str,
        description: str | NotGiven = NOT_GIVEN,
        schema: dict[str, Any] | NotGiven = NOT_GIVEN,
        implementation_type: str | NotGiven = NOT_GIVEN,
        implementation_config: dict[str, Any] | NotGiven = NOT_GIVEN,
        implementation_code: str | NotGiven = NOT_GIVEN,
        tags: builtins.list[str] | NotGiven = NOT_GIVEN,
        display_name: str | NotGiven = NOT_GIVEN,
    ) -> ToolRead:
        body = given(
            name=name,
            category=category,
            description=description,
            schema=schema,
            implementation_type=implementation_type,
            implementation_config=implementation_config,
            implementation_code=implementation_code,
            tags=tags,
            display_name=display_name,
        )
        result: ToolRead = await self._t.request("POST", "/tools", json=body)
        return result

    @endpoint("PUT", "/tools/{tool_id}")
    async def update(self, tool_id_or_name: str, **fields: Unpack[ToolUpdate]) -> ToolRead:
        result: ToolRead = await self._t.request(
            "PUT", f"/tools/{seg(tool_id_or_name)}", json=fields
        )
        return result

    @endpoint("DELETE", "/tools/{tool_id}")
    async def delete(self, tool_id_or_name: str) -> None:
        await self._t.request("DELETE", f"/tools/{seg(tool_id_or_name)}")
