"""Playbooks (`/playbooks`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Unpack

from kataven._base import endpoint, query
from kataven._pagination import aiterate, iterate
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import (
    PlaybookCreateFields,
    PlaybookList,
    PlaybookRead,
    PlaybookSummary,
    PlaybookUpdate,
)


class Playbooks(SyncResource):
    @endpoint("GET", "/playbooks")
    def list(
        self,
        category: str | None = None,
        search: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> PlaybookList:
        """One page: the API's envelope (`playbooks`, `total`, `has_next`…)."""
        params = query(category=category, search=search, limit=limit, offset=offset)
        result: PlaybookList = self._t.request("GET", "/playbooks", params=params)
        return result

    def iter(
        self, category: str | None = None, search: str | None = None, page_size: int = 100
    ) -> Iterator[PlaybookSummary]:
        """Every playbook across all pages (summaries, as the list returns them)."""
        params = query(category=category, search=search)
        return iterate(
            lambda offset, limit: self._t.request(
                "GET", "/playbooks", params={**params, "offset": offset, "limit": limit}
            ),
            "playbooks",
            page_size,
        )

    @endpoint("GET", "/playbooks/{playbook_id}")
    def get(self, playbook_id_or_name: str) -> PlaybookRead:
        result: PlaybookRead = self._t.request("GET", f"/playbooks/{seg(playbook_id_or_name)}")
        return result

    @endpoint("POST", "/playbooks")
    def create(self, display_name: str, **fields: Unpack[PlaybookCreateFields]) -> PlaybookRead:
        body = {"display_name": display_name, **fields}
        result: PlaybookRead = self._t.request("POST", "/playbooks", json=body)
        return result

    @endpoint("PUT", "/playbooks/{playbook_id}")
    def update(self, playbook_id_or_name: str, **fields: Unpack[PlaybookUpdate]) -> PlaybookRead:
        result: PlaybookRead = self._t.request(
            "PUT", f"/playbooks/{seg(playbook_id_or_name)}", json=fields
        )
        return result

    @endpoint("DELETE", "/playbooks/{playbook_id}")
    def delete(self, playbook_id_or_name: str) -> None:
        self._t.request("DELETE", f"/playbooks/{seg(playbook_id_or_name)}")


class AsyncPlaybooks(AsyncResource):
    @endpoint("GET", "/playbooks")
    async def list(
        self,
        category: str | None = None,
        search: str | None = None,
        limit: int = 10,
        offset: int = 0,
    ) -> PlaybookList:
        """One page: the API's envelope (`playbooks`, `total`, `has_next`…)."""
        params = query(category=category, search=search, limit=limit, offset=offset)
        result: PlaybookList = await self._t.request("GET", "/playbooks", params=params)
        return result

    def iter(
        self, category: str | None = None, search: str | None = None, page_size: int = 100
    ) -> AsyncIterator[PlaybookSummary]:
        """Every playbook across all pages (summaries, as the list returns them)."""
        params = query(category=category, search=search)
        return aiterate(
            lambda offset, limit: self._t.request(
                "GET", "/playbooks", params={**params, "offset": offset, "limit": limit}
            ),
            "playbooks",
            page_size,
        )

    @endpoint("GET", "/playbooks/{playbook_id}")
    async def get(self, playbook_id_or_name: str) -> PlaybookRead:
        result: PlaybookRead = await self._t.request(
            "GET", f"/playbooks/{seg(playbook_id_or_name)}"
        )
        return result

    @endpoint("POST", "/playbooks")
    async def create(
        self, display_name: str, **fields: Unpack[PlaybookCreateFields]
    ) -> PlaybookRead:
        body = {"display_name": display_name, **fields}
        result: PlaybookRead = await self._t.request("POST", "/playbooks", json=body)
        return result

    @endpoint("PUT", "/playbooks/{playbook_id}")
    async def update(
        self, playbook_id_or_name: str, **fields: Unpack[PlaybookUpdate]
    ) -> PlaybookRead:
        result: PlaybookRead = await self._t.request(
            "PUT", f"/playbooks/{seg(playbook_id_or_name)}", json=fields
        )
        return result

    @endpoint("DELETE", "/playbooks/{playbook_id}")
    async def delete(self, playbook_id_or_name: str) -> None:
        await self._t.request("DELETE", f"/playbooks/{seg(playbook_id_or_name)}")
