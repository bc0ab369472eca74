"""FAQs (`/faqs`)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Unpack

from kataven._base import endpoint, query
from kataven._pagination import aiterate, iterate
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import FaqCreateFields, FaqList, FaqRead, FaqUpdate


class Faqs(SyncResource):
    @endpoint("GET", "/faqs")
    def list(self, category: str | None = None) -> FaqList:
        """The API's envelope (`faqs`, `count`)."""
        result: FaqList = self._t.request("GET", "/faqs", params=query(category=category))
        return result

    def iter(self, category: str | None = None, page_size: int = 100) -> Iterator[FaqRead]:
        """Every FAQ (across pages, should the API page them)."""
        params = query(category=category)
        return iterate(
            # Not paged today: one request (sending limit/offset would be a 400).
            lambda offset, limit: self._t.request("GET", "/faqs", params=params),
            "faqs",
            page_size,
        )

    @endpoint("GET", "/faqs/{faq_id}")
    def get(self, faq_id_or_name: str) -> FaqRead:
        result: FaqRead = self._t.request("GET", f"/faqs/{seg(faq_id_or_name)}")
        return result

    @endpoint("POST", "/faqs")
    def create(self, title: str, **fields: Unpack[FaqCreateFields]) -> FaqRead:
        result: FaqRead = self._t.request("POST", "/faqs", json={"title": title, **fields})
        return result

    @endpoint("PUT", "/faqs/{faq_id}")
    def update(self, faq_id_or_name: str, **fields: Unpack[FaqUpdate]) -> FaqRead:
        result: FaqRead = self._t.request("PUT", f"/faqs/{seg(faq_id_or_name)}", json=fields)
        return result

    @endpoint("DELETE", "/faqs/{faq_id}")
    def delete(self, faq_id_or_name: str) -> None:
        self._t.request("DELETE", f"/faqs/{seg(faq_id_or_name)}")


class AsyncFaqs(AsyncResource):
    @endpoint("GET", "/faqs")
    async def list(self, category: str | None = None) -> FaqList:
        """The API's envelope (`faqs`, `count`)."""
        result: FaqList = await self._t.request("GET", "/faqs", params=query(category=category))
        return result

    def iter(self, category: str | None = None, page_size: int = 100) -> AsyncIterator[FaqRead]:
        """Every FAQ (across pages, should the API page them)."""
        params = query(category=category)
        return aiterate(
            # Not paged today: one request (sending limit/offset would be a 400).
            lambda offset, limit: self._t.request("GET", "/faqs", params=params),
            "faqs",
            page_size,
        )

    @endpoint("GET", "/faqs/{faq_id}")
    async def get(self, faq_id_or_name: str) -> FaqRead:
        result: FaqRead = await self._t.request("GET", f"/faqs/{seg(faq_id_or_name)}")
        return result

    @endpoint("POST", "/faqs")
    async def create(self, title: str, **fields: Unpack[FaqCreateFields]) -> FaqRead:
        result: FaqRead = await self._t.request("POST", "/faqs", json={"title": title, **fields})
        return result

    @endpoint("PUT", "/faqs/{faq_id}")
    async def update(self, faq_id_or_name: str, **fields: Unpack[FaqUpdate]) -> FaqRead:
        result: FaqRead = await self._t.request("PUT", f"/faqs/{seg(faq_id_or_name)}", json=fields)
        return result

    @endpoint("DELETE", "/faqs/{faq_id}")
    async def delete(self, faq_id_or_name: str) -> None:
        await self._t.request("DELETE", f"/faqs/{seg(faq_id_or_name)}")
