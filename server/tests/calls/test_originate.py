from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
from kataven_hub.core import counters as counters_mod
from kataven_hub.core import tenancy
from redis.asyncio import Redis
from sqlalchemy import text

from tests.calls.helpers import in_flight
from tests.factories.telephony import (
    add_number,
    add_provider,
    create_agent,
    make_line,
    originate,
    set_limits,
    unique_e164,
)
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer

URL = "/api/v1/calls/originate"


class TestOriginate:
    async def test_rejects_anonymous(self, client: httpx.AsyncClient) -> None:
        r = await client.post(
            URL,
            json={
                "from_number": "+12025550123",
                "to_number": "+14155550100",
                "agent_id": "agent_x",
            },
        )
        assert r.status_code == 401

    async def test_twilio_wire_format(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "twilio")
        to = unique_e164()
        r = await originate(client, line, to_number=to)
        assert r.status_code == 200, r.text
        call = r.json()
        assert call["session_id"].startswith("sess_")
        assert call["status"] == "queued"
        assert call["direction"] == "outbound"
        assert call["from_number"] == line.number["e164"]
        assert call["to_number"] == to
        assert call["agent_id"] == line.agent["id"]
        assert call["provider"] == "twilio"
        sent = carrier_server.requests("twilio", "POST")[-1]
        assert sent.path == f"/2010-04-01/Accounts/{line.credentials['account_sid']}/Calls.json"
        assert sent.auth_id == line.credentials["account_sid"]
        assert sent.data["To"] == to
        assert sent.data["From"] == line.number["e164"]
        assert sent.data["StatusCallbackEvent"] == ["initiated", "ringing", "answered", "completed"]
        assert sent.data["StatusCallbackMethod"] == "POST"
        assert sent.data["Record"] == "true"
        status = urlsplit(sent.data["StatusCallback"])
        assert status.path == "/twilio/status"
        assert parse_qs(status.query) == {"account": [tenant.slug], "session": [call["session_id"]]}
        assert urlsplit(sent.data["Url"]).path == "/twilio/voice"
        assert await in_flight(tenant.slug) == 1
        got = await client.get(f"/api/v1/calls/{call['session_id']}", headers=tenant.headers)
        assert got.status_code == 200
        assert got.json() == call

    @pytest.mark.parametrize("provider", ["plivo", "vobiz"])
    async def test_plivo_shaped_wire_format(
        self,
        client: httpx.AsyncClient,
        tenant_a: Tenant,
        carrier_server: CarrierServer,
        provider: str,
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server, provider)
        r = await originate(client, line)
        assert r.status_code == 200, r.text
        sent = carrier_server.requests(provider, "POST")[-1]
        prefix = "/api/v1" if provider == "vobiz" else "/v1"
        assert sent.path == f"{prefix}/Account/{line.credentials['auth_id']}/Call/"
        assert sent.auth_id == line.credentials["auth_id"]
        assert sent.data["from"] == line.number["e164"].lstrip("+")
        assert sent.data["answer_method"] == "POST"
        assert urlsplit(sent.data["hangup_url"]).path == f"/{provider}/status"
        assert urlsplit(sent.data["answer_url"]).path == f"/{provider}/voice"

    @pytest.mark.parametrize(
        "body",
        [
            {},
            {"from_number": "+12025550123", "to_number": "+14155550100"},
            {"from_number": "12025550123", "to_number": "+14155550100", "agent_id": "agent_x"},
            {"from_number": "+12025550123", "to_number": "call me", "agent_id": "agent_x"},
            {"from_number": "+12025550123", "to_number": "+14155550100", "agent_id": 7},
            {
                "from_number": "+12025550123",
                "to_number": "+14155550100",
                "agent_id": "a" * 1_000_000,
            },
            {"from_number": "+12025550123", "to_number": "+14155550100", "agent_id": "agent\x00"},
            ["+12025550123"],
        ],
    )
    async def test_invalid_body_is_400(
        self, client: httpx.AsyncClient, tenant_a: Tenant, body: object
    ) -> None:
        r = await client.post(URL, json=body, headers=tenant_a.headers)
        assert r.status_code == 400

    async def test_malformed_json_is_400(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.post(
            URL, content=b"{", headers={**tenant_a.headers, "Content-Type": "application/json"}
        )
        assert r.status_code == 400

    async def test_unknown_or_foreign_is_404(
        self, client: httpx.AsyncClient, new_tenant, tenant_b: Tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        other = await make_line(client, tenant_b, carrier_server)
        cases = [
            {"from_number": unique_e164()},
            {"from_number": other.number["e164"]},
            {"agent_id": "agent_01HZZZZZZZZZZZZZZZZZZZZZZZ"},
            {"agent_id": other.agent["id"]},
            {"agent_id": "not-an-id"},
        ]
        before = len(carrier_server.log)
        for override in cases:
            r = await originate(client, line, **override)
            assert r.status_code == 404, override
            which = "from_number" if "from_number" in override else "Agent"
            assert r.text.startswith(which), r.text
            assert "not" in r.text
        assert len(carrier_server.log) == before
        assert (await client.get("/api/v1/calls", headers=tenant.headers)).json()["calls"] == []

    async def test_outbound_disabled_is_403(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        line = await make_line(client, tenant_a, carrier_server)
        await client.patch(
            f"/api/v1/telephony/numbers/{line.number['id']}",
            json={"outbound_enabled": False},
            headers=tenant_a.headers,
        )
        assert (await originate(client, line)).status_code == 403
        # ownership comes first: an unknown agent on a disabled number is still a 404
        assert (
            await originate(client, line, agent_id="agent_01HZZZZZZZZZZZZZZZZZZZZZZZ")
        ).status_code == 404

    async def test_inactive_agent_is_409_before_caps(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        draft = await create_agent(client, tenant, status="draft")
        await set_limits(client, tenant, concurrent_max=0)
        r = await originate(client, line, agent_id=draft["id"])
        assert r.status_code == 409
        r = await originate(client, line)
        assert r.status_code == 429
        assert r.text == "Concurrent call limit reached"

    async def test_undecryptable_credentials_503_after_caps(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=1)
        engine = await tenancy.get().engine_for(tenant.slug)
        async with engine.begin() as conn:
            original = (
                await conn.execute(text("SELECT credentials FROM telephony_providers"))
            ).scalar_one()
            await conn.execute(
                text("UPDATE telephony_providers SET credentials = :c"),
                {"c": original[:-4] + "AAAA"},
            )
        before = len(carrier_server.log)
        r = await originate(client, line)
        assert r.status_code == 503
        assert len(carrier_server.log) == before
        assert await in_flight(tenant.slug) == 0  # the reservation was given back
        async with engine.begin() as conn:
            await conn.execute(
                text("UPDATE telephony_providers SET credentials = :c"), {"c": original}
            )
        assert (await originate(client, line)).status_code == 200
        assert (await originate(client, line)).status_code == 429  # caps beat decryption

    async def test_carrier_error_is_502_with_its_message(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=1)
        carrier_server.fail_next(
            "twilio",
            400,
            {"code": 21211, "message": "The 'To' number is not valid.", "status": 400},
        )
        r = await originate(client, line)
        assert r.status_code == 502
        assert r.text == "Carrier error: The 'To' number is not valid."
        assert line.credentials["auth_token"] not in r.text
        assert (await client.get("/api/v1/calls", headers=tenant.headers)).json()["calls"] == []
        assert (await originate(client, line)).status_code == 200  # slot was given back

    async def test_wrong_carrier_credentials_is_502(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server: CarrierServer
    ) -> None:
        prov = await add_provider(
            client, tenant_a, "twilio", {"account_sid": "AC" + "1" * 32, "auth_token": "2" * 32}
        )
        agent = await create_agent(client, tenant_a)
        number = await add_number(client, tenant_a, "twilio", prov["id"], agent_id=agent["id"])
        r = await client.post(
            URL,
            json={
                "from_number": number["e164"],
                "to_number": unique_e164(),
                "agent_id": agent["id"],
            },
            headers=tenant_a.headers,
        )
        assert r.status_code == 502
        assert "Authenticate" in r.text
        assert "2" * 32 not in r.text

    async def test_redis_down_fails_closed(
        self,
        client: httpx.AsyncClient,
        new_tenant,
        carrier_server: CarrierServer,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        dead = counters_mod.RedisCounters.__new__(counters_mod.RedisCounters)
        dead._redis = Redis.from_url(
            "redis://127.0.0.1:1/0", socket_connect_timeout=0.2, socket_timeout=0.2
        )
        dead._acquire = dead._redis.register_script(counters_mod._ACQUIRE)
        dead._release = dead._redis.register_script(counters_mod._RELEASE)
        monkeypatch.setattr(counters_mod, "_counters", dead)
        before = len(carrier_server.log)
        r = await originate(client, line)
        assert r.status_code == 503
        assert len(carrier_server.log) == before
        await dead._redis.aclose()


class TestCountersRebuild:
    async def test_flushed_counters_rebuilt_from_database(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, backend
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=3)
        assert (await originate(client, line)).status_code == 200
        assert (await originate(client, line)).status_code == 200
        await flush_counters(backend, tenant.slug)
        assert await in_flight(tenant.slug) == 0
        results = [await originate(client, line) for _ in range(3)]
        assert [r.status_code for r in results] == [200, 429, 429]
        assert await in_flight(tenant.slug) == 3


async def flush_counters(backend, account: str) -> None:
    """Lose every counter of an account: a Redis flush, or a restart of the in-process backend."""
    if backend.is_postgres:
        client = Redis.from_url(backend.env["KATAVEN_REDIS_URL"])
        prefix = backend.env["KATAVEN_REDIS_KEY_PREFIX"]
        async for key in client.scan_iter(match=f"{prefix}:{{{account}}}:*"):
            await client.delete(key)
        await client.aclose()
    else:
        counters_mod.reset()
