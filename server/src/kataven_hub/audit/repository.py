"""Every statement on audit_events."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select

from kataven_hub.audit.models import AuditEvent
from kataven_hub.core.db import TenantSession
from kataven_hub.core.repository import Repository


class AuditRepository(Repository[AuditEvent, TenantSession]):
    model = AuditEvent

    async def page(
        self,
        *,
        actor: str | None,
        resource_type: str | None,
        resource_id: str | None,
        since: datetime | None,
        until: datetime | None,
        limit: int,
        offset: int,
    ) -> list[AuditEvent]:
        stmt = select(AuditEvent).order_by(AuditEvent.at.desc(), AuditEvent.id.desc())
        if actor is not None:
            stmt = stmt.where(AuditEvent.actor == actor)
        if resource_type is not None:
            stmt = stmt.where(AuditEvent.resource_type == resource_type)
        if resource_id is not None:
            stmt = stmt.where(AuditEvent.resource_id == resource_id)
        if since is not None:
            stmt = stmt.where(AuditEvent.at >= since)
        if until is not None:
            stmt = stmt.where(AuditEvent.at < until)
        return list(await self.session.scalars(stmt.limit(limit).offset(offset)))
