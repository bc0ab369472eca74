from __future__ import annotations

import asyncio
import json
import sys
import uuid

import httpx
import pytest
from kataven_hub.accounts import service as accounts_service
from kataven_hub.core import tenancy
from kataven_hub.core.db import ControlSession, new_session

from tests.fixtures.app import Tenant
from tests.fixtures.processes import clean_environ

URL = "/api/v1/call-limits"
DEFAULTS = {
    "concurrent_max": 10,
    "calls_per_minute": 30,
    "daily_calls_max": 1000,
    "daily_minutes_max": 600,
}


class TestGetCallLimits:
    async def test_defaults(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        for headers in (tenant.headers, tenant.jwt_headers):
            r = await client.get(URL, headers=headers)
            assert r.status_code == 200
            assert r.json() == DEFAULTS

    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        assert (await client.get(URL)).status_code == 401

    async def test_jwt_needs_account_header(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get(URL, headers={"Authorization": tenant_a.jwt_headers["Authorization"]})
        assert r.status_code == 400

    async def test_served_on_every_mount(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        for prefix in ("/hub-api/api/v1", "/v1"):
            assert (
                await client.get(f"{prefix}/call-limits", headers=tenant_a.headers)
            ).status_code == 200


class TestUpdateCallLimits:
    async def test_admin_changes_only_given_fields(
        self, client: httpx.AsyncClient, new_tenant, tenant_b: Tenant
    ) -> None:
        tenant = await new_tenant()
        r = await client.patch(
            URL, json={"concurrent_max": 3, "daily_minutes_max": 0}, headers=tenant.jwt_headers
        )
        assert r.status_code == 200
        assert r.json() == {**DEFAULTS, "concurrent_max": 3, "daily_minutes_max": 0}
        assert (await client.get(URL, headers=tenant.headers)).json()["concurrent_max"] == 3
        assert (await client.get(URL, headers=tenant_b.headers)).json()["concurrent_max"] != 3

    async def test_api_key_is_403(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        r = await client.patch(URL, json={"concurrent_max": 99}, headers=tenant.headers)
        assert r.status_code == 403
        assert r.text.startswith("Requires Hub UI auth: ")
        assert (await client.get(URL, headers=tenant.headers)).json() == DEFAULTS

    async def test_member_is_403(self, client: httpx.AsyncClient, new_tenant) -> None:
        tenant = await new_tenant()
        email, password = f"member-{uuid.uuid4().hex[:6]}@x.test", uuid.uuid4().hex
        async with new_session(tenancy.get().control_engine) as session:
            await accounts_service.add_user(
                ControlSession(session),
                email,
                password=password,
                account=tenant.slug,
                role="member",
            )
            await session.commit()
        token = (
            await client.post("/api/login", json={"email": email, "password": password})
        ).json()["token"]
        headers = {"Authorization": f"Bearer {token}", "X-Account-ID": tenant.slug}
        assert (await client.get(URL, headers=headers)).status_code == 200
        assert (
            await client.patch(URL, json={"concurrent_max": 99}, headers=headers)
        ).status_code == 403

    @pytest.mark.parametrize(
        "body",
        [
            {"concurrent_max": -1},
            {"concurrent_max": "5"},
            {"concurrent_max": 10**9},
            {"daily_calls_max": None},
            {"calls_per_minute": 1.5},
            [1],
        ],
    )
    async def test_invalid_is_400(
        self, client: httpx.AsyncClient, new_tenant, body: object
    ) -> None:
        tenant = await new_tenant()
        r = await client.patch(URL, json=body, headers=tenant.jwt_headers)
        assert r.status_code == 400
        assert (await client.get(URL, headers=tenant.headers)).json() == DEFAULTS


class TestLimitsCommand:
    async def _run(self, backend, *args: str) -> tuple[int, str, str]:
        env = {**clean_environ(), **backend.env}
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "kataven_hub.admin.cli",
            *args,
            env=env,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await proc.communicate()
        return proc.returncode or 0, out.decode(), err.decode()

    async def test_sets_limits(self, client: httpx.AsyncClient, new_tenant, backend) -> None:
        tenant = await new_tenant()
        code, out, err = await self._run(
            backend,
            "limits",
            "set",
            "--account",
            tenant.slug,
            "--concurrent-max",
            "4",
            "--calls-per-minute",
            "8",
            "--daily-calls-max",
            "50",
            "--daily-minutes-max",
            "60",
            "--json",
        )
        assert code == 0, err
        expected = {
            "concurrent_max": 4,
            "calls_per_minute": 8,
            "daily_calls_max": 50,
            "daily_minutes_max": 60,
        }
        assert json.loads(out) == {"account": tenant.slug, **expected}
        assert (await client.get(URL, headers=tenant.headers)).json() == expected

    async def test_unknown_account_and_bad_values_fail(self, backend) -> None:
        code, _, err = await self._run(
            backend, "limits", "set", "--account", "no-such-acct", "--concurrent-max", "1"
        )
        assert code == 1
        assert "not found" in err
        code, _, err = await self._run(
            backend, "limits", "set", "--account", "x", "--concurrent-max", "-3"
        )
        assert code == 1
        assert "invalid limits" in err
