"""Every query on the campaign tables (tenant) and the campaign index (control)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    CursorResult,
    Select,
    String,
    case,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects import postgresql
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from kataven_hub.campaigns import machine
from kataven_hub.campaigns.models import (
    CANCELLED,
    CONNECTED,
    DO_NOT_CALL,
    IN_FLIGHT,
    ORIGINATED,
    PENDING,
    RUNNING,
    SKIPPED,
    Campaign,
    CampaignContact,
    CampaignEvent,
    CampaignIndex,
)
from kataven_hub.core.db import ControlSession, TenantSession

# The columns a contact event is built from (events.contact_event).
_EVENT_COLUMNS = (CampaignContact.id, CampaignContact.phone_number, CampaignContact.attempts)


def _contacts_of(campaign_id: str) -> Any:
    return (
        update(CampaignContact)
        .where(CampaignContact.campaign_id == campaign_id)
        .execution_options(synchronize_session=False)
    )


def _unplaced(contact_id: str, token: int, attempt: int) -> list[Any]:
    """The guard of a write about one attempt not yet placed: the same lease, the same
    attempt, still without a call."""
    return [
        CampaignContact.id == contact_id, CampaignContact.lease_token == token,
        CampaignContact.attempts == attempt, CampaignContact.status == ORIGINATED,
        CampaignContact.call_id.is_(None),
    ]  # fmt: skip


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

    async def numbers_and_last_seq(self, campaign_id: str) -> tuple[set[int], int]:
        """The campaign's numbers (as integers, for deduplication) and its last seq, streamed."""
        numbers: set[int] = set()
        stmt = select(CampaignContact.phone_number).where(
            CampaignContact.campaign_id == campaign_id
        )
        result = await self.session.stream_scalars(stmt.execution_options(yield_per=10_000))
        async for number in result:
            numbers.add(int(number[1:]))
        last = select(func.coalesce(func.max(CampaignContact.seq), 0)).where(
            CampaignContact.campaign_id == campaign_id
        )
        return numbers, int((await self.session.execute(last)).scalar_one())

    async def insert_contacts(self, values: list[dict[str, Any]]) -> None:
        await self.session.execute(insert(CampaignContact), values)

    async def copy_contacts(
        self, records: AsyncIterator[tuple[Any, ...]], columns: Sequence[str]
    ) -> None:
        """PostgreSQL: stream contact rows into the table with one binary COPY."""
        connection = await self.session.connection()
        raw = await connection.get_raw_connection()
        driver: Any = raw.driver_connection
        await driver.copy_records_to_table(
            CampaignContact.__tablename__, records=records, columns=list(columns)
        )

    async def skip_listed_since(
        self, campaign_id: str, after_seq: int, listed: Any, now: datetime
    ) -> int:
        """The contacts after `after_seq` whose number is among `listed` (a subquery):
        skipped as do-not-call, in one statement. Returns how many."""
        stmt = (
            _contacts_of(campaign_id)
            .where(CampaignContact.seq > after_seq, CampaignContact.phone_number.in_(listed))
            .values(status=SKIPPED, failure_reason=DO_NOT_CALL, completed_at=now)
        )
        return await self._rowcount(stmt)

    async def pending_by_zone(self, campaign_id: str) -> list[tuple[str | None, int]]:
        stmt = (
            select(CampaignContact.timezone, func.count())
            .where(CampaignContact.campaign_id == campaign_id, CampaignContact.status == PENDING)
            .group_by(CampaignContact.timezone)
        )
        return [(zone, int(n)) for zone, n in (await self.session.execute(stmt)).all()]

    async def counts(self, campaign_id: str) -> dict[str, int]:
        stmt = (
            select(CampaignContact.status, func.count())
            .where(CampaignContact.campaign_id == campaign_id)
            .group_by(CampaignContact.status)
        )
        return {status: int(n) for status, n in (await self.session.execute(stmt)).all()}

    async def cancel_pending(
        self, campaign_id: str, now: datetime, reason: str | None = None
    ) -> list[Any]:
        """Pending contacts → cancelled (the campaign was stopped, or failed: `reason`)."""
        values: dict[str, Any] = {
            "status": CANCELLED, "updated_at": now, "completed_at": now, "next_attempt_at": None,
        }  # fmt: skip
        if reason is not None:
            values["failure_reason"] = reason
        stmt = (
            _contacts_of(campaign_id)
            .where(CampaignContact.status.in_(machine.sources("cancel")))
            .values(**values)
            .returning(*_EVENT_COLUMNS)
        )
        return list((await self.session.execute(stmt)).all())

    # -- the dispatcher: fencing, claims and outcomes (see campaigns/progress.py) ---------------
    async def take_over(self, campaign_id: str, token: int) -> bool:
        """Write a new lease token to the campaign (never downwards). False: a newer lease
        exists or the campaign is gone."""
        stmt = (
            update(Campaign)
            .where(Campaign.id == campaign_id, Campaign.lease_token <= token)
            .values(lease_token=token)
            .execution_options(synchronize_session=False)
        )
        return await self._rowcount(stmt) == 1

    async def fence(self, campaign_id: str, token: int) -> Campaign | None:
        """The campaign, row-locked until commit, only while it carries the lease `token`."""
        stmt = (
            update(Campaign)
            .where(Campaign.id == campaign_id, Campaign.lease_token == token)
            .values(lease_token=token)
            .returning(Campaign)
            .execution_options(synchronize_session=False, populate_existing=True)
        )
        return (await self.session.scalars(stmt)).first()

    async def lock_campaign(self, campaign_id: str) -> None:
        """Lock order: the campaign row before any of its contacts (as `fence` does), so
        contact writes outside a dispatcher step cannot deadlock with one."""
        if self.is_postgres:
            await self.session.execute(
                select(Campaign.id).where(Campaign.id == campaign_id).with_for_update()
            )

    async def status_of(self, campaign_id: str) -> str | None:
        stmt = select(Campaign.status).where(Campaign.id == campaign_id)
        return (await self.session.execute(stmt)).scalar()

    async def write_status(self, campaign_id: str, values: dict[str, Any]) -> None:
        """Write a campaign's status (and its timestamps) without loading it."""
        await self.session.execute(
            update(Campaign).where(Campaign.id == campaign_id).values(**values)
            .execution_options(synchronize_session=False)
        )  # fmt: skip

    async def in_flight(self, campaign_id: str) -> list[CampaignContact]:
        stmt = select(CampaignContact).where(
            CampaignContact.campaign_id == campaign_id, CampaignContact.status.in_(IN_FLIGHT)
        )
        return list(await self.session.scalars(stmt))

    async def in_flight_count(self, campaign_id: str) -> int:
        stmt = select(func.count()).where(
            CampaignContact.campaign_id == campaign_id, CampaignContact.status.in_(IN_FLIGHT)
        )
        return int((await self.session.execute(stmt)).scalar_one())

    async def get_contact(self, contact_id: str) -> CampaignContact | None:
        return await self.session.get(CampaignContact, contact_id, populate_existing=True)

    async def contact_on_call(self, contact_id: str, call_id: str) -> CampaignContact | None:
        """The contact while the call `call_id` is its attempt in flight."""
        stmt = select(CampaignContact).where(
            CampaignContact.id == contact_id,
            CampaignContact.call_id == call_id,
            CampaignContact.status.in_(machine.sources("land")),
        )
        return (await self.session.scalars(stmt)).first()

    async def claim_due(
        self, campaign_id: str, n: int, token: int, now: datetime,
        zones: list[str | None] | None,
    ) -> list[Any]:  # fmt: skip
        """Record the next `n` due attempts (pending → originated) in dial order, among the
        contacts of `zones` (None: any zone; a None in it: contacts without a zone)."""
        due = (
            select(CampaignContact.id)
            .where(
                CampaignContact.campaign_id == campaign_id,
                CampaignContact.status.in_(machine.sources("claim")),
                (CampaignContact.next_attempt_at.is_(None))
                | (CampaignContact.next_attempt_at <= now),
            )
            .order_by(CampaignContact.seq)
            .limit(n)
        )
        if zones is not None:
            named = [z for z in zones if z is not None]
            due = due.where(
                or_(CampaignContact.timezone.in_(named),
                    *([CampaignContact.timezone.is_(None)] if None in zones else []))
            )  # fmt: skip
        values = {
            "status": ORIGINATED, "attempts": CampaignContact.attempts + 1, "claimed_at": now,
            "updated_at": now, "lease_token": token, "call_id": None, "next_attempt_at": None,
        }  # fmt: skip
        stmt = _contacts_of(campaign_id)
        if self.is_postgres:
            # A CTE, not `id IN (subquery)`: PostgreSQL may rescan a LIMIT … FOR UPDATE SKIP
            # LOCKED subquery once per outer row and so claim more than n rows.
            picked = due.with_for_update(skip_locked=True).cte("due")
            stmt = stmt.where(CampaignContact.id == picked.c.id)
        else:
            stmt = stmt.where(CampaignContact.id.in_(due.scalar_subquery()))
        stmt = stmt.values(**values).returning(
            CampaignContact.id, CampaignContact.phone_number, CampaignContact.attempts,
            CampaignContact.custom_fields, CampaignContact.timezone,
        )  # fmt: skip
        return sorted((await self.session.execute(stmt)).all(), key=lambda r: r.id)

    async def skip_claimed(
        self, campaign_id: str, contact_ids: list[str], now: datetime
    ) -> list[Any]:
        """Just-claimed contacts whose number is on the do-not-call list: skipped, the attempt
        undone."""
        if not contact_ids:
            return []
        stmt = (
            _contacts_of(campaign_id)
            .where(CampaignContact.id.in_(contact_ids),
                   CampaignContact.status.in_(machine.sources("skip_listed")))
            .values(status=SKIPPED, attempts=CampaignContact.attempts - 1, updated_at=now,
                    completed_at=now, failure_reason=DO_NOT_CALL, claimed_at=None)
            .returning(*_EVENT_COLUMNS)
        )  # fmt: skip
        return list((await self.session.execute(stmt)).all())

    async def skip_attempt(
        self, campaign_id: str, contact_id: str, token: int, attempt: int, now: datetime
    ) -> Any | None:
        """An attempt not yet placed whose number was listed meanwhile: skipped."""
        stmt = (
            _contacts_of(campaign_id)
            .where(*_unplaced(contact_id, token, attempt))
            .values(status=SKIPPED, attempts=CampaignContact.attempts - 1, updated_at=now,
                    completed_at=now, failure_reason=DO_NOT_CALL)
            .returning(*_EVENT_COLUMNS)
        )  # fmt: skip
        return (await self.session.execute(stmt)).first()

    async def give_back(
        self, campaign_id: str, contact_id: str, token: int, attempt: int, now: datetime,
        status: str, values: dict[str, Any],
    ) -> Any | None:  # fmt: skip
        """Undo an attempt the carrier never saw: `status` with the attempt given back."""
        stmt = (
            _contacts_of(campaign_id)
            .where(*_unplaced(contact_id, token, attempt))
            .values(status=status, attempts=CampaignContact.attempts - 1, updated_at=now,
                    **values)
            .returning(*_EVENT_COLUMNS)
        )  # fmt: skip
        return (await self.session.execute(stmt)).first()

    async def attach_call(
        self, campaign_id: str, contact_id: str, token: int, attempt: int, call_id: str,
        now: datetime,
    ) -> bool:  # fmt: skip
        """Attach the placed call to its attempt (same transaction as the call row)."""
        stmt = (
            _contacts_of(campaign_id)
            .where(*_unplaced(contact_id, token, attempt))
            .values(call_id=call_id, updated_at=now)
        )
        return await self._rowcount(stmt) == 1

    async def mark_connected(
        self, campaign_id: str, contact_id: str, call_id: str | None, now: datetime
    ) -> bool:
        stmt = (
            _contacts_of(campaign_id)
            .where(CampaignContact.id == contact_id,
                   CampaignContact.status.in_(machine.sources("answer")),
                   CampaignContact.call_id == call_id)
            .values(status=CONNECTED, updated_at=now)
        )  # fmt: skip
        return await self._rowcount(stmt) == 1

    async def land_attempt(
        self, contact: CampaignContact, call_status: str, now: datetime, move: machine.ContactMove
    ) -> bool:
        """Write a finished attempt's outcome, only while the contact is still in flight on
        the same attempt and call: applying twice changes nothing."""
        stmt = (
            _contacts_of(contact.campaign_id)
            .where(CampaignContact.id == contact.id,
                   CampaignContact.status.in_(machine.sources("land")),
                   CampaignContact.attempts == contact.attempts)
            .values(status=move.status, updated_at=now, last_outcome=call_status, **move.values)
        )  # fmt: skip
        if contact.call_id is None:
            stmt = stmt.where(CampaignContact.call_id.is_(None))
        else:
            stmt = stmt.where(CampaignContact.call_id == contact.call_id)
        return await self._rowcount(stmt) == 1

    async def pending_due(self, campaign_id: str) -> tuple[int, datetime | None]:
        """How many contacts are pending, and the earliest retry time among them."""
        stmt = select(func.count(), func.min(CampaignContact.next_attempt_at)).where(
            CampaignContact.campaign_id == campaign_id, CampaignContact.status == PENDING
        )
        count, earliest = (await self.session.execute(stmt)).one()
        return int(count), earliest

    async def pending_due_by_zone(
        self, campaign_id: str
    ) -> list[tuple[str | None, int, int, datetime | None]]:
        """Per contact zone: pending contacts, how many of them wait for a retry time, and
        the earliest such time."""
        stmt = (
            select(CampaignContact.timezone, func.count(),
                   func.count(CampaignContact.next_attempt_at),
                   func.min(CampaignContact.next_attempt_at))
            .where(CampaignContact.campaign_id == campaign_id, CampaignContact.status == PENDING)
            .group_by(CampaignContact.timezone)
        )  # fmt: skip
        return [
            (zone, int(count), int(timed), first)
            for zone, count, timed, first in (await self.session.execute(stmt)).all()
        ]

    async def _rowcount(self, stmt: Any) -> int:
        result = cast(CursorResult[Any], await self.session.execute(stmt))
        return int(result.rowcount)

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


# -- the CSV export: streamed on a connection of its own (campaigns/export.py) -------------------
def export_rows(campaign_id: str, calls: Any) -> Select[Any]:
    """Every contact of the campaign in dial order, with its calls' ids (SQLite). `calls`:
    the subquery of call ids by contact (calls.service.call_ids_by_contact)."""
    c = CampaignContact
    return (
        select(c.phone_number, c.custom_fields, c.id, c.status, c.attempts, c.last_outcome,
               c.failure_reason, calls.c.call_ids, c.timezone, c.next_attempt_at, c.completed_at)
        .select_from(c)
        .outerjoin(calls, calls.c.contact_id == c.id)
        .where(c.campaign_id == campaign_id)
        .order_by(c.seq)
    )  # fmt: skip


def export_csv_sql(
    campaign_id: str, columns: list[str], formula: tuple[str, ...], calls: Any
) -> str:
    """PostgreSQL: the query whose rows are the export's CSV lines (for `COPY (…) TO STDOUT`),
    values starting with one of `formula` prefixed with `'` inside the query. `calls`: as for
    `export_rows`."""

    def guarded(value: Any) -> Any:
        first = func.substr(value, 1, 1)
        return case((first.in_(list(formula)), literal("'") + value), else_=value)

    def iso(value: Any) -> Any:
        utc = func.timezone("UTC", value)
        return func.to_char(utc, literal('YYYY-MM-DD"T"HH24:MI:SS"Z"', String))

    c = CampaignContact
    values = [
        c.phone_number,
        *(guarded(c.custom_fields[name].as_string()) for name in columns),
        c.id, c.status, c.attempts, c.last_outcome, guarded(c.failure_reason),
        calls.c.call_ids, c.timezone, iso(c.next_attempt_at), iso(c.completed_at),
    ]  # fmt: skip
    stmt = (
        select(*values)
        .select_from(c)
        .outerjoin(calls, calls.c.contact_id == c.id)
        .where(c.campaign_id == campaign_id)
        .order_by(c.seq)
    )
    return str(stmt.compile(dialect=postgresql.dialect(), compile_kwargs={"literal_binds": True}))


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
