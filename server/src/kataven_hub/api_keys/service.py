"""`sk_live_` keys: minted once, stored as HMAC-SHA256 digests, revocable on the next request.

Writes are Hub-UI-only (routers require a signed-in owner/admin). Every change that can turn a
key off publishes its digest so every API process drops it from its cache (core.auth).
DELETE removes a key that was never used; a used key is kept, disabled, for the audit trail.
"""

from __future__ import annotations

import re
import secrets
import string
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from kataven_hub.api_keys.models import ApiKey
from kataven_hub.api_keys.repository import ApiKeyRepository
from kataven_hub.api_keys.schemas import ApiKeyCreate, ApiKeyUpdate
from kataven_hub.core import auth, tenancy
from kataven_hub.core.db import TenantSession, new_session
from kataven_hub.core.errors import InvalidRequest, NotFound
from kataven_hub.core.ids import looks_like, new_id
from kataven_hub.core.sessions import after_commit, commit

_ALPHABET = string.ascii_letters + string.digits
_EXPIRY_RE = re.compile(r"^(?:(\d{1,4})d|(\d{1,2})y)$")
_TOUCH_EVERY_SECONDS = 60.0
_touched: dict[str, float] = {}


def parse_expiry(expiry: str | None, now: datetime) -> datetime | None:
    if expiry is None or expiry == "never":
        return None
    match = _EXPIRY_RE.match(expiry)
    days = int(match.group(1)) if match and match.group(1) else None
    years = int(match.group(2)) if match and match.group(2) else None
    if days is not None and 1 <= days <= 3650:
        return now + timedelta(days=days)
    if years is not None and 1 <= years <= 10:
        return now + timedelta(days=365 * years)
    raise InvalidRequest(
        "expiry must be 'never', '<n>d' (1-3650) or '<n>y' (1-10), e.g. 90d",
        errors=[{"field": "expiry", "message": "invalid expiry"}],
    )


def _mint(account: str) -> str:
    return f"{auth.API_KEY_PREFIX}{account}_" + "".join(
        secrets.choice(_ALPHABET) for _ in range(40)
    )


async def list_keys(session: TenantSession) -> list[ApiKey]:
    return await ApiKeyRepository(session).list()


async def create(
    session: TenantSession, account: str, body: ApiKeyCreate, created_by: str | None
) -> tuple[ApiKey, str]:
    now = datetime.now(UTC)
    expires_at = parse_expiry(body.expiry, now)
    plaintext = _mint(account)
    key = ApiKey(
        id=new_id("key"),
        name=body.name,
        digest=auth.key_digest(plaintext),
        last8=plaintext[-8:],
        created_by=created_by,
        created_at=now,
        expires_at=expires_at,
    )
    return await ApiKeyRepository(session).add(key), plaintext


async def create_for_account(
    account: str, name: str, expiry: str | None, created_by: str | None = None
) -> str:
    """Operator path (`kataven-hub keys create`): mint a key outside any request."""
    engine = await tenancy.get().engine_for(account)
    if engine is None:
        raise NotFound(f"Account {account!r} not found")
    async with new_session(engine) as session:
        _, plaintext = await create(
            TenantSession(session), account, ApiKeyCreate(name=name, expiry=expiry), created_by
        )
        await session.commit()
    return plaintext


async def _operator_engine(account: str) -> Any:
    engine = await tenancy.get().engine_for(account)
    if engine is None:
        raise NotFound(f"Account {account!r} not found")
    return engine


async def list_for_account(account: str) -> list[ApiKey]:
    """Operator path (`kataven-hub keys list`)."""
    async with new_session(await _operator_engine(account)) as session:
        return await list_keys(TenantSession(session))


async def revoke_for_account(account: str, key_id: str) -> ApiKey:
    """Operator path (`kataven-hub keys revoke`): disabled at once, in every API process."""
    async with new_session(await _operator_engine(account)) as session:
        key = await update(TenantSession(session), key_id, ApiKeyUpdate(disabled=True))
        await commit(session)
        return key


async def _get(session: TenantSession, key_id: str) -> ApiKey:
    key = await ApiKeyRepository(session).get(key_id) if looks_like("key", key_id) else None
    if key is None:
        raise NotFound("API key not found")
    return key


async def update(
    session: TenantSession,
    key_id: str,
    body: ApiKeyUpdate,
    not_announced: Callable[[], None] | None = None,
) -> ApiKey:
    key = await _get(session, key_id)
    if body.name is not None:
        key.name = body.name
    if body.disabled is True and key.disabled_at is None:
        key.disabled_at = datetime.now(UTC)
    elif body.disabled is False:
        key.disabled_at = None
    await session.flush()
    _invalidate_after_commit(session, key, not_announced)
    return key


async def delete(
    session: TenantSession, key_id: str, not_announced: Callable[[], None] | None = None
) -> ApiKey:
    key = await _get(session, key_id)
    repo = ApiKeyRepository(session)
    if key.last_used_at is None:
        await repo.delete(key)
    elif key.disabled_at is None:
        key.disabled_at = datetime.now(UTC)
        await session.flush()
    _invalidate_after_commit(session, key, not_announced)
    return key


# Said on the answer when the change could not be announced to the other API processes.
NOT_ANNOUNCED = (
    '199 kataven-hub "Saved. Other API processes could not be told at once (event bus '
    'unavailable); they check keys against the database until it is back."'
)


def _invalidate_after_commit(
    session: TenantSession, key: ApiKey, not_announced: Callable[[], None] | None
) -> None:
    digest = key.digest

    async def announce() -> None:
        if not await auth.key_changed(digest) and not_announced is not None:
            not_announced()

    after_commit(session, announce)


async def lookup(account: str, digest: str) -> auth.KeyRecord | None:
    """For core.auth: the key with this digest in the account's database, if any."""
    engine = await tenancy.get().engine_for(account)
    if engine is None:
        return None
    async with new_session(engine) as session:
        key = await ApiKeyRepository(TenantSession(session)).get_by_digest(digest)
    if key is None:
        return None
    return auth.KeyRecord(
        key_id=key.id,
        account=account,
        expires_at=key.expires_at,
        disabled=key.disabled_at is not None,
        last_used_at=key.last_used_at,
    )


async def mark_used(record: auth.KeyRecord) -> None:
    """Record `last_used_at`: at once on first use (it decides hard vs soft delete), then at
    most once a minute per process, so authenticated requests cost no write."""
    now = time.monotonic()
    last = _touched.get(record.key_id)
    if last is not None and now - last < _TOUCH_EVERY_SECONDS:
        return
    _touched[record.key_id] = now
    engine = await tenancy.get().engine_for(record.account)
    if engine is None:
        return
    async with new_session(engine) as session:
        await ApiKeyRepository(TenantSession(session)).touch(record.key_id, datetime.now(UTC))
        await session.commit()
