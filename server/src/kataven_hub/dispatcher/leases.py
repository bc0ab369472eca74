"""Campaign leases in the control database's campaign index.

A dispatcher takes campaigns that are due and whose lease is free or expired, with
`FOR UPDATE SKIP LOCKED` on PostgreSQL (dispatchers never wait on each other; one SQLite
database has one dispatcher). Taking a lease bumps its token: the fencing token written to the
tenant's campaign row (see campaigns/progress.py). Leases are renewed well before they expire;
a dispatcher that dies loses them after `DISPATCH_LEASE_SECONDS`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import case, delete, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.campaigns.models import CampaignIndex
from kataven_hub.core.db import new_session, sqlite_immediate, utcnow


@dataclass
class Lease:
    account: str
    campaign_id: str
    token: int
    version: int
    taken_over: bool = False  # the token is written to the tenant row


def _expiry(seconds: float) -> datetime:
    return utcnow() + timedelta(seconds=seconds)


def _single(engine: AsyncEngine) -> bool:
    """SQLite: one dispatcher per database, so leases never expire and are never renewed (no
    write every few seconds); a restarted dispatcher takes over whatever another owner left."""
    return engine.dialect.name == "sqlite"


async def acquire(engine: AsyncEngine, owner: str, limit: int, ttl: float) -> list[Lease]:
    if limit <= 0:
        return []
    now = utcnow()
    if _single(engine):
        available = CampaignIndex.lease_owner.is_(None) | (CampaignIndex.lease_owner != owner)
        ttl = 10 * 365 * 86400.0
    else:
        available = CampaignIndex.lease_expires_at.is_(None) | (
            CampaignIndex.lease_expires_at < now
        )
    free = (
        select(CampaignIndex.campaign_id)
        .where(CampaignIndex.due_at <= now, available)
        .order_by(CampaignIndex.due_at)
        .limit(limit)
    )
    # Look first without a lock: on SQLite an UPDATE takes the database's write lock even when
    # it matches nothing, and an idle dispatcher must not contend with the API's writers.
    async with new_session(engine) as session:
        if not (await session.execute(free.limit(1))).first():
            return []
    stmt = update(CampaignIndex)
    if engine.dialect.name == "postgresql":  # a CTE: see campaigns/progress.py claim()
        picked = free.with_for_update(skip_locked=True).cte("free")
        stmt = stmt.where(CampaignIndex.campaign_id == picked.c.campaign_id)
    else:
        stmt = stmt.where(CampaignIndex.campaign_id.in_(free.scalar_subquery()))
    stmt = (
        stmt
        .values(lease_owner=owner, lease_token=CampaignIndex.lease_token + 1,
                lease_expires_at=_expiry(ttl))
        .returning(CampaignIndex.account, CampaignIndex.campaign_id, CampaignIndex.lease_token,
                   CampaignIndex.version)
    )  # fmt: skip
    async with new_session(sqlite_immediate(engine)) as session:
        rows = (await session.execute(stmt)).all()
        await session.commit()
    return [Lease(r.account, r.campaign_id, r.lease_token, r.version) for r in rows]


async def renew(engine: AsyncEngine, owner: str, leases: list[Lease], ttl: float) -> set[str]:
    """Extend our leases; returns the campaign ids whose lease we lost. Versions refresh."""
    if not leases or _single(engine):
        return set()
    by_id = {lease.campaign_id: lease for lease in leases}
    stmt = (
        update(CampaignIndex)
        .where(CampaignIndex.campaign_id.in_(list(by_id)), CampaignIndex.lease_owner == owner)
        .values(lease_expires_at=_expiry(ttl))
        .returning(CampaignIndex.campaign_id, CampaignIndex.lease_token, CampaignIndex.version)
    )
    async with new_session(sqlite_immediate(engine)) as session:
        rows = (await session.execute(stmt)).all()
        await session.commit()
    kept = set()
    for row in rows:
        lease = by_id[row.campaign_id]
        if row.lease_token == lease.token:
            lease.version = row.version
            kept.add(row.campaign_id)
    return set(by_id) - kept


async def release(engine: AsyncEngine, owner: str, lease: Lease, due_at: datetime | None) -> None:
    """Give the lease back; `due_at`: nothing to do before then (unless the API changed the
    campaign meanwhile: a newer version keeps its own due time)."""
    values: dict[str, object] = {"lease_owner": None, "lease_expires_at": None}
    if due_at is not None:
        values["due_at"] = case(
            (CampaignIndex.version == lease.version, due_at), else_=CampaignIndex.due_at
        )
    stmt = update(CampaignIndex).where(
        CampaignIndex.campaign_id == lease.campaign_id,
        CampaignIndex.lease_owner == owner,
        CampaignIndex.lease_token == lease.token,
    )
    async with new_session(sqlite_immediate(engine)) as session:
        await session.execute(stmt.values(**values))
        await session.commit()


async def remove(engine: AsyncEngine, lease: Lease) -> None:
    """The campaign needs no dispatcher any more (terminal and drained, or gone)."""
    stmt = delete(CampaignIndex).where(
        CampaignIndex.campaign_id == lease.campaign_id,
        CampaignIndex.lease_token == lease.token,
        CampaignIndex.version == lease.version,
    )
    async with new_session(sqlite_immediate(engine)) as session:
        await session.execute(stmt)
        await session.commit()
