"""Secrets at rest: AES-256-GCM under a versioned keyring.

A stored secret is the string `v1.<key id>.<base64url(nonce | ciphertext | tag)>`. Each is bound
(as AEAD associated data) to the account, table, row and column it was written for, so a
ciphertext copied to another row, table or account does not decrypt. Decryption failures and a
missing keyring fail closed with 503, and nothing is stored.

Keyring sources, first found wins:
- `KATAVEN_SECRETS_KEYRING`: `"<id>:<base64 32-byte key>,<id>:<key>"`, the highest id encrypts;
- `KATAVEN_SECRETS_KEYRING_FILE`: a JSON file `{"active": 2, "keys": {"1": "<b64>", "2": …}}`;
- the embedded default: `DATA_DIR/secrets/keyring.json` (mode 0600), created on first use
  outside production.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kataven_hub.core.errors import ServiceUnavailable
from kataven_hub.core.settings import get_settings, write_private

_VERSION = "v1"


class SecretsUnavailable(ServiceUnavailable):
    code = "encryption_unavailable"
    title = "Encryption service unavailable"
    description = "Encryption service unavailable"


class SecretUndecryptable(ServiceUnavailable):
    code = "secret_undecryptable"
    title = "Stored credentials cannot be decrypted"
    description = "Stored credentials cannot be decrypted"


@dataclass(frozen=True)
class Keyring:
    keys: dict[int, bytes]
    active: int

    def to_json(self) -> bytes:
        data = {
            "active": self.active,
            "keys": {str(k): base64.b64encode(v).decode() for k, v in sorted(self.keys.items())},
        }
        return json.dumps(data, indent=2).encode()

    @classmethod
    def from_json(cls, raw: bytes) -> Keyring:
        data = json.loads(raw)
        keys = {int(k): base64.b64decode(v) for k, v in data["keys"].items()}
        return cls(_checked(keys), int(data.get("active", max(keys))))

    def with_new_key(self) -> Keyring:
        new_id = max(self.keys, default=0) + 1
        return Keyring({**self.keys, new_id: AESGCM.generate_key(256)}, new_id)

    def without(self, key_id: int) -> Keyring:
        if key_id == self.active:
            raise ValueError("cannot remove the active key")
        return Keyring({k: v for k, v in self.keys.items() if k != key_id}, self.active)


def _checked(keys: dict[int, bytes]) -> dict[int, bytes]:
    for key_id, key in keys.items():
        if len(key) != 32:
            raise ValueError(f"keyring key {key_id} is not 32 bytes")
    if not keys:
        raise ValueError("keyring is empty")
    return keys


def keyring_path() -> Path:
    settings = get_settings()
    if settings.SECRETS_KEYRING_FILE is not None:
        return settings.SECRETS_KEYRING_FILE
    return settings.DATA_DIR / "secrets" / "keyring.json"


def load_keyring(*, create: bool = True) -> Keyring | None:
    """The configured keyring, or None when there is no usable one."""
    settings = get_settings()
    try:
        if settings.SECRETS_KEYRING is not None:
            keys = {}
            for item in settings.SECRETS_KEYRING.get_secret_value().split(","):
                key_id, _, b64 = item.strip().partition(":")
                keys[int(key_id)] = base64.b64decode(b64)
            return Keyring(_checked(keys), max(keys))
        path = keyring_path()
        if path.exists():
            return Keyring.from_json(path.read_bytes())
    except (ValueError, KeyError, OSError, json.JSONDecodeError):
        return None
    if create and settings.SECRETS_KEYRING_FILE is None and settings.is_development:
        ring = Keyring({}, 0).with_new_key()
        write_private(keyring_path(), ring.to_json())
        return ring
    return None


def save_keyring(ring: Keyring) -> None:
    write_private(keyring_path(), ring.to_json())


def _aad(account: str, table: str, row_id: str, column: str) -> bytes:
    return f"kataven|{account}|{table}|{row_id}|{column}".encode()


def encrypt(
    plaintext: bytes, *, account: str, table: str, row_id: str, column: str, ring: Keyring | None = None
) -> str:
    ring = ring or load_keyring()
    if ring is None:
        raise SecretsUnavailable()
    nonce = os.urandom(12)
    sealed = AESGCM(ring.keys[ring.active]).encrypt(
        nonce, plaintext, _aad(account, table, row_id, column)
    )
    blob = base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")
    return f"{_VERSION}.{ring.active}.{blob}"


def key_id_of(stored: str) -> int | None:
    parts = stored.split(".", 2)
    if len(parts) != 3 or parts[0] != _VERSION or not parts[1].isdigit():
        return None
    return int(parts[1])


def decrypt(
    stored: str, *, account: str, table: str, row_id: str, column: str, ring: Keyring | None = None
) -> bytes:
    ring = ring or load_keyring()
    if ring is None:
        raise SecretsUnavailable()
    key_id = key_id_of(stored)
    if key_id is None or key_id not in ring.keys:
        raise SecretUndecryptable()
    blob = stored.split(".", 2)[2]
    try:
        raw = base64.urlsafe_b64decode(blob + "=" * (-len(blob) % 4))
        return AESGCM(ring.keys[key_id]).decrypt(
            raw[:12], raw[12:], _aad(account, table, row_id, column)
        )
    except (InvalidTag, ValueError):
        raise SecretUndecryptable() from None
