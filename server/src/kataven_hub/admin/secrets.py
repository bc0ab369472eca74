"""Operator tasks on secrets at rest: rotate the keyring and re-encrypt every account.

`rotate` adds a key to the keyring file, makes it active and re-encrypts every registered
ciphertext (core.secrets.register) of every account under it; `reencrypt` does the second half
alone (after a key was added to `KATAVEN_SECRETS_KEYRING` by hand); `remove_key` re-encrypts,
checks that no stored secret still needs the key, and only then drops it. Rows that cannot be
decrypted are reported, never overwritten. Each account is re-encrypted in one transaction per
table, and every update is a compare-and-set on the old ciphertext, so the API can keep running.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator, Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub import models  # noqa: F401  (registers every encrypted column)
from kataven_hub.accounts import service as accounts_service
from kataven_hub.core import db, secrets, tenancy
from kataven_hub.core.db import ControlSession
from kataven_hub.core.errors import AppError, InvalidRequest, ServiceUnavailable


@dataclass
class Report:
    active_key: int
    keys: list[int]
    accounts: int = 0
    reencrypted: int = 0
    unchanged: int = 0
    undecryptable: int = 0
    by_key: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


class KeyringNotWritable(AppError):
    status_code = 409
    code = "keyring_not_writable"
    title = "Keyring is not writable"
    description = "The keyring comes from the environment; change it there"


def _ring() -> secrets.Keyring:
    ring = secrets.load_keyring()
    if ring is None:
        raise ServiceUnavailable("No usable keyring: check KATAVEN_SECRETS_KEYRING(_FILE)")
    return ring


def _writable() -> None:
    if secrets.keyring_source() == "env":
        raise KeyringNotWritable(
            "The keyring comes from KATAVEN_SECRETS_KEYRING: add (or remove) a key there, "
            "restart the API, then run `kataven-hub secrets reencrypt`."
        )


async def _tables(engine: AsyncEngine) -> set[str]:
    async with engine.connect() as conn:
        return set(await conn.run_sync(lambda c: sa.inspect(c).get_table_names()))


async def reencrypt_database(
    engine: AsyncEngine, account: str, ring: secrets.Keyring, report: Report
) -> None:
    present = await _tables(engine)
    for col in secrets.registered():
        if col.table not in present:
            continue
        t = sa.table(col.table, sa.column(col.pk), sa.column(col.column))
        pk, value = t.c[col.pk], t.c[col.column]
        async with engine.begin() as conn:
            rows = (await conn.execute(sa.select(pk, value).where(value.is_not(None)))).all()
            for row_id, stored in rows:
                if secrets.key_id_of(stored) == ring.active:
                    report.unchanged += 1
                    continue
                try:
                    plain = col.decrypt(stored, account=account, row_id=str(row_id), ring=ring)
                except secrets.SecretUndecryptable:
                    report.undecryptable += 1
                    continue
                fresh = col.encrypt(plain, account=account, row_id=str(row_id), ring=ring)
                await conn.execute(
                    sa.update(t).where(pk == row_id, value == stored).values({col.column: fresh})
                )
                report.reencrypted += 1


async def count_by_key(engine: AsyncEngine) -> Counter[str]:
    """How many stored secrets each key id protects ("?" for values that are not ours)."""
    counts: Counter[str] = Counter()
    present = await _tables(engine)
    async with engine.connect() as conn:
        for col in secrets.registered():
            if col.table in present:
                value: sa.ColumnClause[Any] = sa.column(col.column)
                stmt = sa.select(value).select_from(sa.table(col.table)).where(value.is_not(None))
                for (stored,) in await conn.execute(stmt):
                    counts[str(secrets.key_id_of(stored) or "?")] += 1
    return counts


# Called before each account (done so far, total, account) and once more at the end.
Progress = Callable[[int, int, str], None]


def _no_progress(done: int, total: int, account: str) -> None:
    return None


async def _each_account(
    session: ControlSession, progress: Progress = _no_progress
) -> AsyncIterator[tuple[str, AsyncEngine]]:
    """Every account with a short-lived engine of its own (one connection at a time, whatever
    the number of accounts; the API's engine cache is left alone)."""
    registry = tenancy.get()
    accounts = await accounts_service.list_accounts(session)
    for done, account in enumerate(accounts):
        progress(done, len(accounts), account.slug)
        url = registry.tenant_url(account.database_name)
        engine = db.make_engine(url, pool_size=1, max_overflow=0)
        try:
            yield account.slug, engine
        finally:
            await engine.dispose()
    progress(len(accounts), len(accounts), "")


async def reencrypt(
    session: ControlSession,
    ring: secrets.Keyring | None = None,
    progress: Progress = _no_progress,
) -> Report:
    """Re-encrypt every stored secret of every account under the active key."""
    ring = ring or _ring()
    report = Report(active_key=ring.active, keys=sorted(ring.keys))
    by_key: Counter[str] = Counter()
    async for slug, engine in _each_account(session, progress):
        await reencrypt_database(engine, slug, ring, report)
        by_key.update(await count_by_key(engine))
        report.accounts += 1
    report.by_key = dict(sorted(by_key.items()))
    return report


async def status(session: ControlSession) -> Report:
    ring = _ring()
    report = Report(active_key=ring.active, keys=sorted(ring.keys))
    by_key: Counter[str] = Counter()
    async for _slug, engine in _each_account(session):
        by_key.update(await count_by_key(engine))
        report.accounts += 1
    report.by_key = dict(sorted(by_key.items()))
    return report


async def rotate(session: ControlSession, progress: Progress = _no_progress) -> Report:
    """Add a key, make it active, and re-encrypt everything under it."""
    _writable()
    ring = _ring().with_new_key()
    secrets.save_keyring(ring)
    return await reencrypt(session, ring, progress)


async def remove_key(session: ControlSession, key_id: int) -> Report:
    """Drop a key once no stored secret needs it (re-encrypting first)."""
    _writable()
    ring = _ring()
    if key_id == ring.active:
        raise InvalidRequest(f"Key {key_id} is the active key; rotate first.")
    if key_id not in ring.keys:
        raise InvalidRequest(f"Key {key_id} is not in the keyring.")
    report = await reencrypt(session, ring)
    still = report.by_key.get(str(key_id), 0)
    if still:
        raise InvalidRequest(
            f"{still} stored secret(s) still use key {key_id} and cannot be re-encrypted; "
            "nothing was removed."
        )
    secrets.save_keyring(ring.without(key_id))
    report.keys = sorted(k for k in ring.keys if k != key_id)
    return report
