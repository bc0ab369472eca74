"""Every query on the campaign tables (tenant) and the campaign index (control)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kataven_hub.campaigns.models import (
    PENDING,
    RUNNING,
    Campaign,
    CampaignContact,
    CampaignEvent,
    CampaignIndex,
)
from kataven_hub.core.db import ControlSession, TenantSession


class CampaignRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    @property
    def is_postgres(self) -> bool:
        return self.session.get_bind().dialect.name == "postgresql"

    async def newest_first(self, status: str | None = None) -> list[Campaign]:
        stmt = select(Campaign).order_by(Campaign.created_at.desc(), Campaign.id.desc())
        if status is not None:
            stmt = stmt.where(Campaign.status == status)
        return list(await self.session.scalars(stmt))

    async def counts_of(self, campaign_ids: list[str]) -> dict[str, dict[str, int]]:
        """Contact counts by status for several campaigns, in one statement."""
        out: dict[str, dict[str, int]] = {cid: {} for cid in campaign_ids}
        if not campaign_ids:
            return out
        stmt = (
            select(CampaignContact.campaign_id, CampaignContact.status, func.count())
            .where(CampaignContact.campaign_id.in_(campaign_ids))
            .group_by(CampaignContact.campaign_id, CampaignContact.status)
        )
        for campaign_id, status, n in (await self.session.execute(stmt)).all():
            out[campaign_id][status] = int(n)
        return out

    async def get(self, campaign_id: str, *, lock: bool = False) -> Campaign | None:
        stmt = select(Campaign).where(Campaign.id == campaign_id)
        if lock and self.is_postgres:
            stmt = stmt.with_for_update()
        return (await self.session.scalars(stmt.execution_options(populate_existing=True))).first()

    async def add(self, campaign: Campaign) -> Campaign:
        self.session.add(campaign)
        await self.session.flush()
        return campaign

    async def delete(self, campaign_id: str) -> None:
        # Contacts and events go with it (ON DELETE CASCADE; SQLite runs with foreign_keys=ON).
        await self.session.execute(delete(Campaign).where(Campaign.id == campaign_id))

    async def uses_agent(self, agent_id: str, statuses: tuple[str, ...]) -> bool:
        stmt = select(Campaign.id).where(
            Campaign.agent_id == agent_id, Campaign.status.in_(statuses)
        )
        return (await self.session.execute(stmt.limit(1))).first() is not None

    async def lock_budget(self) -> None:
        """Serialise concurrency-budget checks of one account (SQLite: the write lock does)."""
        if self.is_postgres:
            await self.session.execute(select(func.pg_advisory_xact_lock(0x6B617476656E)))

    async def running_budget(self, exclude_id: str) -> int:
        stmt = select(func.coalesce(func.sum(Campaign.max_concurrent_calls), 0)).where(
            Campaign.status == RUNNING, Campaign.id != exclude_id
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def contacts(
        self, campaign_id: str, status: str | None, limit: int, offset: int
    ) -> tuple[list[CampaignContact], int]:
        where = [CampaignContact.campaign_id == campaign_id]
        if status is not None:
            where.append(CampaignContact.status == status)
        total = (await self.session.execute(select(func.count()).where(*where))).scalar_one()
        stmt = select(CampaignContact).where(*where).order_by(CampaignContact.seq)
        rows = await self.session.scalars(stmt.limit(limit).offset(offset))
        return list(rows), int(total)

    async def counts(self, campaign_id: str) -> dict[str, int]:
        stmt = (
            select(CampaignContact.status, func.count())
            .where(CampaignContact.campaign_id == campaign_id)
            .group_by(CampaignContact.status)
        )
        return {status: int(n) for status, n in (await self.session.execute(stmt)).all()}

    async def cancel_pending(self, campaign_id: str, now: datetime) -> list[Any]:
        stmt = (
            update(CampaignContact)
            .where(CampaignContact.campaign_id == campaign_id, CampaignContact.status == PENDING)
            .values(status="cancelled", updated_at=now, completed_at=now, next_attempt_at=None)
            .returning(CampaignContact.id, CampaignContact.phone_number, CampaignContact.attempts)
            .execution_options(synchronize_session=False)
        )
        return list((await self.session.execute(stmt)).all())

    # -- event log ---------------------------------------------------------------------------
    async def next_event_seqs(self, campaign_id: str, n: int) -> int:
        """Reserve n event numbers (row-locks the campaign until commit): returns the last."""
        stmt = (
            update(Campaign)
            .where(Campaign.id == campaign_id)
            .values(event_seq=Campaign.event_seq + n)
            .returning(Campaign.event_seq)
            .execution_options(synchronize_session=False)
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def add_events(self, rows: list[dict[str, Any]]) -> None:
        if rows:
            await self.session.execute(insert(CampaignEvent), rows)

    async def events_after(self, campaign_id: str, after: int, limit: int) -> list[CampaignEvent]:
        stmt = (
            select(CampaignEvent)
            .where(CampaignEvent.campaign_id == campaign_id, CampaignEvent.seq > after)
            .order_by(CampaignEvent.seq)
            .limit(limit)
        )
        return list(await self.session.scalars(stmt))


class IndexRepository:
    """The control database's index of campaigns that need a dispatcher."""

    def __init__(self, session: ControlSession) -> None:
        self.session = session

    async def upsert(self, account: str, campaign_id: str, due_at: datetime) -> None:
        dialect = self.session.get_bind().dialect.name
        make = pg_insert if dialect == "postgresql" else sqlite_insert
        stmt = make(CampaignIndex).values(
            campaign_id=campaign_id, account=account, due_at=due_at, version=1
        )
        stmt = stmt.on_conflict_do_update(
            index_elements=["campaign_id"],
            set_={"due_at": due_at, "version": CampaignIndex.version + 1},
        )
        await self.session.execute(stmt)

    async def remove(self, campaign_id: str) -> None:
        await self.session.execute(
            delete(CampaignIndex).where(CampaignIndex.campaign_id == campaign_id)
        )
