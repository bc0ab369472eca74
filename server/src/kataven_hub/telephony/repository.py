from __future__ import annotations

from sqlalchemy import delete, func, select, update

from kataven_hub.core.db import ControlSession, TenantSession, utcnow
from kataven_hub.telephony.models import NumberOwner, PhoneNumber, ProviderCredential


class TelephonyRepository:
    def __init__(self, session: TenantSession) -> None:
        self.session = session

    async def providers(self) -> list[ProviderCredential]:
        stmt = select(ProviderCredential).order_by(
            ProviderCredential.created_at, ProviderCredential.id
        )
        return list(await self.session.scalars(stmt))

    async def provider(self, provider_id: str) -> ProviderCredential | None:
        return await self.session.get(ProviderCredential, provider_id)

    async def numbers(self, agent_id: str | None = None) -> list[PhoneNumber]:
        stmt = select(PhoneNumber).order_by(PhoneNumber.created_at, PhoneNumber.id)
        if agent_id is not None:
            stmt = stmt.where(PhoneNumber.agent_id == agent_id)
        return list(await self.session.scalars(stmt))

    async def number(self, number_id: str) -> PhoneNumber | None:
        return await self.session.get(PhoneNumber, number_id)

    async def number_by_e164(self, e164: str) -> PhoneNumber | None:
        return await self.session.scalar(select(PhoneNumber).where(PhoneNumber.e164 == e164))

    async def count_numbers_using(self, provider_id: str) -> int:
        stmt = select(func.count()).where(PhoneNumber.credentials_id == provider_id)
        return int(await self.session.scalar(stmt) or 0)

    async def unpin_agent(self, agent_id: str) -> None:
        await self.session.execute(
            update(PhoneNumber)
            .where(PhoneNumber.agent_id == agent_id)
            .values(agent_id=None, updated_at=utcnow())
        )

    async def add(self, row: PhoneNumber | ProviderCredential) -> None:
        self.session.add(row)
        await self.session.flush()

    async def delete(self, row: PhoneNumber | ProviderCredential) -> None:
        await self.session.delete(row)
        await self.session.flush()


class NumberMapRepository:
    """The installation-wide E.164 → account map (control database)."""

    def __init__(self, session: ControlSession) -> None:
        self.session = session

    async def get(self, e164: str) -> NumberOwner | None:
        return await self.session.get(NumberOwner, e164)

    async def claim(self, e164: str, account: str, number_id: str) -> None:
        self.session.add(NumberOwner(e164=e164, account=account, number_id=number_id))
        await self.session.flush()

    async def drop(self, row: NumberOwner) -> None:
        await self.session.delete(row)
        await self.session.flush()

    async def release(self, e164: str, account: str, number_id: str) -> None:
        await self.session.execute(
            delete(NumberOwner).where(
                NumberOwner.e164 == e164,
                NumberOwner.account == account,
                NumberOwner.number_id == number_id,
            )
        )
