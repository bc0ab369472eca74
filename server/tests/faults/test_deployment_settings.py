"""Settings a multi-replica or non-default deployment depends on: production refuses to start
without the recording URL signing secret (replicas must accept each other's URLs), and
`kataven-hub api --port P` builds its callback URLs with the port it serves."""

from __future__ import annotations

import asyncio
import os
import uuid
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError

from tests.factories.telephony import make_line
from tests.faults.stack import Stack
from tests.fixtures.app import Tenant
from tests.fixtures.carriers import CarrierServer


def test_production_requires_the_recording_url_secret() -> None:
    from kataven_hub.core.settings import Settings

    base = {"ENV": "production", "API_KEY_PEPPER": "p" * 32}
    with pytest.raises(ValidationError, match="KATAVEN_RECORDINGS_URL_SECRET"):
        Settings(**base)  # type: ignore[arg-type]
    with pytest.raises(ValidationError, match="KATAVEN_RECORDINGS_URL_SECRET"):
        Settings(**base, RECORDINGS_URL_SECRET="changeme")  # type: ignore[arg-type]
    ok = Settings(**base, RECORDINGS_URL_SECRET="s" * 32)  # type: ignore[arg-type]
    assert ok.recordings_url_key == b"s" * 32
    # Recordings in S3 are signed by S3; no recordings at all need no secret either.
    Settings(**base, RECORDINGS_BACKEND="none")  # type: ignore[arg-type]
    Settings(**{**base, "ENV": "development"})  # type: ignore[arg-type]


async def test_api_on_another_port_builds_callback_urls_with_it(tmp_path: Path) -> None:
    """No KATAVEN_PUBLIC_BASE_URL: the carrier is told to call back the host and port the
    process actually serves (not the default 8081)."""
    carrier = CarrierServer()
    await carrier.start()
    stack = Stack(tmp_path, uuid.uuid4().hex[:8], redis=None)
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATAVEN_")}
    env.update(
        KATAVEN_ENV="testing", KATAVEN_DATA_DIR=str(tmp_path), KATAVEN_LOG_LEVEL="WARNING",
        KATAVEN_BOOTSTRAP_DEMO_ACCOUNT="false", KATAVEN_BUILTIN_ISSUER_ENABLED="true",
        KATAVEN_TWILIO_API_BASE_URL=carrier.base_url, KATAVEN_CALL_RECORDING_ENABLED="false",
    )  # fmt: skip
    stack.env = env
    try:
        await asyncio.to_thread(stack.start_api)
        assert stack.port != 8081
        async with httpx.AsyncClient(base_url=stack.url, timeout=30) as http:
            account = await stack.account(http)
            tenant = Tenant(account["slug"], account["key"], "", account["email"],
                            account["password"], "", headers=account["headers"],
                            jwt_headers=account["jwt_headers"])  # fmt: skip
            line = await make_line(http, tenant, carrier, "twilio")
            r = await http.post("/api/v1/calls/originate", json=line.originate_body(),
                                headers=tenant.headers)  # fmt: skip
            assert r.status_code == 200, r.text
        [created] = [
            e for e in carrier.log if e.method == "POST" and e.path.endswith("/Calls.json")
        ]
        expected = f"http://127.0.0.1:{stack.port}/twilio/"
        assert created.data["StatusCallback"].startswith(expected), created.data
        assert created.data["Url"].startswith(expected), created.data
    finally:
        stack.stop()
        await carrier.stop()
