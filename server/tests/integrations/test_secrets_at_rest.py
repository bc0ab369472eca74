"""Integration credentials at rest: never stored or logged in plaintext, 503 without a keyring,
fail closed when tampered with or moved, and survive key rotation (in-process and through the
`kataven-hub secrets` command)."""

from __future__ import annotations

import asyncio
import base64
import json
import logging
import sys
import uuid
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from kataven_hub.admin import secrets as secret_ops
from kataven_hub.core import secrets, tenancy
from kataven_hub.core.db import ControlSession, new_session
from kataven_hub.core.errors import InvalidRequest
from kataven_hub.core.settings import get_settings
from kataven_hub.integrations import service as integrations_service
from pydantic import SecretStr

from tests.fixtures.app import Tenant
from tests.fixtures.backends import Backend
from tests.fixtures.processes import clean_environ
from tests.helpers import JSON, count_rows, dump_database, tenant_engine, tenant_session


def known_secrets() -> dict[str, dict[str, str]]:
    tag = uuid.uuid4().hex
    return {
        "stripe": {"secret_key": f"sk_test_Plain{tag}"},
        "shopify": {
            "shop_domain": f"plain-{tag[:12]}.myshopify.com",
            "access_token": f"shpat_{tag}",
        },
        "slack": {"bot_token": f"xoxb-4242-{tag}"},
    }


async def install_all(
    client: httpx.AsyncClient, tenant: Tenant, creds: dict[str, dict[str, str]]
) -> None:
    for name, values in creds.items():
        r = await client.post(
            f"/api/v1/integrations/{name}/install",
            json={"credentials": values},
            headers=tenant.headers,
        )
        assert r.status_code == 200, r.text
        for value in values.values():
            assert value not in r.text


async def stored_values(slug: str) -> dict[str, str]:
    """key → ciphertext, straight from the database."""
    engine = await tenant_engine(slug)
    async with engine.connect() as conn:
        rows = await conn.execute(sa.text("SELECT key, value FROM integration_credentials"))
        return {k: v for k, v in rows}


async def set_stored(slug: str, key: str, value: str) -> None:
    engine = await tenant_engine(slug)
    async with engine.begin() as conn:
        await conn.execute(
            sa.text("UPDATE integration_credentials SET value = :v WHERE key = :k"),
            {"v": value, "k": key},
        )


async def decrypted(slug: str, integration: str) -> dict[str, str]:
    async with tenant_session(slug) as session:
        return await integrations_service.credentials(session, slug, integration)


class TestNoPlaintext:
    async def test_database_and_logs_hold_no_plaintext(
        self, client: httpx.AsyncClient, new_tenant, caplog: pytest.LogCaptureFixture
    ) -> None:
        tenant = await new_tenant()
        creds = known_secrets()
        caplog.set_level(logging.DEBUG)
        await install_all(client, tenant, creds)
        await install_all(client, tenant, creds)  # re-install replaces
        listing = await client.get("/api/v1/integrations", headers=tenant.headers)
        plaintexts = [v for values in creds.values() for v in values.values()]
        assert not [p for p in plaintexts if p in listing.text]

        dump = await dump_database(tenant.slug)
        assert len(dump["integration_credentials"]) == 4
        haystack = repr(dump)
        for plaintext in plaintexts:
            assert plaintext not in haystack
        async with tenancy.get().control_engine.connect() as conn:
            names = await conn.run_sync(lambda c: sa.inspect(c).get_table_names())
            for name in names:
                rows = await conn.execute(sa.select(sa.text("*")).select_from(sa.table(name)))
                assert not [p for p in plaintexts if p in repr(rows.all())]
        logs = caplog.text + repr([r.__dict__ for r in caplog.records])
        assert caplog.records  # the capture worked (access log lines at least)
        for plaintext in plaintexts:
            assert plaintext not in logs
        for name, values in creds.items():
            assert await decrypted(tenant.slug, name) == values
        assert all(v.startswith("v1.") for v in (await stored_values(tenant.slug)).values())


class TestNoKeyring:
    @pytest.mark.parametrize("problem", ["missing", "corrupt", "short_key", "env"])
    async def test_install_is_503_and_stores_nothing(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
        problem: str,
    ) -> None:
        tenant = await new_tenant()
        settings = get_settings()
        path = tmp_path / "keyring.json"
        if problem == "corrupt":
            path.write_text("{ nope")
        elif problem == "short_key":
            path.write_text(json.dumps({"active": 1, "keys": {"1": "c2hvcnQ="}}))
        if problem == "env":
            monkeypatch.setattr(settings, "SECRETS_KEYRING", SecretStr("1:%%%"))
        else:
            monkeypatch.setattr(settings, "SECRETS_KEYRING_FILE", path)
        r = await client.post(
            "/api/v1/integrations/stripe/install",
            json={"credentials": {"secret_key": "sk_test_NoKeyring000000"}},
            headers=tenant.headers,
        )
        assert r.status_code == 503
        assert r.text == "Encryption service unavailable"
        r = await client.post(
            "/api/v1/integrations/slack/install",
            json={"credentials": {"bot_token": "xoxb-1-NoKeyring000"}},
            headers={**tenant.headers, **JSON},
        )
        assert r.status_code == 503
        assert r.json()["code"] == "encryption_unavailable"
        for table in ("integrations", "integration_credentials"):
            assert await count_rows(tenant.slug, table) == 0
        tools = (await client.get("/api/v1/tools?search=stripe_", headers=tenant.headers)).json()
        assert tools["total"] == 0
        listing = await client.get("/api/v1/integrations", headers=tenant.headers)
        assert listing.status_code == 200  # reads need no keyring
        assert not any(i["installed"] for i in listing.json()["integrations"])
        async with tenant_session(tenant.slug) as session:
            with pytest.raises(integrations_service.NotFound):
                await integrations_service.credentials(session, tenant.slug, "stripe")
        monkeypatch.undo()
        r = await client.post(
            "/api/v1/integrations/stripe/install",
            json={"credentials": {"secret_key": "sk_test_NoKeyring000000"}},
            headers=tenant.headers,
        )
        assert r.status_code == 200


class TestFailsClosed:
    @pytest.mark.parametrize(
        "attack", ["flip", "other_row", "other_account", "unknown_key", "garbage"]
    )
    async def test_tampered_or_moved_ciphertext_is_503(
        self, client: httpx.AsyncClient, new_tenant, tenant_b: Tenant, attack: str
    ) -> None:
        tenant = await new_tenant()
        creds = known_secrets()
        await install_all(client, tenant, {"shopify": creds["shopify"]})
        stored = await stored_values(tenant.slug)
        token = stored["access_token"]
        if attack == "flip":
            i = len(token) - 5
            forged = token[:i] + ("A" if token[i] != "A" else "B") + token[i + 1 :]
        elif attack == "other_row":
            forged = stored["shop_domain"]
        elif attack == "other_account":
            other = {"shopify": {**creds["shopify"], "access_token": "shpat_" + "e" * 32}}
            await install_all(client, tenant_b, other)
            forged = (await stored_values(tenant_b.slug))["access_token"]
        elif attack == "unknown_key":
            forged = "v1.999." + token.split(".", 2)[2]
        else:
            forged = "not a ciphertext"
        await set_stored(tenant.slug, "access_token", forged)
        async with tenant_session(tenant.slug) as session:
            with pytest.raises(secrets.SecretUndecryptable) as caught:
                await integrations_service.credentials(session, tenant.slug, "shopify")
        assert caught.value.status_code == 503
        # Re-installing replaces the bad row; the integration works again.
        await install_all(client, tenant, {"shopify": creds["shopify"]})
        assert await decrypted(tenant.slug, "shopify") == creds["shopify"]


async def control() -> ControlSession:
    return ControlSession(new_session(tenancy.get().control_engine))


class TestRotation:
    async def test_rotate_reencrypt_remove(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        creds = known_secrets()
        await install_all(client, tenant, {"stripe": creds["stripe"]})
        old = secrets.load_keyring()
        assert old is not None
        k1 = old.active
        assert (await stored_values(tenant.slug))["secret_key"].startswith(f"v1.{k1}.")

        secrets.save_keyring(old.with_new_key())  # rotate: key 2 encrypts, key 1 still decrypts
        k2 = secrets.keyring().active
        assert k2 == max(old.keys) + 1
        assert await decrypted(tenant.slug, "stripe") == creds["stripe"]
        await install_all(client, tenant, {"slack": creds["slack"]})
        assert (await stored_values(tenant.slug))["bot_token"].startswith(f"v1.{k2}.")

        async with await control() as session:
            status = await secret_ops.status(session)
        assert status.active_key == k2
        assert status.by_key[str(k1)] >= 1
        assert status.by_key[str(k2)] >= 1
        async with await control() as session:
            report = await secret_ops.reencrypt(session)
        assert report.undecryptable == 0
        assert report.reencrypted >= 1
        assert set(report.by_key) == {str(k2)}
        assert all(v.startswith(f"v1.{k2}.") for v in (await stored_values(tenant.slug)).values())

        async with await control() as session:
            report = await secret_ops.remove_key(session, k1)
        assert k1 not in secrets.keyring().keys
        assert report.keys == sorted(secrets.keyring().keys)
        assert await decrypted(tenant.slug, "stripe") == creds["stripe"]
        assert await decrypted(tenant.slug, "slack") == creds["slack"]

    async def test_remove_key_refuses_what_would_lose_data(
        self, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant = await new_tenant()
        creds = known_secrets()
        await install_all(client, tenant, {"slack": creds["slack"]})
        ring = secrets.load_keyring()
        assert ring is not None
        async with await control() as session:
            with pytest.raises(InvalidRequest, match="active key"):
                await secret_ops.remove_key(session, ring.active)
            with pytest.raises(InvalidRequest, match="not in the keyring"):
                await secret_ops.remove_key(session, 999)
        old = ring.active
        stored = (await stored_values(tenant.slug))["bot_token"]
        await set_stored(
            tenant.slug, "bot_token", stored[:-3] + ("AAA" if stored[-3:] != "AAA" else "BBB")
        )
        secrets.save_keyring(ring.with_new_key())
        async with await control() as session:
            with pytest.raises(InvalidRequest, match="still use key"):
                await secret_ops.remove_key(session, old)
        assert old in secrets.keyring().keys  # nothing removed
        r = await client.post("/api/v1/integrations/slack/uninstall", headers=tenant.headers)
        assert r.status_code == 200
        async with await control() as session:
            await secret_ops.remove_key(session, old)
        assert old not in secrets.keyring().keys


async def run_cli(
    backend: Backend, *args: str, env: dict[str, str] | None = None
) -> tuple[int, dict]:
    exe = Path(sys.executable).parent / "kataven-hub"
    proc = await asyncio.create_subprocess_exec(
        str(exe),
        "secrets",
        *args,
        "--json",
        env={**clean_environ(), **backend.env, **(env or {})},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await proc.communicate()
    lines = (out or err).decode().strip().splitlines()
    try:
        return proc.returncode or 0, json.loads(lines[-1])
    except (IndexError, ValueError):
        raise AssertionError(
            f"kataven-hub secrets {args}: {out.decode()}\n{err.decode()[-3000:]}"
        ) from None


class TestSecretsCommand:
    async def test_rotate_and_remove_key(
        self, client: httpx.AsyncClient, backend: Backend, new_tenant
    ) -> None:
        tenant = await new_tenant()
        creds = known_secrets()
        await install_all(client, tenant, {"shopify": creds["shopify"]})
        before = secrets.keyring()
        assert before is not None

        code, rotated = await run_cli(backend, "rotate")
        assert code == 0, rotated
        assert rotated["active_key"] == max(before.keys) + 1
        assert rotated["undecryptable"] == 0
        assert set(rotated["by_key"]) == {str(rotated["active_key"])}
        assert secrets.keyring().active == rotated["active_key"]  # the API sees the new key at once
        assert await decrypted(tenant.slug, "shopify") == creds["shopify"]

        code, removed = await run_cli(backend, "remove-key", str(before.active))
        assert code == 0, removed
        assert before.active not in secrets.keyring().keys
        assert await decrypted(tenant.slug, "shopify") == creds["shopify"]

    async def test_rotate_refuses_an_environment_keyring(self, backend: Backend) -> None:
        ring = secrets.Keyring({}, 0).with_new_key()
        env = {"KATAVEN_SECRETS_KEYRING": f"1:{base64.b64encode(ring.keys[1]).decode()}"}
        code, result = await run_cli(backend, "rotate", env=env)
        assert code == 1
        assert result["error"] == "keyring_not_writable"
