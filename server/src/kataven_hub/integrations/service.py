"""Integrations: third-party connectors (catalogue.py) whose credentials are stored encrypted.

Install validates the body (every listed key, no other, non-empty, the provider's format; 400
names the key, never the value), then takes the keyring (503 with none, before anything is
written), seals each key in its own row (bound to account, table and row) and creates the tools
the integration brings (409 if a custom tool already has one of their names). Re-install
replaces the credentials. Responses say which keys are set, never their values. Uninstall
deletes the credentials and the integration's tools, with their agent tool rows; uninstalling
something not installed is a no-op. `credentials()` is the one place that decrypts.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kataven_hub.core import secrets
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import InvalidRequest, NotFound
from kataven_hub.core.ids import new_id
from kataven_hub.integrations import catalogue
from kataven_hub.integrations.catalogue import Integration
from kataven_hub.integrations.models import (
    CREDENTIAL_VALUE,
    InstalledIntegration,
    IntegrationCredential,
)
from kataven_hub.integrations.repository import IntegrationRepository
from kataven_hub.tools import service as tools_service


def _find(ref: str) -> Integration:
    integration = catalogue.find(ref)
    if integration is None:
        raise NotFound("Integration not found")
    return integration


def _entry(
    integration: Integration, row: InstalledIntegration | None, keys_set: list[str]
) -> dict[str, Any]:
    return {
        "id": integration.id,
        "name": integration.name,
        "display_name": integration.display_name,
        "category": integration.category,
        "description": integration.description,
        "docs_url": integration.docs_url,
        "credential_keys": [k.name for k in integration.credential_keys],
        "credential_fields": [
            {"name": k.name, "label": k.label, "description": k.hint}
            for k in integration.credential_keys
        ],
        "tools": integration.tools,
        "installed": row is not None,
        "credential_keys_set": keys_set if row is not None else [],
        "installed_at": row.installed_at if row else None,
        "updated_at": row.updated_at if row else None,
    }


async def list_integrations(session: TenantSession, category: str | None) -> dict[str, Any]:
    repo = IntegrationRepository(session)
    installed, keys = await repo.installed(), await repo.keys_set()
    rows = [
        _entry(i, installed.get(i.id), keys.get(i.id, []))
        for i in catalogue.CATALOGUE
        if category is None or i.category == category
    ]
    counts = Counter(i.category for i in catalogue.CATALOGUE)
    return {"integrations": rows, "category_counts": dict(sorted(counts.items()))}


async def read(session: TenantSession, ref: str) -> dict[str, Any]:
    integration = _find(ref)
    repo = IntegrationRepository(session)
    row = await repo.get(integration.id)
    return _entry(integration, row, (await repo.keys_set()).get(integration.id, []))


def _validated(integration: Integration, given: dict[str, str]) -> dict[str, str]:
    expected = {k.name: k for k in integration.credential_keys}
    errors = [
        {"field": f"credentials.{k[:100]}", "message": "unknown key"}
        for k in given
        if k not in expected
    ]
    for name, key in expected.items():
        value = given.get(name)
        if value is None:
            errors.append({"field": f"credentials.{name}", "message": "required"})
        elif not value.strip():
            errors.append({"field": f"credentials.{name}", "message": "must not be empty"})
        elif not key.pattern.match(value.strip()):
            errors.append({"field": f"credentials.{name}", "message": f"must be {key.hint}"})
    if errors:
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:10])
        raise InvalidRequest(f"Invalid credentials: {detail}", errors=errors[:20])
    return {name: given[name].strip() for name in expected}


async def install(
    session: TenantSession, account: str, ref: str, credentials: dict[str, str]
) -> dict[str, Any]:
    integration = _find(ref)
    values = _validated(integration, credentials)
    ring = secrets.require_keyring()  # 503 before anything is written
    repo = IntegrationRepository(session)
    now = utcnow()
    row = await repo.get(integration.id)
    if row is None:
        row = await repo.add(
            InstalledIntegration(id=integration.id, installed_at=now, updated_at=now)
        )
    row.updated_at = now
    sealed = []
    for key, value in sorted(values.items()):
        cred_id = new_id("cred")
        ciphertext = CREDENTIAL_VALUE.encrypt(value, account=account, row_id=cred_id, ring=ring)
        sealed.append(
            IntegrationCredential(
                id=cred_id, integration_id=integration.id, key=key, value=ciphertext
            )
        )
    await repo.replace_credentials(integration.id, sealed)
    await tools_service.ensure_integration_tools(session, integration.id, list(integration.tools))
    return _entry(integration, row, sorted(values))


async def uninstall(session: TenantSession, ref: str) -> dict[str, Any]:
    integration = _find(ref)
    repo = IntegrationRepository(session)
    row = await repo.get(integration.id)
    if row is not None:
        await tools_service.remove_integration_tools(session, integration.id)
        await repo.delete(row)
    return _entry(integration, None, [])


async def credentials(session: TenantSession, account: str, ref: str) -> dict[str, str]:
    """The decrypted credentials of an installed integration, for the runtime that calls its
    tools. 404 when not installed; 503 when the keyring is missing or a value was tampered
    with or moved."""
    integration = _find(ref)
    repo = IntegrationRepository(session)
    if await repo.get(integration.id) is None:
        raise NotFound("Integration is not installed")
    ring = secrets.require_keyring()
    return {
        row.key: CREDENTIAL_VALUE.decrypt(
            row.value, account=account, row_id=row.id, ring=ring
        ).decode()
        for row in await repo.credentials(integration.id)
    }
