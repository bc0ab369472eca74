from __future__ import annotations

from sqlalchemy import select

from kataven_hub.accounts.models import Account, Membership, User
from kataven_hub.core.db import ControlSession
from kataven_hub.core.repository import Repository


class AccountRepository(Repository[Account, ControlSession]):
    model = Account

    async def get_by_slug(self, slug: str) -> Account | None:
        return await self.session.scalar(select(Account).where(Account.slug == slug))

    async def list(self) -> list[Account]:
        return list(await self.session.scalars(select(Account).order_by(Account.slug)))


class UserRepository(Repository[User, ControlSession]):
    model = User

    async def get_by_email(self, email: str) -> User | None:
        return await self.session.scalar(select(User).where(User.email == email.lower()))

    async def get_by_oidc_subject(self, subject: str) -> User | None:
        return await self.session.scalar(select(User).where(User.oidc_subject == subject))

    async def memberships(self, user_id: str) -> list[tuple[Account, str]]:
        rows = await self.session.execute(
            select(Account, Membership.role)
            .join(Membership, Membership.account_id == Account.id)
            .where(Membership.user_id == user_id)
            .order_by(Account.slug)
        )
        return [(account, role) for account, role in rows]

    async def with_memberships(self, slug: str | None = None) -> list[tuple[User, str, str]]:
        """(user, account slug or "", role or "") for every membership (and every user without
        one, unless `slug` narrows the list to that account's members), by e-mail."""
        stmt = (
            select(User, Account.slug, Membership.role)
            .outerjoin(Membership, Membership.user_id == User.id)
            .outerjoin(Account, Account.id == Membership.account_id)
            .order_by(User.email, Account.slug)
        )
        if slug is not None:
            stmt = stmt.where(Account.slug == slug)
        rows = await self.session.execute(stmt)
        return [(user, account or "", role or "") for user, account, role in rows]

    async def role_in(self, user_id: str, slug: str) -> str | None:
        return await self.session.scalar(
            select(Membership.role)
            .join(Account, Account.id == Membership.account_id)
            .where(Membership.user_id == user_id, Account.slug == slug)
        )

    async def set_membership(self, user_id: str, account_id: str, role: str) -> None:
        membership = await self.session.get(Membership, (user_id, account_id))
        if membership is None:
            self.session.add(Membership(user_id=user_id, account_id=account_id, role=role))
        else:
            membership.role = role
        await self.session.flush()
