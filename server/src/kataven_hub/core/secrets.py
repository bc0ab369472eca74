"""Secrets at rest: AES-256-GCM under a versioned keyring, and the registry of encrypted columns.

A stored secret is the string `v1.<key id>.<base64url(nonce | ciphertext | tag)>`. Each is bound
(as AEAD associated data) to the account, table, row and column it was written for, so a
ciphertext copied to another row, table or account does not decrypt. Decryption failures and a
missing keyring fail closed with 503, and nothing is stored.

Keyring sources, first found wins:
- `KATAVEN_SECRETS_KEYRING`: `"<id>:<base64 32-byte key>,<id>:<key>"`, the highest id encrypts;
- `KATAVEN_SECRETS_KEYRING_FILE`: a JSON file `{"active": 2, "keys": {"1": "<b64>", "2": …}}`;
- the embedded default: `DATA_DIR/secrets/keyring.json` (mode 0600), created on first use
  outside production.
`keyring()` caches the loaded ring and reloads it when its source changes (the file is stat'ed
on each call, so a key added by `kataven-hub secrets rotate` is used by every process at once).

Modules that store secrets declare their column once, next to the table, and use it to seal and
open values; `kataven-hub secrets rotate|reencrypt|remove-key` walk every registered column of
every account (see `kataven_hub.admin.secrets`):

    CREDENTIAL_VALUE = secrets.register("integration_credentials", "value")   # pk column "id"
    row.value = CREDENTIAL_VALUE.encrypt(b"sk_live_…", account=slug, row_id=row.id)
    plaintext = CREDENTIAL_VALUE.decrypt(row.value, account=slug, row_id=row.id)   # bytes

Call `keyring()` (503 when None) before writing anything, so a request without a usable keyring
stores nothing. A registered column holds one ciphertext (or NULL) per row.
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from kataven_hub.core.errors import ServiceUnavailable
from kataven_hub.core.settings import get_settings

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
        keys = {int(k): base64.b64decode(v, validate=True) for k, v in data["keys"].items()}
        active = int(data.get("active", max(keys, default=0)))
        if active not in _checked(keys):
            raise ValueError("the active key is not in the keyring")
        return cls(keys, active)

    def with_new_key(self) -> Keyring:
        new_id = max(self.keys, default=0) + 1
        return Keyring({**self.keys, new_id: AESGCM.generate_key(256)}, new_id)

    def without(self, key_id: int) -> Keyring:
        if key_id == self.active:
            raise ValueError("cannot remove the active key")
        if key_id not in self.keys:
            raise ValueError(f"key {key_id} is not in the keyring")
        return Keyring({k: v for k, v in self.keys.items() if k != key_id}, self.active)


def _checked(keys: dict[int, bytes]) -> dict[int, bytes]:
    for key_id, key in keys.items():
        if len(key) != 32:
            raise ValueError(f"keyring key {key_id} is not 32 bytes")
    if not keys:
        raise ValueError("keyring is empty")
    return keys


# -- keyring sources and cache ---------------------------------------------------------------
def keyring_path() -> Path:
    settings = get_settings()
    if settings.SECRETS_KEYRING_FILE is not None:
        return settings.SECRETS_KEYRING_FILE
    return settings.DATA_DIR / "secrets" / "keyring.json"


def keyring_source() -> str:
    """`env` (KATAVEN_SECRETS_KEYRING) or `file` (a mounted file or the embedded default)."""
    return "env" if get_settings().SECRETS_KEYRING is not None else "file"


def load_keyring(*, create: bool = True) -> Keyring | None:
    """The configured keyring read afresh, or None when there is no usable one."""
    settings = get_settings()
    try:
        if settings.SECRETS_KEYRING is not None:
            keys = {}
            for item in settings.SECRETS_KEYRING.get_secret_value().split(","):
                key_id, _, b64 = item.strip().partition(":")
                keys[int(key_id)] = base64.b64decode(b64, validate=True)
            return Keyring(_checked(keys), max(keys))
        path = keyring_path()
        if path.exists():
            return Keyring.from_json(path.read_bytes())
    except (ValueError, KeyError, TypeError, OSError, json.JSONDecodeError):
        return None
    if create and settings.SECRETS_KEYRING_FILE is None and settings.is_development:
        with contextlib.suppress(FileExistsError):  # another process created it first: use theirs
            save_keyring(Keyring({}, 0).with_new_key(), replace=False)
        return load_keyring(create=False)
    return None


def save_keyring(ring: Keyring, *, replace: bool = True) -> None:
    """Write the keyring file atomically (0600): a reader sees the old ring or the new one.
    With `replace=False` an existing file wins (FileExistsError), so racing processes agree."""
    path = keyring_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".keyring-")
    try:
        with open(fd, "wb") as f:
            f.write(ring.to_json())
            f.flush()
            os.fsync(f.fileno())
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    reload()


_cache: tuple[Any, Keyring | None] | None = None


def _signature() -> Any:
    settings = get_settings()
    if settings.SECRETS_KEYRING is not None:
        return ("env", settings.SECRETS_KEYRING.get_secret_value())
    path = keyring_path()
    try:
        st = path.stat()
    except OSError:
        return ("file", str(path), settings.is_development)
    return ("file", str(path), st.st_ino, st.st_mtime_ns, st.st_size)


def keyring() -> Keyring | None:
    """The keyring in use (cached; re-read when its source changes), or None when unusable."""
    global _cache
    signature = _signature()
    if _cache is not None and _cache[0] == signature:
        return _cache[1]
    ring = load_keyring()
    _cache = (_signature(), ring)
    return ring


def reload() -> None:
    """Forget the cached keyring: the next call reads it again."""
    global _cache
    _cache = None


def require_keyring() -> Keyring:
    ring = keyring()
    if ring is None:
        raise SecretsUnavailable()
    return ring


# -- sealing ---------------------------------------------------------------------------------
def _aad(account: str, table: str, row_id: str, column: str) -> bytes:
    return f"kataven|{account}|{table}|{row_id}|{column}".encode()


def encrypt(
    plaintext: bytes,
    *,
    account: str,
    table: str,
    row_id: str,
    column: str,
    ring: Keyring | None = None,
) -> str:
    ring = ring or require_keyring()
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
    ring = ring or require_keyring()
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


# -- the registry of encrypted columns -------------------------------------------------------
@dataclass(frozen=True)
class EncryptedColumn:
    """A tenant column holding ciphertexts bound to (account, table, row, column)."""

    table: str
    column: str
    pk: str = "id"

    def encrypt(
        self, plaintext: bytes | str, *, account: str, row_id: str, ring: Keyring | None = None
    ) -> str:
        data = plaintext.encode() if isinstance(plaintext, str) else plaintext
        return encrypt(
            data, account=account, table=self.table, row_id=row_id, column=self.column, ring=ring
        )

    def decrypt(
        self, stored: str, *, account: str, row_id: str, ring: Keyring | None = None
    ) -> bytes:
        return decrypt(
            stored, account=account, table=self.table, row_id=row_id, column=self.column, ring=ring
        )


_registry: dict[tuple[str, str], EncryptedColumn] = {}


def register(table: str, column: str, *, pk: str = "id") -> EncryptedColumn:
    """Declare an encrypted column (idempotent) so rotation re-encrypts what it holds."""
    entry = EncryptedColumn(table, column, pk)
    existing = _registry.setdefault((table, column), entry)
    if existing != entry:
        raise ValueError(f"{table}.{column} is already registered with primary key {existing.pk}")
    return entry


def registered() -> tuple[EncryptedColumn, ...]:
    return tuple(_registry[k] for k in sorted(_registry))
