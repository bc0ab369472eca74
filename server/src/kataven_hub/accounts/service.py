"""Accounts, users and memberships: operator provisioning, dev login, membership checks.

Creating an account creates its database, migrates it and seeds it before the control row is
committed; any failure drops what was created, so an account either exists whole or not at all.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Awaitable, Callable
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.accounts.models import Account, User
from kataven_hub.accounts.repository import AccountRepository, UserRepository
from kataven_hub.api_keys import service as api_keys_service
from kataven_hub.audit import service as audit_service
from kataven_hub.core import auth, migrate, tenancy
from kataven_hub.core.db import ControlSession, TenantSession, new_session
from kataven_hub.core.errors import Conflict, Forbidden, InvalidRequest, NotFound, Unauthorized
from kataven_hub.core.ids import new_id

log = logging.getLogger("kataven_hub.accounts")

ROLES = ("owner", "admin", "member")
TenantSeeder = Callable[[TenantSession], Awaitable[None]]
# Modules that ship defaults (built-in tools, playbooks…) have a seeder, added by
# kataven_hub.wiring. Seeders must be idempotent: `kataven-hub migrate` runs them again on every
# account after upgrading it, so an account created by an older release gets the defaults added
# since.
TENANT_SEEDERS: list[TenantSeeder] = []


def add_tenant_seeder(seeder: TenantSeeder) -> None:
    """Run `seeder` on every new account's database and on every `migrate` (idempotent)."""
    if seeder not in TENANT_SEEDERS:
        TENANT_SEEDERS.append(seeder)


def check_slug(slug: str) -> None:
    if not tenancy.SLUG_RE.match(slug):
        raise InvalidRequest("invalid account name")
    if slug in tenancy.RESERVED_ACCOUNTS:
        raise Forbidden("Account kataven-admin is reserved")


async def create_account(session: ControlSession, slug: str, name: str | None = None) -> Account:
    """Create the account row, its database (migrated and seeded). The caller commits."""
    check_slug(slug)
    accounts = AccountRepository(session)
    if await accounts.get_by_slug(slug) is not None:
        raise Conflict(f"Account {slug!r} already exists")
    registry = tenancy.get()
    database = registry.database_name(slug)
    try:
        engine = await registry.create_database(database)
    except Exception as exc:
        raise Conflict(f"Account {slug!r} already exists") from exc
    try:
        await migrate.upgrade(engine, "tenant")
        await seed_tenant(engine)
        await engine.dispose()
        return await accounts.add(
            Account(id=new_id("acct"), slug=slug, name=name or slug, database_name=database)
        )
    except BaseException:
        await engine.dispose()
        await registry.drop_database(slug, database)
        raise


async def seed_tenant(engine: AsyncEngine) -> None:
    """Run every TENANT_SEEDERS entry on an account's database, in one transaction."""
    async with new_session(engine) as tenant_session:
        for seed in TENANT_SEEDERS:
            await seed(TenantSession(tenant_session))
        await tenant_session.commit()


async def delete_account(session: ControlSession, slug: str) -> None:
    accounts = AccountRepository(session)
    account = await accounts.get_by_slug(slug)
    if account is None:
        raise NotFound(f"Account {slug!r} not found")
    database = account.database_name
    await accounts.delete(account)
    await session.commit()
    await auth.account_removed(slug)
    await tenancy.get().drop_database(slug, database)


async def list_accounts(session: ControlSession) -> list[Account]:
    return await AccountRepository(session).list()


async def list_users(session: ControlSession, account: str | None = None) -> list[dict[str, Any]]:
    """Users and their roles (operator command `users list`)."""
    if account is not None and await AccountRepository(session).get_by_slug(account) is None:
        raise NotFound(f"Account {account!r} not found")
    rows = await UserRepository(session).with_memberships(account)
    return [
        {
            "email": user.email,
            "name": user.name,
            "account": slug,
            "role": role,
            "login": "password" if user.password_hash else "oidc" if user.oidc_subject else "-",
            "user_id": user.id,
        }
        for user, slug, role in rows
    ]


async def validate(session: ControlSession, slug: str) -> dict[str, Any]:
    if not tenancy.SLUG_RE.match(slug):
        raise InvalidRequest("invalid account name")
    exists = await AccountRepository(session).get_by_slug(slug) is not None
    valid = slug not in tenancy.RESERVED_ACCOUNTS
    return {"account": slug, "valid": valid, "exists": exists and valid}


async def add_user(
    session: ControlSession,
    email: str,
    *,
    password: str | None = None,
    account: str | None = None,
    role: str = "member",
    name: str = "",
) -> User:
    """Create the user if new (or set its password), and grant a role in an account."""
    if role not in ROLES:
        raise InvalidRequest(f"role must be one of {', '.join(ROLES)}")
    users = UserRepository(session)
    email = email.strip().lower()
    user = await users.get_by_email(email)
    if user is None:
        user = await users.add(User(id=new_id("user"), email=email, name=name))
    if password is not None:
        user.password_hash = auth.hash_password(password)
    if account is not None:
        target = await AccountRepository(session).get_by_slug(account)
        if target is None:
            raise NotFound(f"Account {account!r} not found")
        await users.set_membership(user.id, target.id, role)
    await session.flush()
    return user


async def login(
    session: ControlSession,
    email: str,
    password: str,
    *,
    request_id: str | None = None,
    ip: str | None = None,
) -> dict[str, Any]:
    """A sign-in of a known user, granted or refused, goes to the audit log of each account
    the user belongs to."""
    issuer = auth.builtin_issuer()
    if issuer is None:
        raise NotFound("Built-in login is disabled; sign in through the identity provider")
    users = UserRepository(session)
    user = await users.get_by_email(email.strip().lower())
    if user is None:
        raise Unauthorized("Invalid email or password")
    accounts = await _memberships(users, user)
    slugs = [a["account"] for a in accounts]
    if not auth.check_password(password, user.password_hash):
        await audit_service.sign_in(slugs, user.id, 401, request_id, ip)
        raise Unauthorized("Invalid email or password")
    token, expires_at = issuer.sign(user.id, user.email)
    await audit_service.sign_in(slugs, user.id, 200, request_id, ip)
    return {"token": token, "expires_at": expires_at, "accounts": accounts}


async def user_org(session: ControlSession, token: str | None) -> dict[str, Any]:
    if token is None or token.startswith(auth.API_KEY_PREFIX):
        raise Unauthorized("A signed-in user token is required")
    claims = await auth.verify_jwt(token)
    users = UserRepository(session)
    user = await _user_for_claims(users, claims)
    if user is None:
        raise Unauthorized("Unknown user")
    return {"user": user, "accounts": await _memberships(users, user)}


async def _memberships(users: UserRepository, user: User) -> list[dict[str, str]]:
    return [
        {"account": account.slug, "name": account.name, "role": role}
        for account, role in await users.memberships(user.id)
    ]


async def _user_for_claims(users: UserRepository, claims: dict[str, Any]) -> User | None:
    issuer = auth.builtin_issuer()
    if issuer is not None and claims.get("iss") == issuer.issuer:
        return await users.get(str(claims["sub"]))
    subject = f"{claims.get('iss')}|{claims.get('sub')}"
    user = await users.get_by_oidc_subject(subject)
    if user is None and isinstance(claims.get("email"), str):
        # First sign-in through the identity provider: bind it to the user invited by e-mail.
        user = await users.get_by_email(claims["email"].lower())
        if user is not None and user.oidc_subject is None:
            user.oidc_subject = subject
            await users.session.commit()
    return user


async def member_lookup(claims: dict[str, Any], slug: str) -> tuple[str, str] | None:
    """(user id, role) of the token's user in the account, for core.auth."""
    async with new_session(tenancy.get().control_engine) as session:
        users = UserRepository(ControlSession(session))
        user = await _user_for_claims(users, claims)
        if user is None:
            return None
        role = await users.role_in(user.id, slug)
        return None if role is None else (user.id, role)


async def bootstrap_demo(session: ControlSession) -> dict[str, str] | None:
    """On a first start with no accounts: the `demo` account, its owner and one API key."""
    if await AccountRepository(session).list():
        return None
    password = secrets.token_urlsafe(12)
    try:
        await create_account(session, "demo", "Demo")
    except (Conflict, IntegrityError):
        return None
    user = await add_user(
        session, "owner@demo.local", password=password, account="demo", role="owner", name="Owner"
    )
    await session.commit()
    key = await api_keys_service.create_for_account("demo", "demo key", None, created_by=user.id)
    return {"account": "demo", "email": user.email, "password": password, "api_key": key}
