"""Where recordings live, and how a client gets a short-lived URL to play one.

- `LocalStorage` (embedded default): files under DATA_DIR/recordings; URLs point at the API's
  `/recordings/media/…` route and carry an expiry and an HMAC-SHA256 over key and expiry.
- `S3Storage`: any S3-compatible bucket; URLs are SigV4 presigned GETs.
Chosen by `KATAVEN_RECORDINGS_BACKEND` (`local`, `s3`, `none` = playback not configured).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlencode

from kataven_hub.core.settings import get_settings

KEY_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,62}/sess_[0-9A-HJKMNP-TV-Z]{26}\.(wav|mp3)$")


class RecordingStorage(Protocol):
    async def put(self, key: str, content: bytes, content_type: str) -> None: ...

    async def url(self, key: str, expires_in: int) -> tuple[str, datetime]:
        """A URL that plays the object until the returned expiry."""
        ...


def recording_key(account: str, session_id: str, content_type: str) -> str:
    return f"{account}/{session_id}.{'mp3' if 'mpeg' in content_type else 'wav'}"


class LocalStorage:
    def __init__(self, root: Path, secret: bytes, base_url: str) -> None:
        self.root = root
        self.secret = secret
        self.base_url = base_url

    def path(self, key: str) -> Path:
        if not KEY_RE.match(key):
            raise ValueError("invalid recording key")
        return self.root / key

    def signature(self, key: str, expires: int) -> str:
        return hmac.new(self.secret, f"{key}\n{expires}".encode(), hashlib.sha256).hexdigest()

    async def put(self, key: str, content: bytes, content_type: str) -> None:
        path = self.path(key)
        await asyncio.to_thread(_write_atomic, path, content)

    async def url(self, key: str, expires_in: int) -> tuple[str, datetime]:
        expires = int(time.time()) + expires_in
        query = urlencode({"expires": expires, "sig": self.signature(key, expires)})
        return f"{self.base_url}/recordings/media/{key}?{query}", datetime.fromtimestamp(
            expires, UTC
        )

    def open(self, key: str, expires: int, sig: str) -> Path | None:
        """The file behind a signed URL, or None when the URL is forged, expired or gone."""
        if not KEY_RE.match(key) or expires < time.time():
            return None
        if not hmac.compare_digest(self.signature(key, expires), sig):
            return None
        path = self.path(key)
        return path if path.is_file() else None


def _write_atomic(path: Path, content: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(path.suffix + f".{os.getpid()}.tmp")
    tmp.write_bytes(content)
    os.replace(tmp, path)


class S3Storage:
    def __init__(self, bucket: str, client: Any) -> None:
        self.bucket = bucket
        self.client = client

    async def put(self, key: str, content: bytes, content_type: str) -> None:
        await asyncio.to_thread(
            self.client.put_object,
            Bucket=self.bucket,
            Key=key,
            Body=content,
            ContentType=content_type,
        )

    async def url(self, key: str, expires_in: int) -> tuple[str, datetime]:
        url = self.client.generate_presigned_url(
            "get_object", Params={"Bucket": self.bucket, "Key": key}, ExpiresIn=expires_in
        )
        return url, datetime.fromtimestamp(int(time.time()) + expires_in, UTC)


def s3_client() -> Any:
    import boto3
    from botocore.config import Config

    s = get_settings()
    return boto3.client(
        "s3",
        endpoint_url=s.S3_ENDPOINT_URL,
        region_name=s.S3_REGION,
        aws_access_key_id=s.S3_ACCESS_KEY_ID,
        aws_secret_access_key=s.S3_SECRET_ACCESS_KEY.get_secret_value()
        if s.S3_SECRET_ACCESS_KEY
        else None,
        config=Config(
            signature_version="s3v4",
            s3={"addressing_style": "path"},
            connect_timeout=5,
            read_timeout=30,
            retries={"max_attempts": 3},
        ),
    )


_storage: RecordingStorage | None = None
_configured = False


def get() -> RecordingStorage | None:
    """The configured backend, or None when playback is not configured."""
    global _storage, _configured
    if not _configured:
        s = get_settings()
        if s.RECORDINGS_BACKEND == "local":
            _storage = LocalStorage(
                s.DATA_DIR / "recordings", s.recordings_url_key, s.public_base_url
            )
        elif s.RECORDINGS_BACKEND == "s3" and s.S3_BUCKET:
            _storage = S3Storage(s.S3_BUCKET, s3_client())
        else:
            _storage = None
        _configured = True
    return _storage


def reset() -> None:
    global _storage, _configured
    _storage, _configured = None, False
