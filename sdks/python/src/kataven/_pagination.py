"""Walking every row of a paged list: one request per page, rows yielded as they come."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any


def next_offset(envelope: dict[str, Any], rows: int, offset: int, limit: int) -> int | None:
    """The next page's offset, read from the envelope (`has_next`/`next_offset`, else `total`,
    else a full page), or None after the last page."""
    if rows == 0:
        return None
    if "has_next" in envelope:
        nxt = envelope.get("next_offset")
        return int(nxt) if envelope["has_next"] and nxt is not None else None
    if "total" in envelope:
        return offset + rows if offset + rows < int(envelope["total"]) else None
    if "limit" in envelope and rows >= limit:
        return offset + rows
    return None


def iterate(fetch: Callable[[int, int], dict[str, Any]], key: str, page_size: int) -> Iterator[Any]:
    """Rows under `key` of every page; `fetch(offset, limit)` returns one envelope."""
    offset: int | None = 0
    while offset is not None:
        envelope = fetch(offset, page_size)
        rows = envelope.get(key) or []
        yield from rows
        offset = next_offset(envelope, len(rows), offset, page_size)


async def aiterate(
    fetch: Callable[[int, int], Awaitable[dict[str, Any]]], key: str, page_size: int
) -> AsyncIterator[Any]:
    offset: int | None = 0
    while offset is not None:
        envelope = await fetch(offset, page_size)
        rows = envelope.get(key) or []
        for row in rows:
            yield row
        offset = next_offset(envelope, len(rows), offset, page_size)
