"""The carrier registry: adapters built from settings, and overridden without touching them."""

from __future__ import annotations

from kataven_hub.carriers.plivo import PlivoCarrier
from kataven_hub.carriers.registry import CarrierRegistry
from kataven_hub.carriers.twilio import TwilioCarrier
from kataven_hub.carriers.vobiz import VobizCarrier
from kataven_hub.core.settings import get_settings


class TestFromSettings:
    async def test_adapters_get_the_base_urls_and_one_client(self) -> None:
        settings = get_settings().model_copy(
            update={
                "TWILIO_API_BASE_URL": "http://twilio.test/",
                "PLIVO_API_BASE_URL": "http://plivo.test",
                "VOBIZ_API_BASE_URL": "http://vobiz.test/api",
                "CARRIER_TIMEOUT_SECONDS": 3.0,
            }
        )
        carriers = CarrierRegistry.from_settings(settings)
        try:
            twilio, plivo, vobiz = (carriers.get(p) for p in ("twilio", "plivo", "vobiz"))
            assert isinstance(twilio, TwilioCarrier)
            assert isinstance(plivo, PlivoCarrier)
            assert isinstance(vobiz, VobizCarrier)
            assert twilio.base_url == "http://twilio.test"
            assert plivo.base_url == "http://plivo.test"
            assert vobiz.base_url == "http://vobiz.test/api"
            assert twilio.client is plivo.client is vobiz.client is carriers.client
            assert carriers.client.timeout.read == 3.0
        finally:
            await carriers.aclose()


class TestOverride:
    async def test_serves_the_given_adapter_then_the_one_it_replaced(self) -> None:
        carriers = CarrierRegistry.from_settings(get_settings())
        try:
            original = carriers.get("twilio")
            local = TwilioCarrier("http://127.0.0.1:9", carriers.client)
            with carriers.override(local):
                assert carriers.get("twilio") is local
                assert carriers.get("plivo") is not None
            assert carriers.get("twilio") is original
        finally:
            await carriers.aclose()

    async def test_unknown_provider_is_none(self) -> None:
        carriers = CarrierRegistry.from_settings(get_settings())
        try:
            assert carriers.get("nope") is None
        finally:
            await carriers.aclose()
