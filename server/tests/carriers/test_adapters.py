"""The carrier adapters over real HTTP against the local carrier server."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import httpx
import pytest
from kataven_hub.carriers.base import CallbackUrls, CarrierError
from kataven_hub.carriers.http import new_client
from kataven_hub.carriers.plivo import PlivoCarrier
from kataven_hub.carriers.twilio import TwilioCarrier
from kataven_hub.carriers.vobiz import VobizCarrier

from tests.fixtures.carriers import CarrierServer, local_adapters

URLS = CallbackUrls(
    "http://hub.test/x/status?account=a&session=s", "http://hub.test/x/voice?account=a&session=s"
)


def _built(
    carrier_cls: type[PlivoCarrier], server: CarrierServer, http: httpx.AsyncClient
) -> PlivoCarrier:
    """The adapter of this class pointed at the local carrier server (Vobiz under /api)."""
    adapter = next(a for a in local_adapters(server.base_url, http) if type(a) is carrier_cls)
    assert isinstance(adapter, PlivoCarrier)
    return adapter


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """The HTTP client the adapters under test are built with."""
    async with new_client(10.0) as client:
        yield client


class TestTwilioAdapter:
    async def test_call_lifecycle(
        self, carrier_server: CarrierServer, http: httpx.AsyncClient
    ) -> None:
        twilio = TwilioCarrier(carrier_server.base_url, http)
        creds = carrier_server.new_twilio_account()
        placed = await twilio.place_call(
            creds, from_number="+12025550123", to_number="+14155550100", urls=URLS, record=True
        )
        assert placed.carrier_call_id.startswith("CA")
        assert placed.status == "queued"
        assert (await twilio.fetch_call(creds, placed.carrier_call_id)).status == "queued"
        assert await twilio.fetch_recording(creds, placed.carrier_call_id) is None
        carrier_server.callbacks(placed.carrier_call_id, "completed", duration=12)
        fetched = await twilio.fetch_call(creds, placed.carrier_call_id)
        assert fetched.status == "completed"
        assert fetched.duration_seconds == 12
        recording = await twilio.fetch_recording(creds, placed.carrier_call_id)
        assert recording is not None
        assert recording.content[:4] == b"RIFF"
        assert recording.content_type == "audio/wav"

    async def test_hang_up(self, carrier_server: CarrierServer, http: httpx.AsyncClient) -> None:
        twilio = TwilioCarrier(carrier_server.base_url, http)
        creds = carrier_server.new_twilio_account()
        placed = await twilio.place_call(
            creds, from_number="+12025550123", to_number="+14155550100", urls=URLS, record=False
        )
        await twilio.hang_up(creds, placed.carrier_call_id)
        sent = carrier_server.requests("twilio", "POST")[-1]
        assert sent.path.endswith(f"/Calls/{placed.carrier_call_id}.json")
        assert sent.data == {"Status": "completed"}
        assert (await twilio.fetch_call(creds, placed.carrier_call_id)).status == "completed"

    async def test_errors_carry_the_carrier_message_only(
        self, carrier_server: CarrierServer, http: httpx.AsyncClient
    ) -> None:
        twilio = TwilioCarrier(carrier_server.base_url, http)
        creds = carrier_server.new_twilio_account()
        with pytest.raises(CarrierError) as info:
            await twilio.fetch_call(creds, "CA" + "0" * 32)
        assert info.value.message == "Carrier error: Not found"
        bad = {**creds, "auth_token": "f" * 32}
        with pytest.raises(CarrierError) as info:
            await twilio.place_call(
                bad, from_number="+1202", to_number="+1415", urls=URLS, record=False
            )
        assert "Authenticate" in info.value.message
        assert "f" * 32 not in info.value.message

    async def test_timeout_and_unreachable(self) -> None:
        async def silent(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await asyncio.sleep(5)
            writer.close()

        server = await asyncio.start_server(silent, "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        creds = {"account_sid": "AC" + "1" * 32, "auth_token": "2" * 32}
        async with new_client(0.3) as impatient:
            with pytest.raises(CarrierError, match="did not answer in time"):
                await TwilioCarrier(f"http://127.0.0.1:{port}", impatient).fetch_call(
                    creds, "CA" + "1" * 32
                )
            server.close()
            await server.wait_closed()
            with pytest.raises(CarrierError, match="unreachable"):
                await TwilioCarrier("http://127.0.0.1:1", impatient).fetch_call(
                    creds, "CA" + "1" * 32
                )


@pytest.mark.parametrize("carrier_cls", [PlivoCarrier, VobizCarrier])
class TestPlivoShapedAdapters:
    async def test_call_lifecycle(
        self,
        carrier_server: CarrierServer,
        http: httpx.AsyncClient,
        carrier_cls: type[PlivoCarrier],
    ) -> None:
        carrier = _built(carrier_cls, carrier_server, http)
        creds = carrier_server.new_plivo_account(carrier.provider)
        placed = await carrier.place_call(
            creds, from_number="+12025550123", to_number="+14155550100", urls=URLS, record=True
        )
        sent = carrier_server.requests(carrier.provider, "POST")[-1]
        assert sent.data["to"] == "14155550100"
        assert sent.data["hangup_url"] == URLS.status_url
        assert sent.data["ring_url"] == URLS.status_url
        assert sent.data["answer_url"] == URLS.answer_url
        leg = carrier_server.calls[placed.carrier_call_id].leg_id
        carrier_server.callbacks(placed.carrier_call_id, "ringing")
        assert (await carrier.fetch_call(creds, leg)).status == "ringing"
        carrier_server.callbacks(placed.carrier_call_id, "completed", duration=9)
        done = await carrier.fetch_call(creds, leg)
        assert done.status == "completed"
        assert done.duration_seconds == 9
        recording = await carrier.fetch_recording(creds, leg)
        assert recording is not None
        assert recording.content[:4] == b"RIFF"
        assert recording.duration_seconds == 2
        assert await carrier.fetch_recording(creds, "nope") is None

    async def test_hang_up_request_then_leg(
        self,
        carrier_server: CarrierServer,
        http: httpx.AsyncClient,
        carrier_cls: type[PlivoCarrier],
    ) -> None:
        carrier = _built(carrier_cls, carrier_server, http)
        creds = carrier_server.new_plivo_account(carrier.provider)
        placed = await carrier.place_call(
            creds, from_number="+12025550123", to_number="+14155550100", urls=URLS, record=False
        )
        await carrier.hang_up(creds, placed.carrier_call_id)  # no leg yet: cancels the request
        deletes = [r.path for r in carrier_server.requests(carrier.provider, "DELETE")]
        assert deletes[-1].endswith(f"/Request/{placed.carrier_call_id}/")
        leg = carrier_server.calls[placed.carrier_call_id].leg_id
        await carrier.hang_up(creds, leg)
        assert carrier_server.requests(carrier.provider, "DELETE")[-1].path.endswith(
            f"/Call/{leg}/"
        )

    async def test_auth_failure(
        self,
        carrier_server: CarrierServer,
        http: httpx.AsyncClient,
        carrier_cls: type[PlivoCarrier],
    ) -> None:
        carrier = _built(carrier_cls, carrier_server, http)
        creds = carrier_server.new_plivo_account(carrier.provider)
        with pytest.raises(CarrierError, match="authentication failed"):
            await carrier.place_call(
                {**creds, "auth_token": "x" * 40},
                from_number="+1",
                to_number="+2",
                urls=URLS,
                record=False,
            )
