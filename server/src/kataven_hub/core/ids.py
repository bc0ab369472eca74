"""Prefixed ULIDs (`agent_01J…`): sortable by creation time, unguessable enough, URL-safe."""

from __future__ import annotations

import os
import re
import time

_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
_ULID_RE = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def ulid() -> str:
    value = (int(time.time() * 1000) << 80) | int.from_bytes(os.urandom(10), "big")
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def new_id(prefix: str) -> str:
    return f"{prefix}_{ulid()}"


def looks_like(prefix: str, value: str) -> bool:
    head, _, tail = value.partition("_")
    return head == prefix and bool(_ULID_RE.match(tail))
