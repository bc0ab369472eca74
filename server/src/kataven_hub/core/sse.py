"""Server-Sent Events framing (https://html.spec.whatwg.org/multipage/server-sent-events.html)."""

from __future__ import annotations

from typing import Any

import orjson

HEADERS = {"Cache-Control": "no-cache", "X-Accel-Buffering": "no", "Connection": "keep-alive"}


def event(data: Any, *, name: str | None = None, id: int | str | None = None) -> bytes:
    """One event: optional `id:` and `event:` lines, then `data:` (JSON, one line)."""
    out = b""
    if id is not None:
        out += f"id: {id}\n".encode()
    if name is not None:
        out += f"event: {name}\n".encode()
    payload = data if isinstance(data, bytes) else orjson.dumps(data)
    return out + b"data: " + payload + b"\n\n"


def comment(text: str) -> bytes:
    return f": {text}\n\n".encode()


def last_event_id(header: str | None) -> int:
    """The numeric `Last-Event-ID` a client resumes from (0 when absent or not ours)."""
    if header is None:
        return 0
    header = header.strip()
    return int(header) if header.isdigit() and len(header) < 19 else 0
