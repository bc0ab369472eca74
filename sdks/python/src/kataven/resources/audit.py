"""The audit log (`/audit-events`): who changed what, filtered and paged."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

from kataven._base import endpoint, query
from kataven._pagination import aiterate, iterate
from kataven.resources._resource import AsyncResource, SyncResource
from kataven.types import AuditEventList, AuditEventRead


class AuditEvents(SyncResource):
    @endpoint("GET", "/audit-events")
    def list(
        self,
        actor: str | None = None,
        resource_type: str | None = None,
        resource_id: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AuditEventList:
        """One page, newest first (`audit_events`, `limit`, `offset`); `from_` (inclusive) and `to`
        (exclusive) are RFC 3339 times."""
        params = query(
            actor=actor,
            resource_type=resource_type,
            resource_id=resource_id,
            limit=limit,
            offset=offset,
            **{"from": from_, "to": to},
        )
        result: AuditEventList = self._t.request("GET", "/audit-events", params=params)
        return result

    def iter(
        self,
        actor: str | None = None,
        resource_type: str | None = None,
        resource_id: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        page_size: int = 100,
    ) -> Iterator[AuditEventRead]:
        """Every matching event across all pages."""
        params = query(
            actor=actor,
            resource_type=resource_type,
            resource_id=resource_id,
            **{"from": from_, "to": to},
        )
        return iterate(
            lambda offset, limit: self._t.request(
                "GET", "/audit-events", params={**params, "offset": offset, "limit": limit}
            ),
            "audit_events",
            page_size,
        )


class AsyncAuditEvents(AsyncResource):
    @endpoint("GET", "/audit-events")
    async def list(
        self,
        actor: str | None = None,
        resource_type: str | None = None,
        resource_id: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        limit: int | None = None,
        offset: int | None = None,
    ) -> AuditEventList:
        """One page, newest first (`audit_events`, `limit`, `offset`); `from_` (inclusive) and `to`
        (exclusive) are RFC 3339 times."""
        params = query(
            actor=actor,
            resource_type=resource_type,
            resource_id=resource_id,
            limit=limit,
            offset=offset,
            **{"from": from_, "to": to},
        )
        result: AuditEventList = await self._t.request("GET", "/audit-events", params=params)
        return result

    def iter(
        self,
        actor: str | None = None,
        resource_type: str | None = None,
        resource_id: str | None = None,
        from_: str | None = None,
        to: str | None = None,
        page_size: int = 100,
    ) -> AsyncIterator[AuditEventRead]:
        """Every matching event across all pages."""
        params = query(
            actor=actor,
            resource_type=resource_type,
            resource_id=resource_id,
            **{"from": from_, "to": to},
        )
        return aiterate(
            lambda offset, limit: self._t.request(
                "GET", "/audit-events", params={**params, "offset": offset, "limit": limit}
            ),
            "audit_events",
            page_size,
        )
