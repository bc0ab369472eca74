"""Carrier credentials (encrypted at rest, never returned) and phone numbers.

An E.164 number belongs to at most one account in the installation: registration first claims
the number in the control database's map (unique key), then inserts the tenant row; the route
commits the control session first. A map row whose tenant row never appeared (a failed commit,
a deleted account) is stale and is reclaimed by the next registration after a grace period, so
the map heals instead of blocking a number forever. A clash says only "duplicate number".
"""

from __future__ import annotations

import json
import time
from datetime import timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from kataven_hub.agents import service as agents_service
from kataven_hub.carriers import registry
from kataven_hub.core import secrets, tenancy
from kataven_hub.core.db import ControlSession, TenantSession, new_session, utcnow
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound
from kataven_hub.core.ids import looks_like, new_id
from kataven_hub.core.sessions import after_commit, commit
from kataven_hub.telephony.models import NumberOwner, PhoneNumber, ProviderCredential
from kataven_hub.telephony.repository import NumberMapRepository, TelephonyRepository
from kataven_hub.telephony.schemas import NumberCreate, NumberUpdate, ProviderCreate

_TABLE, _COLUMN = "telephony_providers", "credentials"
STALE_CLAIM_AFTER = timedelta(seconds=60)
_PLAIN_TTL_SECONDS, _PLAIN_CACHE_SIZE = 60.0, 1000
_plain_cache: dict[tuple[str, str], tuple[dict[str, str], float]] = {}


class ProviderInUse(Conflict):
    code = "provider_in_use"
    description = "Credential in use by phone numbers"


class DuplicateNumber(InvalidRequest):
    code = "duplicate_number"
    description = "Invalid body or duplicate number"


# -- provider credentials -------------------------------------------------------------------
def _provider_read(row: ProviderCredential) -> dict[str, Any]:
    keys = [k for k in row.credential_keys.split(",") if k]
    return {
        "id": row.id,
        "provider": row.provider,
        "label": row.label,
        "credential_keys": keys,
        "created_at": row.created_at,
        "updated_at": row.updated_at,
    }


async def list_providers(session: TenantSession) -> dict[str, Any]:
    rows = await TelephonyRepository(session).providers()
    return {"providers": [_provider_read(r) for r in rows]}


def _checked_credentials(provider: str, credentials: dict[str, str]) -> dict[str, str]:
    carrier = registry.get(provider)
    if carrier is None:
        allowed = ", ".join(registry.providers())
        raise InvalidRequest(
            f"provider must be one of: {allowed}",
            errors=[{"field": "provider", "message": f"must be one of: {allowed}"}],
        )
    unknown = sorted(set(credentials) - set(carrier.required_keys))
    missing = [k for k in carrier.required_keys if k not in credentials]
    if missing or unknown:
        problem = f"missing {', '.join(missing)}" if missing else f"unknown {', '.join(unknown)}"
        needed = ", ".join(carrier.required_keys) or "(none)"
        raise InvalidRequest(
            f"credentials for {provider} need exactly: {needed} ({problem})",
            errors=[{"field": "credentials", "message": problem}],
        )
    try:
        return carrier.check_credentials(credentials)
    except ValueError as exc:
        raise InvalidRequest(
            f"credentials: {exc}", errors=[{"field": "credentials", "message": str(exc)}]
        ) from None


async def create_provider(
    session: TenantSession, account: str, body: ProviderCreate
) -> dict[str, Any]:
    """Validate, encrypt (503 and nothing stored without a keyring), insert."""
    credentials = _checked_credentials(body.provider, dict(body.credentials))
    row_id = new_id("prov")
    sealed = secrets.encrypt(
        json.dumps(credentials).encode(),
        account=account,
        table=_TABLE,
        row_id=row_id,
        column=_COLUMN,
    )
    row = ProviderCredential(
        id=row_id,
        provider=body.provider,
        label=body.label,
        credentials=sealed,
        credential_keys=",".join(sorted(body.credentials)),
    )
    await TelephonyRepository(session).add(row)
    return _provider_read(row)


async def _provider(session: TenantSession, provider_id: str) -> ProviderCredential | None:
    if not looks_like("prov", provider_id):
        return None
    return await TelephonyRepository(session).provider(provider_id)


async def _forget(account: str, provider_id: str) -> None:
    forget_credentials(account, provider_id)


async def delete_provider(session: TenantSession, account: str, provider_id: str) -> None:
    repo = TelephonyRepository(session)
    row = await _provider(session, provider_id)
    if row is None:
        raise NotFound("Credential not found")
    if await repo.count_numbers_using(row.id):
        raise ProviderInUse("Credential in use by phone numbers; delete those numbers first")
    await repo.delete(row)
    after_commit(session, lambda: _forget(account, row.id))


async def credentials(session: TenantSession, account: str, provider_id: str) -> dict[str, str]:
    """The decrypted credentials of a row (503 when they cannot be decrypted).

    Credential rows never change (there is no update; a new row gets a new id), so decrypted
    values are kept briefly in process memory: every originate and every signed webhook needs
    them, and a SELECT plus a decryption each time would dominate those paths."""
    key = (account, provider_id)
    hit = _plain_cache.get(key)
    if hit is not None and time.monotonic() - hit[1] < _PLAIN_TTL_SECONDS:
        return dict(hit[0])
    row = await _provider(session, provider_id)
    if row is None:
        raise secrets.SecretUndecryptable("Provider credential missing")
    plain = secrets.decrypt(
        row.credentials, account=account, table=_TABLE, row_id=row.id, column=_COLUMN
    )
    value = dict(json.loads(plain))
    _plain_cache[key] = (value, time.monotonic())
    while len(_plain_cache) > _PLAIN_CACHE_SIZE:
        _plain_cache.pop(next(iter(_plain_cache)))
    return dict(value)


def forget_credentials(account: str, provider_id: str) -> None:
    _plain_cache.pop((account, provider_id), None)


# -- phone numbers --------------------------------------------------------------------------
async def list_numbers(session: TenantSession, agent_id: str | None) -> dict[str, Any]:
    return {"numbers": await TelephonyRepository(session).numbers(agent_id)}


async def get_number(session: TenantSession, number_id: str) -> PhoneNumber:
    row = (
        await TelephonyRepository(session).number(number_id)
        if looks_like("num", number_id)
        else None
    )
    if row is None:
        raise NotFound("Phone number not found")
    return row


async def number_by_e164(session: TenantSession, e164: str) -> PhoneNumber | None:
    return await TelephonyRepository(session).number_by_e164(e164)


async def create_number(
    control: ControlSession, session: TenantSession, account: str, body: NumberCreate
) -> PhoneNumber:
    cred = await _provider(session, body.credentials_id)
    if cred is None:
        raise InvalidRequest(
            "Unknown credentials_id",
            errors=[{"field": "credentials_id", "message": "no such provider credential"}],
        )
    if cred.provider != body.provider:
        raise InvalidRequest(f"provider must match the credential's provider ({cred.provider})")
    if body.agent_id is not None:
        await agents_service.check_reference(session, body.agent_id)
    row = PhoneNumber(
        id=new_id("num"),
        e164=body.e164,
        provider=body.provider,
        credentials_id=cred.id,
        agent_id=body.agent_id,
        inbound_enabled=body.inbound_enabled,
        outbound_enabled=body.outbound_enabled,
    )
    await _claim(control, session, account, row)
    try:
        await TelephonyRepository(session).add(row)
    except IntegrityError:
        raise DuplicateNumber("duplicate number") from None
    return row


async def _claim(
    control: ControlSession, session: TenantSession, account: str, row: PhoneNumber
) -> None:
    owners = NumberMapRepository(control)
    existing = await owners.get(row.e164)
    if existing is not None:
        if not await _is_stale(session, account, existing):
            raise DuplicateNumber("duplicate number")
        await owners.drop(existing)
    try:
        await owners.claim(row.e164, account, row.id)
    except IntegrityError:
        raise DuplicateNumber("duplicate number") from None


async def _is_stale(session: TenantSession, account: str, owner: NumberOwner) -> bool:
    if utcnow() - owner.created_at < STALE_CLAIM_AFTER:
        return False
    if owner.account == account:
        return await TelephonyRepository(session).number(owner.number_id) is None
    engine = await tenancy.get().engine_for(owner.account)
    if engine is None:
        return True
    async with new_session(engine) as other:
        found = await other.scalar(select(PhoneNumber.id).where(PhoneNumber.id == owner.number_id))
    return found is None


async def update_number(session: TenantSession, number_id: str, body: NumberUpdate) -> None:
    row = await get_number(session, number_id)
    fields = body.model_fields_set
    if "agent_id" in fields:
        if body.agent_id is not None:
            await agents_service.check_reference(session, body.agent_id)
        row.agent_id = body.agent_id
    for flag in ("inbound_enabled", "outbound_enabled"):
        if flag in fields:
            setattr(row, flag, getattr(body, flag))
    row.updated_at = utcnow()
    await session.flush()


async def delete_number(
    session: TenantSession, control: ControlSession, account: str, number_id: str
) -> None:
    row = await get_number(session, number_id)
    await TelephonyRepository(session).delete(row)
    await NumberMapRepository(control).release(row.e164, account, row.id)
    # The number leaves the account before its claim is released (the boundary would commit
    # the control session first): a claim without its row is reclaimed as stale, a row without
    # its claim would let another account register the number too.
    await commit(session)


async def unpin_agent(session: TenantSession, agent_id: str) -> None:
    """Detach every number pinned to an agent (called when the agent is deleted)."""
    await TelephonyRepository(session).unpin_agent(agent_id)


async def owner_of(control: ControlSession, e164: str) -> NumberOwner | None:
    """Which account owns a number (inbound webhook routing)."""
    return await NumberMapRepository(control).get(e164)
