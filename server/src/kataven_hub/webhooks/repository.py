"""Every statement on the webhook tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import String, Table, bindparam, delete, insert, literal, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kataven_hub.core.db import ControlSession, JSONType, TenantSession, UTCDateTime
from kataven_hub.core.repository import rowcount
from kataven_hub.webhooks.models import (
    DELIVERED,
    FAILED,
    PENDING,
    WebhookAccount,
    WebhookDelivery,
    WebhookEndpoint,
)


class WebhookRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    # -- endpoints -------------------------------------------------------------------------
    async def add_endpoint(self, endpoint: WebhookEndpoint) -> WebhookEndpoint:
        self.session.add(endpoint)
        await self.session.flush()
        return endpoint

    async def endpoint(self, endpoint_id: str, *, lock: bool = False) -> WebhookEndpoint | None:
        stmt = select(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id)
        if lock and self.session.get_bind().dialect.name == "postgresql":
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt)).first()

    async def endpoints(self) -> list[WebhookEndpoint]:
        stmt = select(WebhookEndpoint).order_by(
            WebhookEndpoint.created_at.desc(), WebhookEndpoint.id.desc()
        )
        return list(await self.session.scalars(stmt))

    async def delete_endpoint(self, endpoint_id: str) -> None:
        await self.session.execute(delete(WebhookEndpoint).where(WebhookEndpoint.id == endpoint_id))

    async def set_endpoint(self, endpoint_id: str, values: dict[str, Any]) -> None:
        await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    # -- events and deliveries -------------------------------------------------------------
    async def queue(self, event: dict[str, Any], now: datetime) -> None:
        """Queue one event ({id, type, payload}) for the enabled endpoints whose filter takes
        it, in one INSERT … SELECT (no row when nobody wants it)."""
        await self.session.execute(
            self._queue_statement(only_endpoint=False),
            {"eid": event["id"], "prefix": event["id"] + ".", "etype": event["type"],
             "payload": event["payload"], "pattern": f"%,{event['type']},%", "now": now},
        )  # fmt: skip

    async def queue_many(self, events: list[dict[str, Any]], now: datetime) -> int:
        """`queue` for many events: one look at the endpoints, then one batched insert of the
        matching rows. Returns the rows written."""
        stmt = select(WebhookEndpoint.id, WebhookEndpoint.event_filter).where(
            WebhookEndpoint.disabled.is_(False)
        )
        filters = [(r[0], r[1]) for r in await self.session.execute(stmt)]
        rows = [
            {
                "id": f"{e['id']}.{endpoint_id}", "endpoint_id": endpoint_id,
                "event_id": e["id"], "event_type": e["type"], "payload": e["payload"],
                "status": PENDING, "attempts": 0, "next_attempt_at": now, "created_at": now,
                "updated_at": now,
            }
            for e in events
            for endpoint_id, accepted in filters
            if accepted == ",*," or f",{e['type']}," in accepted
        ]  # fmt: skip
        if rows:
            await self.session.execute(insert(cast(Table, WebhookDelivery.__table__)), rows)
        return len(rows)

    async def has_due(self, now: datetime) -> bool:
        """Whether any delivery may be claimed now (a plain read: no lock, no write)."""
        stmt = (
            select(WebhookDelivery.id)
            .where(
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at <= now,
                or_(
                    WebhookDelivery.lease_expires_at.is_(None),
                    WebhookDelivery.lease_expires_at < now,
                ),
            )
            .limit(1)
        )
        return (await self.session.scalar(stmt)) is not None

    async def queue_for(self, endpoint_id: str, event: dict[str, Any], now: datetime) -> bool:
        """Queue one event for one endpoint, whatever its filter (the test ping)."""
        queued = await rowcount(
            self.session,
            self._queue_statement(only_endpoint=True),
            {"eid": event["id"], "prefix": event["id"] + ".", "etype": event["type"],
             "payload": event["payload"], "now": now, "endpoint": endpoint_id},
        )  # fmt: skip
        return bool(queued)

    def _queue_statement(self, *, only_endpoint: bool) -> Any:
        e = WebhookEndpoint
        now = bindparam("now", type_=UTCDateTime())
        source = select(
            bindparam("prefix", type_=String()) + e.id,
            e.id,
            bindparam("eid", type_=String()),
            bindparam("etype", type_=String()),
            bindparam("payload", type_=JSONType),
            literal(PENDING),
            literal(0),
            now,
            now,
            now,
        )
        if only_endpoint:
            source = source.where(e.id == bindparam("endpoint"))
        else:
            source = source.where(
                e.disabled.is_(False),
                or_(e.event_filter == ",*,", e.event_filter.like(bindparam("pattern"))),
            )
        columns = [
            "id", "endpoint_id", "event_id", "event_type", "payload", "status", "attempts",
            "next_attempt_at", "created_at", "updated_at",
        ]  # fmt: skip
        # The Core table, not the entity: an ORM insert with parameters is a bulk insert.
        return insert(cast(Table, WebhookDelivery.__table__)).from_select(columns, source)

    async def deliveries(
        self, endpoint_id: str, status: str | None, limit: int, offset: int
    ) -> list[WebhookDelivery]:
        stmt = (
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint_id)
            .order_by(WebhookDelivery.created_at.desc(), WebhookDelivery.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if status is not None:
            stmt = stmt.where(WebhookDelivery.status == status)
        return list(await self.session.scalars(stmt))

    async def delivery(self, endpoint_id: str, delivery_id: str) -> WebhookDelivery | None:
        stmt = select(WebhookDelivery).where(
            WebhookDelivery.id == delivery_id, WebhookDelivery.endpoint_id == endpoint_id
        )
        return (await self.session.scalars(stmt)).first()

    async def delivery_of(self, endpoint_id: str, event_id: str) -> WebhookDelivery | None:
        stmt = select(WebhookDelivery).where(
            WebhookDelivery.event_id == event_id, WebhookDelivery.endpoint_id == endpoint_id
        )
        return (await self.session.scalars(stmt)).first()

    async def reschedule(self, delivery_id: str, now: datetime) -> WebhookDelivery | None:
        """A manual retry: due now, whatever its state (a lease in progress keeps running:
        the row is only freed for the next claim once that lease ends)."""
        stmt = (
            update(WebhookDelivery)
            .where(WebhookDelivery.id == delivery_id)
            .values(status=PENDING, next_attempt_at=now, updated_at=now)
            .returning(WebhookDelivery)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        return (await self.session.scalars(stmt)).first()

    async def claim(
        self, owner: str, now: datetime, lease_until: datetime, limit: int
    ) -> list[dict[str, Any]]:
        """Lease up to `limit` due attempts of enabled endpoints to `owner`; each claim counts
        as an attempt. PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers take
        different rows; SQLite: one writer at a time (BEGIN IMMEDIATE)."""
        due = (
            select(WebhookDelivery.id)
            .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
            .where(
                WebhookDelivery.status == PENDING,
                WebhookDelivery.next_attempt_at <= now,
                or_(
                    WebhookDelivery.lease_expires_at.is_(None),
                    WebhookDelivery.lease_expires_at < now,
                ),
                WebhookEndpoint.disabled.is_(False),
            )
            .order_by(WebhookDelivery.next_attempt_at)
            .limit(limit)
        )
        stmt = update(WebhookDelivery).execution_options(synchronize_session=False)
        if self.session.get_bind().dialect.name == "postgresql":
            picked = due.with_for_update(of=WebhookDelivery, skip_locked=True).cte("due")
            stmt = stmt.where(WebhookDelivery.id == picked.c.id)
        else:
            stmt = stmt.where(WebhookDelivery.id.in_(due.scalar_subquery()))
        stmt = stmt.values(
            lease_owner=owner,
            lease_expires_at=lease_until,
            attempts=WebhookDelivery.attempts + 1,
            last_attempt_at=now,
            updated_at=now,
        ).returning(
            WebhookDelivery.id, WebhookDelivery.endpoint_id, WebhookDelivery.event_id,
            WebhookDelivery.attempts, WebhookDelivery.created_at, WebhookDelivery.payload,
        )  # fmt: skip
        return [dict(r._mapping) for r in await self.session.execute(stmt)]

    async def endpoints_by_id(self, ids: list[str]) -> dict[str, WebhookEndpoint]:
        stmt = select(WebhookEndpoint).where(WebhookEndpoint.id.in_(ids))
        return {e.id: e for e in await self.session.scalars(stmt)}

    async def finish(
        self, delivery_id: str, owner: str, attempt: int, values: dict[str, Any]
    ) -> bool:
        """Record an attempt's outcome, only while this owner still holds that attempt."""
        stmt = (
            update(WebhookDelivery)
            .where(
                WebhookDelivery.id == delivery_id,
                WebhookDelivery.lease_owner == owner,
                WebhookDelivery.attempts == attempt,
            )
            .values(lease_owner=None, lease_expires_at=None, **values)
            .execution_options(synchronize_session=False)
        )
        return await rowcount(self.session, stmt) == 1

    async def endpoint_failed(self, endpoint_id: str, now: datetime) -> datetime:
        """Start (or continue) the endpoint's run of failures; returns when it began."""
        await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_(None))
            .values(failing_since=now)
            .execution_options(synchronize_session=False)
        )
        since = await self.session.scalar(
            select(WebhookEndpoint.failing_since).where(WebhookEndpoint.id == endpoint_id)
        )
        return since or now

    async def endpoint_succeeded(self, endpoint_id: str) -> None:
        await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.failing_since.is_not(None))
            .values(failing_since=None)
            .execution_options(synchronize_session=False)
        )

    async def disable_failing(self, endpoint_id: str, reason: str, now: datetime) -> None:
        await self.session.execute(
            update(WebhookEndpoint)
            .where(WebhookEndpoint.id == endpoint_id, WebhookEndpoint.disabled.is_(False))
            .values(disabled=True, disabled_reason=reason[:300], updated_at=now)
            .execution_options(synchronize_session=False)
        )

    async def purge(self, before: datetime) -> None:
        """Forget settled deliveries older than `before`."""
        await self.session.execute(
            delete(WebhookDelivery).where(
                WebhookDelivery.status.in_((DELIVERED, FAILED)),
                WebhookDelivery.created_at < before,
            )
        )


class WebhookAccountRepository:
    def __init__(self, session: ControlSession) -> None:
        self.session = session

    async def add(self, account: str) -> None:
        make = pg_insert if self.session.get_bind().dialect.name == "postgresql" else sqlite_insert
        stmt = make(WebhookAccount).values(account=account).on_conflict_do_nothing()
        await self.session.execute(stmt)

    async def remove(self, account: str) -> None:
        await self.session.execute(delete(WebhookAccount).where(WebhookAccount.account == account))

    async def accounts(self) -> list[str]:
        return list(await self.session.scalars(select(WebhookAccount.account)))
