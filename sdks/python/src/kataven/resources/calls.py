"""Calls (`/calls`): originate one, read them back."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

from kataven._base import NOT_GIVEN, NotGiven, endpoint, given, query
from kataven._pagination import aiterate, iterate
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import CallList, CallRead


class Calls(SyncResource):
    @endpoint("POST", "/calls/originate")
    def originate(
        self,
        from_number: str,
        to_number: str,
        agent_id: str,
        custom_fields: dict[str, Any] | NotGiven = NOT_GIVEN,
    ) -> CallRead:
        """Place an outbound call within the account's cost caps (`CostCapError` when a cap
        refuses it). Returns the call row."""
        body = given(
            from_number=from_number,
            to_number=to_number,
            agent_id=agent_id,
            custom_fields=custom_fields,
        )
        result: CallRead = self._t.request("POST", "/calls/originate", json=body)
        return result

    @endpoint("GET", "/calls")
    def list(
        self,
        limit: int | None = None,
        offset: int | None = None,
        status: str | None = None,
        campaign_id: str | None = None,
        direction: str | None = None,
        agent_id: str | None = None,
        from_: str | None = None,
        to: str | None = None,
    ) -> CallList:
        """One page, newest first: the API's envelope (`calls`, `limit`, `offset`). `from_`
        (inclusive) and `to` (exclusive) bound the creation time (RFC 3339)."""
        params = query(
            limit=limit,
            offset=offset,
            status=status,
            campaign_id=campaign_id,
            direction=direction,
            agent_id=agent_id,
            **{"from": from_, "to": to},
        )
        result: CallList = self._t.request("GET", "/calls", params=params)
        return result

    def iter(
        self,
        status: str | None = None,
        campaign_id: str | None = None,
        direction: str | None = None,
        page_size: int = 100,
    ) -> Iterator[CallRead]:
        """Every call across all pages."""
        params = query(status=status, campaign_id=campaign_id, direction=direction)
        return iterate(
            lambda offset, limit: self._t.request(
                "GET", "/calls", params={**params, "offset": offset, "limit": limit}
            ),
            "calls",
            page_size,
        )

    @endpoint("GET", "/calls/{session_id}")
    def get(self, session_id: str) -> CallRead:
        result: CallRead = self._t.request("GET", f"/calls/{seg(session_id)}")
        return result

    @endpoint("POST", "/calls/{session_id}/hangup")
    def hangup(self, session_id: str) -> CallRead:
        """End a call in flight through its carrier (202): the call as it is now; its final
        status arrives with the carrier's callback. `ConflictError` once it has ended."""
        result: CallRead = self._t.request("POST", f"/calls/{seg(session_id)}/hangup")
        return result


class AsyncCalls(AsyncResource):
    @endpoint("POST", "/calls/originate")
    async def originate(
        self,
        from_number: str,
        to_number: str,
        agent_id: str,
        custom_fields: dict[str, Any] | NotGiven = NOT_GIVEN,
    ) -> CallRead:
        """Place an outbound call within the account's cost caps (`CostCapError` when a cap
        refuses it). Returns the call row."""
        body = given(
            from_number=from_number,
            to_number=to_number,
            agent_id=agent_id,
            custom_fields=custom_fields,
        )
        result: CallRead = await self._t.request("POST", "/calls/originate", json=body)
        return result

    @endpoint("GET", "/calls")
    async def list(
        self,
        limit: int | None = None,
        offset: int | None = None,
        status: str | None = None,
        campaign_id: str | None = None,
        direction: str | None = None,
        agent_id: str | None = None,
        from_: str | None = None,
        to: str | None = None,
    ) -> CallList:
        """One page, newest first: the API's envelope (`calls`, `limit`, `offset`). `from_`
        (inclusive) and `to` (exclusive) bound the creation time (RFC 3339)."""
        params = query(
            limit=limit,
            offset=offset,
            status=status,
            campaign_id=campaign_id,
            direction=direction,
            agent_id=agent_id,
            **{"from": from_, "to": to},
        )
        result: CallList = await self._t.request("GET", "/calls", params=params)
        return result

    def iter(
        self,
        status: str | None = None,
        campaign_id: str | None = None,
        direction: str | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[CallRead]:
        """Every call across all pages."""
        params = query(status=status, campaign_id=campaign_id, direction=direction)
        return aiterate(
            lambda offset, limit: self._t.request(
                "GET", "/calls", params={**params, "offset": offset, "limit": limit}
            ),
            "calls",
            page_size,
        )

    @endpoint("GET", "/calls/{session_id}")
    async def get(self, session_id: str) -> CallRead:
        result: CallRead = await self._t.request("GET", f"/calls/{seg(session_id)}")
        return result

    @endpoint("POST", "/calls/{session_id}/hangup")
    async def hangup(self, session_id: str) -> CallRead:
        """End a call in flight through its carrier (202): the call as it is now; its final
        status arrives with the carrier's callback. `ConflictError` once it has ended."""
        result: CallRead = await self._t.request("POST", f"/calls/{seg(session_id)}/hangup")
        return result
