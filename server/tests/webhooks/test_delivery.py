"""Delivery: signed with Standard Webhooks (checked by the `standardwebhooks` library), every
call and campaign transition of a sandbox campaign, retries, rollback, destination checks at
connect time, redirects, rotation."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from kataven_hub.core.settings import get_settings

from tests.factories.campaigns import action, created
from tests.factories.telephony import make_line
from tests.fixtures.app import Tenant
from tests.helpers import count_rows, tenant_session
from tests.webhooks.receiver import Receiver, wait_for

URL = "/api/v1/webhook-endpoints"


@pytest.fixture(autouse=True)
def _fast(monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "WEBHOOKS_RETRY_BASE_SECONDS", 0.1)
    monkeypatch.setattr(settings, "WEBHOOKS_POLL_SECONDS", 0.05)


async def endpoint_for(
    client: httpx.AsyncClient, tenant: Tenant, receiver: Receiver, **fields: Any
) -> dict[str, Any]:
    r = await client.post(URL, json={"url": receiver.url, **fields}, headers=tenant.headers)
    assert r.status_code == 201, r.text
    receiver.secret = r.json()["secret"]
    return r.json()


async def deliveries(
    client: httpx.AsyncClient, tenant: Tenant, endpoint_id: str
) -> list[dict[str, Any]]:
    r = await client.get(f"{URL}/{endpoint_id}/deliveries", headers=tenant.headers)
    assert r.status_code == 200, r.text
    return list(r.json()["deliveries"])


class TestPing:
    async def test_signed_ping_arrives(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver
    ) -> None:
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver, events=["call.completed"])
        r = await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)
        assert r.status_code == 202, r.text
        assert r.json()["status"] == "pending"
        await wait_for(lambda: receiver.received)
        got = receiver.received[0]
        assert got.verified, got.headers
        event = got.event
        assert event["type"] == "ping"
        assert event["account"] == tenant.slug
        assert got.headers["webhook-id"] == event["id"] == r.json()["event_id"]
        assert got.headers["webhook-signature"].startswith("v1,")

        async def delivered() -> bool:
            rows = await deliveries(client, tenant, endpoint["id"])
            return rows[0]["status"] == "delivered"

        await wait_for(delivered)
        row = (await deliveries(client, tenant, endpoint["id"]))[0]
        assert row["attempts"] == 1
        assert row["response_status"] == 200
        assert row["latency_ms"] >= 0
        assert row["next_attempt_at"] is None

    async def test_wrong_secret_fails_verification(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver
    ) -> None:
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver)
        receiver.secret = "whsec_" + "QUFBQUFBQUFBQUFBQUFBQUFBQUFBQUFB"
        await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)
        await wait_for(lambda: receiver.received)
        assert not receiver.received[0].verified


class TestRotateSecret:
    async def test_both_secrets_sign_during_overlap(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver
    ) -> None:
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver)
        old = endpoint["secret"]
        r = await client.post(f"{URL}/{endpoint['id']}/rotate-secret", headers=tenant.headers)
        assert r.status_code == 200, r.text
        new = r.json()["secret"]
        assert new.startswith("whsec_")
        assert new != old
        await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)
        await wait_for(lambda: receiver.received)
        from standardwebhooks.webhooks import Webhook

        got = receiver.received[0]
        assert len(got.headers["webhook-signature"].split(" ")) == 2
        Webhook(new).verify(got.body, got.headers)
        Webhook(old).verify(got.body, got.headers)

    async def test_old_secret_stops_after_overlap(
        self,
        client: httpx.AsyncClient,
        new_tenant: Any,
        receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        monkeypatch.setattr(get_settings(), "WEBHOOKS_ROTATED_SECRET_SECONDS", 0.0)
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver)
        r = await client.post(f"{URL}/{endpoint['id']}/rotate-secret", headers=tenant.headers)
        receiver.secret = endpoint["secret"]  # the old one
        await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)
        await wait_for(lambda: receiver.received)
        assert not receiver.received[0].verified
        assert len(receiver.received[0].headers["webhook-signature"].split(" ")) == 1
        from standardwebhooks.webhooks import Webhook

        Webhook(r.json()["secret"]).verify(receiver.received[0].body, receiver.received[0].headers)


class TestRetries:
    async def test_fourth_attempt_delivers(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver
    ) -> None:
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver)
        receiver.script = [500, 500, 500]
        await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)

        async def delivered() -> bool:
            rows = await deliveries(client, tenant, endpoint["id"])
            return rows[0]["status"] == "delivered"

        await wait_for(delivered, timeout=30)
        assert len(receiver.received) == 4
        assert len({r.headers["webhook-id"] for r in receiver.received}) == 1
        assert all(r.verified for r in receiver.received)
        row = (await deliveries(client, tenant, endpoint["id"]))[0]
        assert row["attempts"] == 4
        assert row["response_status"] == 200
        assert row["error"] is None

    async def test_failure_recorded_with_next_retry(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        monkeypatch.setattr(get_settings(), "WEBHOOKS_RETRY_BASE_SECONDS", 600.0)
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver)
        receiver.script = [503]
        await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)

        async def failed_once() -> bool:
            rows = await deliveries(client, tenant, endpoint["id"])
            return rows[0]["response_status"] == 503

        await wait_for(failed_once)
        row = (await deliveries(client, tenant, endpoint["id"]))[0]
        assert row["status"] == "pending"
        assert row["error"] == "HTTP 503"
        assert row["next_attempt_at"] is not None
        # A manual retry sends it now, with the same event id.
        r = await client.post(
            f"{URL}/{endpoint['id']}/deliveries/{row['id']}/retry", headers=tenant.headers
        )
        assert r.status_code == 202, r.text
        await wait_for(lambda: len(receiver.received) == 2)
        assert (
            receiver.received[0].headers["webhook-id"] == receiver.received[1].headers["webhook-id"]
        )

    async def test_given_up_after_window(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        monkeypatch.setattr(get_settings(), "WEBHOOKS_RETRY_WINDOW_SECONDS", 0.0)
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver)
        receiver.default_status = 500
        await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)

        async def failed() -> bool:
            rows = await deliveries(client, tenant, endpoint["id"])
            return rows[0]["status"] == "failed"

        await wait_for(failed)
        assert len(receiver.received) == 1

    async def test_endpoint_disabled_after_failing_long_enough(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        monkeypatch.setattr(get_settings(), "WEBHOOKS_DISABLE_AFTER_SECONDS", 0.3)
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver)
        receiver.default_status = 500
        await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)

        async def disabled() -> bool:
            r = await client.get(f"{URL}/{endpoint['id']}", headers=tenant.headers)
            return bool(r.json()["disabled"])

        await wait_for(disabled)
        got = (await client.get(f"{URL}/{endpoint['id']}", headers=tenant.headers)).json()
        assert "Disabled automatically" in got["disabled_reason"]
        assert "HTTP 500" in got["disabled_reason"]
        # Enabling by hand clears the reason.
        r = await client.patch(
            f"{URL}/{endpoint['id']}", json={"disabled": False}, headers=tenant.headers
        )
        assert r.json()["disabled_reason"] is None


class TestOutbox:
    async def test_rolled_back_change_sends_nothing(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver
    ) -> None:
        from kataven_hub.webhooks import outbox

        tenant = await new_tenant()
        await endpoint_for(client, tenant, receiver)
        async with tenant_session(tenant.slug) as session:
            event_id = await outbox.emit(session, tenant.slug, "call.completed", {"x": 1})
            assert event_id is not None
            await session.rollback()
        async with tenant_session(tenant.slug) as session:
            committed = await outbox.emit(session, tenant.slug, "call.ringing", {"x": 2})
            from kataven_hub.core.sessions import commit

            await commit(session)
        await wait_for(lambda: receiver.received)
        await asyncio.sleep(0.5)
        assert [r.event["id"] for r in receiver.received] == [committed]
        assert await count_rows(tenant.slug, "webhook_deliveries") == 1

    async def test_refused_originate_emits_nothing(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver, carrier_server: Any
    ) -> None:
        tenant = await new_tenant()
        await endpoint_for(client, tenant, receiver)
        line = await make_line(client, tenant, carrier_server, "twilio")
        carrier_server.fail_next("twilio", 400, {"message": "The number is unverified"})
        r = await client.post(
            "/api/v1/calls/originate", json=line.originate_body(), headers=tenant.headers
        )
        assert r.status_code == 502
        await asyncio.sleep(0.5)
        assert receiver.received == []
        assert await count_rows(tenant.slug, "webhook_deliveries") == 0

    async def test_filter_respected(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver
    ) -> None:
        from kataven_hub.core.sessions import commit
        from kataven_hub.webhooks import outbox

        tenant = await new_tenant()
        await endpoint_for(client, tenant, receiver, events=["call.completed"])
        async with tenant_session(tenant.slug) as session:
            await outbox.emit(session, tenant.slug, "call.ringing", {})
            wanted = await outbox.emit(session, tenant.slug, "call.completed", {})
            await commit(session)
        await wait_for(lambda: receiver.received)
        await asyncio.sleep(0.3)
        assert [r.event["id"] for r in receiver.received] == [wanted]


class TestConnectTimeChecks:
    async def test_destination_refused_at_delivery(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        tenant = await new_tenant()
        endpoint = await endpoint_for(client, tenant, receiver)
        # The operator turns private destinations off after the endpoint was saved.
        monkeypatch.setattr(get_settings(), "WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS", False)
        await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)

        async def refused() -> bool:
            rows = await deliveries(client, tenant, endpoint["id"])
            return bool(rows[0]["error"])

        await wait_for(refused)
        row = (await deliveries(client, tenant, endpoint["id"]))[0]
        assert "Destination refused" in row["error"]
        assert row["response_status"] is None
        assert receiver.received == []

    async def test_dns_change_to_loopback_refused(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        """A name that resolved to a public address when saved and to loopback at delivery
        (DNS rebinding) gets nothing."""
        import ipaddress

        from kataven_hub.webhooks import ssrf

        answers = {"now": "93.184.216.34"}

        async def resolve(host: str, port: int) -> list[Any]:
            if host == "hooks.rebind.test":
                return [ipaddress.ip_address(answers["now"])]
            return [ipaddress.ip_address(host)]

        monkeypatch.setattr(ssrf, "resolve", resolve)
        monkeypatch.setattr(get_settings(), "WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS", False)
        tenant = await new_tenant()
        url = f"http://hooks.rebind.test:{receiver.port}/hooks"
        r = await client.post(URL, json={"url": url}, headers=tenant.headers)
        assert r.status_code == 201, r.text
        answers["now"] = "127.0.0.1"
        await client.post(f"{URL}/{r.json()['id']}/test", headers=tenant.headers)

        async def refused() -> bool:
            rows = await deliveries(client, tenant, r.json()["id"])
            return bool(rows[0]["error"])

        await wait_for(refused)
        row = (await deliveries(client, tenant, r.json()["id"]))[0]
        assert "127.0.0.1" in row["error"]
        assert receiver.received == []

    async def test_redirect_not_followed(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver
    ) -> None:
        target = Receiver()
        await target.start()
        try:
            tenant = await new_tenant()
            endpoint = await endpoint_for(client, tenant, receiver)
            receiver.redirect_to = target.url
            await client.post(f"{URL}/{endpoint['id']}/test", headers=tenant.headers)

            async def answered() -> bool:
                rows = await deliveries(client, tenant, endpoint["id"])
                return rows[0]["response_status"] == 302

            await wait_for(answered)
            row = (await deliveries(client, tenant, endpoint["id"]))[0]
            assert row["status"] == "pending"
            assert "redirects are not followed" in row["error"]
            await asyncio.sleep(0.3)
            assert target.received == []
        finally:
            await target.stop()


class TestSandboxCampaign:
    async def test_every_transition_arrives(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        settings = get_settings()
        monkeypatch.setattr(settings, "SANDBOX_RING_SECONDS", 0.05)
        monkeypatch.setattr(settings, "SANDBOX_TALK_SECONDS", (0.1, 0.2))
        monkeypatch.setattr(settings, "CALL_RECORDING_ENABLED", False)
        monkeypatch.setattr(settings, "SANDBOX_OUTCOME_WEIGHTS", {"completed": 1.0, "busy": 1.0})
        tenant = await new_tenant()
        await endpoint_for(client, tenant, receiver)
        line = await make_line(client, tenant, None, "sandbox")
        campaign = await created(client, line, contacts=4, max_concurrent_calls=2)
        r = await action(client, line, campaign["id"], "start")
        assert r.status_code == 200, r.text

        def types() -> list[str]:
            return [e["type"] for e in receiver.verified_events()]

        await wait_for(lambda: "campaign.completed" in types(), timeout=60)
        await asyncio.sleep(0.5)
        events = receiver.verified_events()
        assert len(events) == len(receiver.received)  # every one signed correctly
        assert len({e["id"] for e in events}) == len(events)
        kinds = types()
        assert kinds.count("campaign.started") == 1
        assert kinds.count("campaign.contact_finished") == 4
        calls: dict[str, list[str]] = {}
        for e in events:
            if e["type"].startswith("call."):
                calls.setdefault(e["data"]["session_id"], []).append(e["type"])
                assert e["data"]["campaign_id"] == campaign["id"]
        assert len(calls) == 4
        listed = await client.get(
            "/api/v1/calls", params={"campaign_id": campaign["id"]}, headers=tenant.headers
        )
        for call in listed.json()["calls"]:
            seen = set(calls[call["session_id"]])
            assert {"call.queued", "call.ringing"} <= seen
            if call["status"] == "completed":
                assert {"call.in_progress", "call.completed"} <= seen
            else:
                assert "call.failed" in seen
                final = [
                    e for e in events
                    if e["type"] == "call.failed" and e["data"]["session_id"] == call["session_id"]
                ]  # fmt: skip
                assert final[0]["data"]["outcome"] == call["status"]

    async def test_pause_and_resume_arrive(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:  # fmt: skip
        monkeypatch.setattr(get_settings(), "SANDBOX_RING_SECONDS", 5.0)
        tenant = await new_tenant()
        await endpoint_for(client, tenant, receiver, events=["campaign.paused", "campaign.resumed"])
        line = await make_line(client, tenant, None, "sandbox")
        campaign = await created(client, line, contacts=2)
        await action(client, line, campaign["id"], "start")
        assert (await action(client, line, campaign["id"], "pause")).status_code == 200
        assert (await action(client, line, campaign["id"], "resume")).status_code == 200
        await wait_for(lambda: len(receiver.received) >= 2)
        kinds = sorted(e["type"] for e in receiver.verified_events())
        assert kinds == ["campaign.paused", "campaign.resumed"]
        await action(client, line, campaign["id"], "stop")


class TestLeases:
    async def test_concurrent_workers_send_each_attempt_once(
        self, client: httpx.AsyncClient, new_tenant: Any, receiver: Receiver
    ) -> None:
        """Two more workers race the app's own for the same deliveries: each event is sent
        exactly once (the receiver answers 200 at once, so nothing is retried)."""
        from collections import Counter

        from kataven_hub.core.sessions import commit
        from kataven_hub.webhooks import outbox
        from kataven_hub.webhooks.worker import DeliveryWorker, new_client

        tenant = await new_tenant()
        await endpoint_for(client, tenant, receiver)
        async with tenant_session(tenant.slug) as session:
            items = [("call.completed", {"n": i}) for i in range(40)]
            ids = await outbox.emit_many(session, tenant.slug, items)
            await commit(session)
        async with new_client() as http:
            workers = [DeliveryWorker(owner=f"racer-{i}", client=http) for i in range(2)]
            for _ in range(50):
                await asyncio.gather(*(w.serve(tenant.slug) for w in workers))
                if len(receiver.received) >= len(ids):
                    break
        await wait_for(lambda: len(receiver.received) >= len(ids))
        await asyncio.sleep(0.5)
        counts = Counter(r.headers["webhook-id"] for r in receiver.received)
        assert set(counts) == set(ids)
        assert set(counts.values()) == {1}
