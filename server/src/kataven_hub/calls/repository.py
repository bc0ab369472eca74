from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, and_, case, delete, func, literal_column, select, update
from sqlalchemy.dialects.postgresql import aggregate_order_by

from kataven_hub.calls.models import Call
from kataven_hub.carriers.base import TERMINAL
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.repository import Repository, rowcount

_SQLITE = {"day": "%Y-%m-%d", "hour": "%Y-%m-%dT%H:00:00Z"}
_POSTGRES = {"day": "YYYY-MM-DD", "hour": 'YYYY-MM-DD"T"HH24:00:00"Z"'}


def _bucket(dialect: str, column: Any, granularity: str) -> ColumnElement[str]:
    if dialect == "postgresql":
        utc = func.timezone(literal_column("'UTC'"), column)
        return func.to_char(utc, _POSTGRES[granularity])
    return func.strftime(_SQLITE[granularity], column)


class CallRepository(Repository[Call, TenantSession]):
    model = Call

    async def average_duration(self, at_least: int) -> float | None:
        latest = (
            select(Call.duration_seconds)
            .where(Call.status == "completed", Call.duration_seconds.is_not(None))
            .order_by(Call.created_at.desc())
            .limit(1000)
            .subquery()
        )
        stmt = select(func.count(), func.avg(latest.c.duration_seconds))
        count, average = (await self.session.execute(stmt)).one()
        return float(average) if count >= at_least and average is not None else None

    async def page(
        self,
        limit: int,
        offset: int,
        status: str | None,
        campaign_id: str | None,
        direction: str | None = None,
        *,
        agent_id: str | None = None,
        created_from: datetime | None = None,
        created_to: datetime | None = None,
    ) -> list[Call]:
        stmt = (
            select(Call)
            .order_by(Call.created_at.desc(), Call.id.desc())
            .limit(limit)
            .offset(offset)
        )
        if status is not None:
            stmt = stmt.where(Call.status == status)
        if campaign_id is not None:
            stmt = stmt.where(Call.campaign_id == campaign_id)
        if direction is not None:
            stmt = stmt.where(Call.direction == direction)
        if agent_id is not None:
            stmt = stmt.where(Call.agent_id == agent_id)
        if created_from is not None:
            stmt = stmt.where(Call.created_at >= created_from)
        if created_to is not None:
            stmt = stmt.where(Call.created_at < created_to)
        return list(await self.session.scalars(stmt))

    async def inbound_by_carrier_id(
        self, provider: str, carrier_call_id: str, to_number: str
    ) -> Call | None:
        return await self.session.scalar(
            select(Call)
            .where(
                Call.carrier_call_id == carrier_call_id,
                Call.provider == provider,
                Call.to_number == to_number,
                Call.direction == "inbound",
            )
            .limit(1)
        )

    async def lock_carrier_call(self, provider: str, carrier_call_id: str) -> None:
        """Serialise transactions about one carrier call until commit. PostgreSQL: an advisory
        transaction lock. SQLite: nothing to do, its writers already queue (BEGIN IMMEDIATE)."""
        if self.session.get_bind().dialect.name == "postgresql":
            key = func.hashtext(f"calls:{provider}:{carrier_call_id}")
            await self.session.execute(select(func.pg_advisory_xact_lock(key)))

    async def advance(self, call_id: str, from_statuses: list[str], values: dict[str, Any]) -> bool:
        """Move a call forward only from the given statuses; True when this statement did it.
        The WHERE clause is the guard that makes duplicated callbacks count once."""
        changed = await rowcount(
            self.session,
            update(Call)
            .where(Call.id == call_id, Call.status.in_(from_statuses))
            .values(**values)
            .execution_options(synchronize_session=False),
        )
        return changed == 1

    async def set_values(self, call_id: str, values: dict[str, Any]) -> None:
        await self.session.execute(
            update(Call)
            .where(Call.id == call_id)
            .values(**values)
            .execution_options(synchronize_session=False)
        )

    async def drop_pending_recording(self, call_id: str) -> None:
        await self.session.execute(
            update(Call)
            .where(Call.id == call_id, Call.recording_status == "pending")
            .values(recording_status=None, updated_at=utcnow())
            .execution_options(synchronize_session=False)
        )

    async def placed(self, call_id: str, carrier_call_id: str, status: str) -> Call | None:
        """Record the carrier's answer on a call committed before the carrier was asked; a
        status callback may already have moved it further, so the status only moves on from
        `queued`."""
        stmt = (
            update(Call)
            .where(Call.id == call_id)
            .values(
                carrier_call_id=carrier_call_id,
                status=case((Call.status == "queued", status), else_=Call.status),
                updated_at=utcnow(),
            )
            .returning(Call)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        return (await self.session.scalars(stmt)).first()

    async def remove_unplaced(self, call_id: str) -> None:
        """Remove a call the carrier refused (it never started)."""
        await self.session.execute(
            delete(Call).where(
                Call.id == call_id, Call.status == "queued", Call.carrier_call_id.is_(None)
            )
        )

    async def states(self, call_ids: list[str]) -> list[tuple[str, str, bool]]:
        """(id, status, has a carrier id) of the calls among `call_ids` that exist."""
        stmt = select(Call.id, Call.status, Call.carrier_call_id.is_not(None)).where(
            Call.id.in_(call_ids)
        )
        return [(r[0], r[1], bool(r[2])) for r in await self.session.execute(stmt)]

    async def in_flight(self) -> dict[str, float | None]:
        """Outbound calls not over: session id → creation time (epoch seconds) while the call
        is still `queued` without a carrier id (its slot unconfirmed), else None."""
        stmt = select(Call.id, Call.status, Call.carrier_call_id, Call.created_at).where(
            Call.direction == "outbound", Call.status.not_in(sorted(TERMINAL))
        )
        return {
            r.id: r.created_at.timestamp() if r.status == "queued" and not r.carrier_call_id
            else None
            for r in await self.session.execute(stmt)
        }  # fmt: skip

    async def usage(self, now: datetime) -> tuple[int, int, int, int]:
        """(in flight, started in the last 60 s, started today, talk minutes today) — UTC."""
        midnight = now.replace(hour=0, minute=0, second=0, microsecond=0)
        outbound = Call.direction == "outbound"
        in_flight = func.count().filter(and_(outbound, Call.status.not_in(sorted(TERMINAL))))
        last_minute = func.count().filter(
            and_(outbound, Call.created_at > now - timedelta(seconds=60))
        )
        today = func.count().filter(and_(outbound, Call.created_at >= midnight))
        minutes = func.coalesce(
            func.sum((Call.duration_seconds + 59) // 60).filter(
                and_(outbound, Call.status == "completed", Call.ended_at >= midnight)
            ),
            0,
        )
        row = (await self.session.execute(select(in_flight, last_minute, today, minutes))).one()
        return int(row[0]), int(row[1]), int(row[2]), int(row[3] or 0)

    async def started_by_period(
        self, start: datetime, end: datetime, granularity: str
    ) -> list[tuple[str, str, str, bool, int]]:
        """(period, direction, status, answered, count) of calls created in [start, end)."""
        dialect = self.session.get_bind().dialect.name
        period = _bucket(dialect, Call.created_at, granularity).label("period")
        answered = Call.answered_at.is_not(None).label("answered")
        stmt = (
            select(period, Call.direction, Call.status, answered, func.count())
            .where(Call.created_at >= start, Call.created_at < end)
            .group_by(period, Call.direction, Call.status, answered)
        )
        return [(r[0], r[1], r[2], bool(r[3]), int(r[4])) for r in await self.session.execute(stmt)]

    async def minutes_by_period(
        self, start: datetime, end: datetime, granularity: str
    ) -> list[tuple[str, str, int]]:
        """(period, direction, whole talk minutes) of calls that ended completed in [start, end),
        counted as the daily minute budget counts them."""
        dialect = self.session.get_bind().dialect.name
        period = _bucket(dialect, Call.ended_at, granularity).label("period")
        minutes = func.coalesce(func.sum((Call.duration_seconds + 59) // 60), 0)
        stmt = (
            select(period, Call.direction, minutes)
            .where(and_(Call.status == "completed", Call.ended_at >= start, Call.ended_at < end))
            .group_by(period, Call.direction)
        )
        return [(r[0], r[1], int(r[2] or 0)) for r in await self.session.execute(stmt)]


def call_ids_by_contact(dialect: str, campaign_id: str) -> Any:
    """A subquery (contact_id, call_ids): each contact's calls, oldest first, space separated."""
    if dialect == "postgresql":
        ids = func.string_agg(Call.id, aggregate_order_by(literal_column("' '"), Call.created_at))
    else:
        ids = func.group_concat(Call.id, " ")
    return (
        select(Call.contact_id.label("contact_id"), ids.label("call_ids"))
        .where(Call.campaign_id == campaign_id, Call.contact_id.is_not(None))
        .group_by(Call.contact_id)
        .subquery("contact_calls")
    )
