"""custom_fields: given to originate (or a campaign contact's CSV columns), kept on the call,
returned by the API and handed to the agent runtime with the media stream."""

from __future__ import annotations

import asyncio
import time
from xml.etree import ElementTree

import httpx
import pytest
from kataven_hub.core.settings import get_settings

from tests.calls.test_caps import _carrier_id
from tests.factories.campaigns import action, contact_numbers, created
from tests.factories.telephony import make_line, originate, set_limits
from tests.fixtures.carriers import CarrierServer

FIELDS = {"first_name": "Ada", "plan": "gold, yearly", "note": 'says "hi" & <bye>=1'}


@pytest.fixture
def stream_url(monkeypatch: pytest.MonkeyPatch) -> str:
    url = "wss://cp.example/stream"
    monkeypatch.setattr(get_settings(), "CALL_PROCESSOR_STREAM_URL", url)
    return url


def _stream_parameters(doc: bytes) -> dict[str, str]:
    stream = ElementTree.fromstring(doc).find("./Connect/Stream")
    assert stream is not None, doc
    return {p.attrib["name"]: p.attrib["value"] for p in stream.findall("Parameter")}


def _custom(doc: bytes) -> dict[str, str]:
    """The stream's parameters other than the call's own (account, agent_id, session)."""
    own = {"account", "agent_id", "session"}
    return {k: v for k, v in _stream_parameters(doc).items() if k not in own}


async def _answer(client: httpx.AsyncClient, server: CarrierServer, session_id: str) -> bytes:
    """Deliver the carrier's answer webhook for the call; returns our voice document."""
    callbacks = server.callbacks(_carrier_id(server, session_id), outcome="completed")
    voice = next(cb for cb in callbacks if cb.kind == "voice")
    r = await server.deliver(client, voice)
    assert r.status_code == 200, r.text
    return r.content


class TestOriginateCustomFields:
    async def test_kept_returned_and_streamed_twilio(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, stream_url: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "twilio")
        r = await client.post(
            "/api/v1/calls/originate",
            json={**line.originate_body(), "custom_fields": FIELDS},
            headers=tenant.headers,
        )
        assert r.status_code == 200, r.text
        assert r.json()["custom_fields"] == FIELDS
        session_id = r.json()["session_id"]
        got = await client.get(f"/api/v1/calls/{session_id}", headers=tenant.headers)
        assert got.json()["custom_fields"] == FIELDS
        doc = await _answer(client, carrier_server, session_id)
        assert _custom(doc) == FIELDS
        assert _stream_parameters(doc)["session"] == session_id

    async def test_a_field_cannot_shadow_the_calls_own_parameters(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, stream_url: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "twilio")
        r = await client.post(
            "/api/v1/calls/originate",
            json={**line.originate_body(), "custom_fields": {"session": "forged", "x": "1"}},
            headers=tenant.headers,
        )
        assert r.status_code == 200, r.text
        session_id = r.json()["session_id"]
        stream = ElementTree.fromstring(await _answer(client, carrier_server, session_id))
        names = [p.attrib["name"] for p in stream.iterfind("./Connect/Stream/Parameter")]
        assert names.count("session") == 1
        assert _stream_parameters(ElementTree.tostring(stream))["session"] == session_id
        assert "x" in names

    async def test_plivo_stream_names_the_session_not_the_fields(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, stream_url: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server, "plivo")
        r = await client.post(
            "/api/v1/calls/originate",
            json={**line.originate_body(), "custom_fields": FIELDS},
            headers=tenant.headers,
        )
        assert r.status_code == 200, r.text
        session_id = r.json()["session_id"]
        doc = await _answer(client, carrier_server, session_id)
        stream = ElementTree.fromstring(doc).find("./Stream")
        assert stream is not None, doc
        # extraHeaders takes only [A-Za-z0-9]: the runtime reads the fields from the call.
        assert "extraHeaders" not in stream.attrib
        assert f"session={session_id}" in (stream.text or "")
        got = await client.get(f"/api/v1/calls/{session_id}", headers=tenant.headers)
        assert got.json()["custom_fields"] == FIELDS

    async def test_none_given_is_empty(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, stream_url: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        r = await originate(client, line)
        assert r.status_code == 200, r.text
        assert r.json()["custom_fields"] == {}
        doc = await _answer(client, carrier_server, r.json()["session_id"])
        assert _custom(doc) == {}

    @pytest.mark.parametrize(
        "fields",
        [
            ["a"],
            "a=b",
            {"n": 1},
            {"n": None},
            {"n": {"nested": "x"}},
            {"": "empty name"},
            {"k" * 65: "long name"},
            {"n": "v" * 4097},
            {f"k{i}": "v" for i in range(51)},
            {"bad\nname": "x"},
        ],
    )
    async def test_bad_fields_are_400(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, fields: object
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        r = await client.post(
            "/api/v1/calls/originate",
            json={**line.originate_body(), "custom_fields": fields},
            headers=tenant.headers,
        )
        assert r.status_code == 400, r.text
        listed = await client.get("/api/v1/calls", headers=tenant.headers)
        assert listed.json()["calls"] == []


class TestCampaignCustomFields:
    async def test_contact_columns_reach_the_call_and_the_stream(
        self, client: httpx.AsyncClient, new_tenant, carrier_server: CarrierServer, stream_url: str
    ) -> None:
        tenant = await new_tenant()
        line = await make_line(client, tenant, carrier_server)
        await set_limits(client, tenant, concurrent_max=5)
        numbers = contact_numbers(2)
        csv = f"phone_number,first_name,plan\n{numbers[0]},Ada,gold\n{numbers[1]},Alan,basic\n"
        campaign = await created(client, line, csv=csv.encode(), max_concurrent_calls=2)
        assert (await action(client, line, campaign["id"], "start")).status_code == 200
        try:
            deadline = time.monotonic() + 60
            while True:
                r = await client.get(
                    f"/api/v1/calls?campaign_id={campaign['id']}", headers=tenant.headers
                )
                calls = r.json()["calls"]
                if len(calls) == 2 and all(c["status"] == "queued" for c in calls):
                    break
                assert time.monotonic() < deadline, calls
                await asyncio.sleep(0.1)
            by_number = {c["to_number"]: c for c in calls}
            assert by_number[numbers[0]]["custom_fields"] == {"first_name": "Ada", "plan": "gold"}
            assert by_number[numbers[1]]["custom_fields"] == {"first_name": "Alan", "plan": "basic"}
            doc = await _answer(client, carrier_server, by_number[numbers[1]]["session_id"])
            assert _custom(doc) == {"first_name": "Alan", "plan": "basic"}
        finally:
            await action(client, line, campaign["id"], "stop")
