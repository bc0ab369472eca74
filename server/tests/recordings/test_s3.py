"""The S3 backend against a local S3-compatible server (moto) started by the test."""

from __future__ import annotations

import socket
import time
from collections.abc import Iterator
from urllib.parse import parse_qs, urlsplit

import boto3
import httpx
import pytest
from kataven_hub.carriers.sandbox import wav_tone
from kataven_hub.core.settings import get_settings
from kataven_hub.recordings import storage
from moto.server import ThreadedMotoServer
from pydantic import SecretStr

from tests.fixtures.app import Tenant
from tests.recordings.test_recordings import completed_call

BUCKET = "kataven-recordings"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def s3_endpoint() -> Iterator[str]:
    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    endpoint = f"http://127.0.0.1:{port}"
    boto3.client(
        "s3",
        endpoint_url=endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    ).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_backend(
    s3_endpoint: str, monkeypatch: pytest.MonkeyPatch
) -> Iterator[storage.RecordingStorage]:
    settings = get_settings()
    for name, value in (
        ("RECORDINGS_BACKEND", "s3"),
        ("S3_BUCKET", BUCKET),
        ("S3_ENDPOINT_URL", s3_endpoint),
        ("S3_ACCESS_KEY_ID", "test"),
        ("S3_SECRET_ACCESS_KEY", SecretStr("test")),
    ):
        monkeypatch.setattr(settings, name, value)
    storage.reset()
    store = storage.get()
    assert isinstance(store, storage.S3Storage)
    yield store
    monkeypatch.undo()
    storage.reset()


class TestS3Storage:
    async def test_put_and_presigned_get(self, s3_backend: storage.RecordingStorage) -> None:
        content = wav_tone(0.2)
        key = "acme/sess_01HZZZZZZZZZZZZZZZZZZZZZZZ.wav"
        await s3_backend.put(key, content, "audio/wav")
        url, expires_at = await s3_backend.url(key, 300)
        query = parse_qs(urlsplit(url).query)
        assert query["X-Amz-Expires"] == ["300"]
        assert query["X-Amz-Algorithm"] == ["AWS4-HMAC-SHA256"]
        assert 295 <= expires_at.timestamp() - time.time() <= 301
        async with httpx.AsyncClient() as http:
            r = await http.get(url)
        assert r.status_code == 200
        assert r.content == content
        assert r.headers["content-type"] == "audio/wav"


class TestRecordingOverS3:
    async def test_twilio_recording_played_from_s3(
        self, client: httpx.AsyncClient, tenant_a: Tenant, carrier_server, s3_backend
    ) -> None:
        session_id = await completed_call(client, tenant_a, carrier_server)
        r = await client.get(f"/api/v1/sessions/{session_id}/recording", headers=tenant_a.headers)
        assert r.status_code == 200, r.text
        url = r.json()["url"]
        assert url.startswith(
            get_settings().S3_ENDPOINT_URL + f"/{BUCKET}/{tenant_a.slug}/{session_id}.wav?"
        )
        async with httpx.AsyncClient() as http:
            media = await http.get(url)
        assert media.status_code == 200
        assert media.content[:4] == b"RIFF"
