"""Widget key pairs: `pk_live_<account>_<random>` (public, in the customer's HTML) and
`sk_live_<account>_<random>` (secret, on the customer's backend).

Both are random 40-character base62 strings (≈238 bits) stored as HMAC-SHA256 digests with
the server pepper, like API keys; bcrypt would add nothing to secrets this long. The account is
part of each key, so a public call finds the right tenant database without any other credential.
A widget secret is usable only at `/widget/auth/user-token`: it is not in the API-key table, so
it opens no management route. DELETE removes a key never used; a used key is disabled instead.
"""

from __future__ import annotations

import logging
import secrets
import string
import time
from datetime import UTC, datetime

from kataven_hub.agents import service as agents_service
from kataven_hub.core import auth, tenancy
from kataven_hub.core.db import TenantSession, new_session
from kataven_hub.core.errors import NotFound
from kataven_hub.core.ids import looks_like, new_id
from kataven_hub.core.sessions import after_commit
from kataven_hub.widget import allowlist, origins
from kataven_hub.widget.keys.models import WidgetKey
from kataven_hub.widget.keys.repository import WidgetKeyRepository
from kataven_hub.widget.keys.schemas import WidgetKeyCreate, WidgetKeyUpdate

log = logging.getLogger("kataven_hub.widget.keys")
PUBLIC_PREFIX = "pk_live_"
SECRET_PREFIX = auth.API_KEY_PREFIX
_ALPHABET = string.ascii_letters + string.digits
_TOUCH_EVERY_SECONDS = 60.0
_touched: dict[str, float] = {}


def _mint(prefix: str, account: str) -> str:
    return f"{prefix}{account}_" + "".join(secrets.choice(_ALPHABET) for _ in range(40))


async def list_keys(session: TenantSession) -> list[WidgetKey]:
    return await WidgetKeyRepository(session).list()


async def create(
    session: TenantSession, account: str, body: WidgetKeyCreate, created_by: str | None
) -> tuple[WidgetKey, str, str]:
    """A new pair; the two plaintexts are returned here and nowhere else."""
    if body.agent_id is not None:
        await agents_service.check_reference(session, body.agent_id)
    public_key, secret_key = _mint(PUBLIC_PREFIX, account), _mint(SECRET_PREFIX, account)
    key = WidgetKey(
        id=new_id("wk"),
        name=body.name,
        public_digest=auth.key_digest(public_key),
        public_last8=public_key[-8:],
        secret_digest=auth.key_digest(secret_key),
        secret_last8=secret_key[-8:],
        domain_allowlist=body.domain_allowlist,
        agent_id=body.agent_id,
        created_by=created_by,
    )
    added = await WidgetKeyRepository(session).add(key)
    _index_after_commit(session, account, added.id, list(added.domain_allowlist or []))
    return added, public_key, secret_key


def _index_after_commit(
    session: TenantSession, account: str | None, key_id: str, entries: list[str] | None
) -> None:
    """Keep the cross-account origin index (CORS preflights) in step once the change commits
    (`entries` None: the key no longer allows anything). A failure there is logged:
    `kataven-hub migrate` rebuilds the index."""
    if account is None:
        return

    async def index() -> None:
        try:
            await origins.record(account, key_id, entries)
        except Exception:
            log.warning("widget origin index not updated for %s/%s", account, key_id, exc_info=True)

    after_commit(session, index)


async def get(session: TenantSession, key_id: str) -> WidgetKey:
    key = await WidgetKeyRepository(session).get(key_id) if looks_like("wk", key_id) else None
    if key is None:
        raise NotFound("Widget key not found")
    return key


async def update(
    session: TenantSession, key_id: str, body: WidgetKeyUpdate, account: str | None = None
) -> WidgetKey:
    key = await get(session, key_id)
    changes = body.model_dump(exclude_unset=True)
    if "agent_id" in changes and changes["agent_id"] is not None:
        await agents_service.check_reference(session, changes["agent_id"])
    for field in ("name", "domain_allowlist", "agent_id"):
        if field in changes:
            setattr(key, field, changes[field])
    if changes.get("disabled") is True and key.disabled_at is None:
        key.disabled_at = datetime.now(UTC)
    elif changes.get("disabled") is False:
        key.disabled_at = None
    key.updated_at = datetime.now(UTC)
    await session.flush()
    active = key.disabled_at is None
    _index_after_commit(session, account, key.id, list(key.domain_allowlist) if active else None)
    return key


async def delete(session: TenantSession, key_id: str, account: str | None = None) -> None:
    key = await get(session, key_id)
    if key.last_used_at is None:
        await WidgetKeyRepository(session).delete(key)
    elif key.disabled_at is None:
        key.disabled_at = datetime.now(UTC)
        await session.flush()
    _index_after_commit(session, account, key.id, None)  # out of the index either way


# -- public resolution (no management credential) ----------------------------------------------
def account_of_public_key(client_key: str) -> str | None:
    return auth.account_of_key(client_key, PUBLIC_PREFIX)


def account_of_secret_key(secret_key: str) -> str | None:
    return auth.account_of_key(secret_key, SECRET_PREFIX)


async def by_public_key(session: TenantSession, client_key: str) -> WidgetKey | None:
    return await WidgetKeyRepository(session).get_by_public_digest(auth.key_digest(client_key))


async def by_secret_key(session: TenantSession, secret_key: str) -> WidgetKey | None:
    return await WidgetKeyRepository(session).get_by_secret_digest(auth.key_digest(secret_key))


async def mark_used(account: str, key: WidgetKey) -> None:
    """Record `last_used_at` (it decides hard vs soft delete): at once on first use, then at
    most once a minute per process, in a session of its own so a read stays a read."""
    now = time.monotonic()
    last = _touched.get(key.id)
    if key.last_used_at is not None and last is not None and now - last < _TOUCH_EVERY_SECONDS:
        return
    _touched[key.id] = now
    engine = await tenancy.get().engine_for(account)
    if engine is None:
        return
    async with new_session(engine) as session:
        await WidgetKeyRepository(TenantSession(session)).touch(key.id, datetime.now(UTC))
        await session.commit()


async def allows_origin(client_key: str, origin: str) -> bool:
    """Whether the key's allowlist admits this Origin (for CORS preflights, which carry no
    body). A disabled key still answers for its origins, so the page can read the refusal."""
    account = account_of_public_key(client_key)
    if account is None or not tenancy.SLUG_RE.match(account):
        return False
    if account in tenancy.RESERVED_ACCOUNTS:
        return False
    engine = await tenancy.get().engine_for(account)
    if engine is None:
        return False
    async with new_session(engine) as session:
        key = await by_public_key(TenantSession(session), client_key)
    return key is not None and allowlist.allows(
        key.domain_allowlist, allowlist.parse_origin(origin)
    )
