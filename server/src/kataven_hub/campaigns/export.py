"""`GET /campaigns/{id}/contacts.csv`: every contact with its outcome, streamed.

Columns: `phone_number`, the campaign's custom-field columns (in upload order), then
`contact_id, status, attempts, last_outcome, failure_reason, call_ids, timezone,
next_attempt_at, completed_at`. A value a spreadsheet would run as a formula (first character
`=`, `+`, `-`, `@`, tab or CR) gets a leading `'`; the phone number is E.164 we validated
(`+` and digits) and stays as it is, so the file can be uploaded again.

Memory stays flat whatever the size: on PostgreSQL the server writes the CSV itself
(`COPY (SELECT …) TO STDOUT`), the formula guard inside the query, and its chunks pass through
a small queue (a slow client slows the copy, nothing piles up); on SQLite rows are read in
batches from a server-side cursor and written as they come.
"""

from __future__ import annotations

import asyncio
import contextlib
import csv
import io
from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from kataven_hub.calls import service as calls_service
from kataven_hub.campaigns import repository
from kataven_hub.campaigns.models import Campaign

_FORMULA = ("=", "+", "-", "@", "\t", "\r")
_TAIL = ("contact_id", "status", "attempts", "last_outcome", "failure_reason", "call_ids",
         "timezone", "next_attempt_at", "completed_at")  # fmt: skip
_BATCH = 5000


def safe(value: str) -> str:
    return "'" + value if value and value[0] in _FORMULA else value


def _line(values: list[str]) -> bytes:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\n").writerow(values)
    return buffer.getvalue().encode()


async def stream(engine: AsyncEngine, campaign: Campaign) -> AsyncIterator[bytes]:
    columns = list(campaign.custom_columns or [])
    yield _line(["phone_number", *(safe(c) for c in columns), *_TAIL])
    if engine.dialect.name == "postgresql":
        chunks = _postgres(engine, campaign.id, columns)
    else:
        chunks = _sqlite(engine, campaign.id, columns)
    async for chunk in chunks:
        yield chunk


async def _postgres(
    engine: AsyncEngine, campaign_id: str, columns: list[str]
) -> AsyncIterator[bytes]:
    calls = calls_service.call_ids_by_contact("postgresql", campaign_id)
    sql = repository.export_csv_sql(campaign_id, columns, _FORMULA, calls)
    queue: asyncio.Queue[bytes | None] = asyncio.Queue(maxsize=8)

    async def put(data: bytes | bytearray | memoryview) -> None:
        await queue.put(bytes(data))  # a copy: the driver may reuse its buffer

    async def copy() -> None:
        try:
            async with engine.connect() as conn:
                raw = await conn.get_raw_connection()
                driver: Any = raw.driver_connection
                await driver.copy_from_query(sql, output=put, format="csv")
        finally:
            await queue.put(None)

    task = asyncio.create_task(copy())
    try:
        while (chunk := await queue.get()) is not None:
            yield chunk
        await task  # raises what the copy raised
    finally:
        if not task.done():
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await task


def _iso(value: datetime | None) -> str:
    return "" if value is None else value.strftime("%Y-%m-%dT%H:%M:%SZ")


async def _sqlite(
    engine: AsyncEngine, campaign_id: str, columns: list[str]
) -> AsyncIterator[bytes]:
    calls = calls_service.call_ids_by_contact("sqlite", campaign_id)
    stmt = repository.export_rows(campaign_id, calls)
    async with engine.connect() as conn:
        result = await conn.stream(stmt.execution_options(yield_per=_BATCH))
        async for rows in result.partitions(_BATCH):
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            for r in rows:
                custom = r.custom_fields or {}
                writer.writerow([
                    r.phone_number, *(safe(str(custom.get(n, ""))) for n in columns), r.id,
                    r.status, r.attempts, r.last_outcome or "", safe(r.failure_reason or ""),
                    " ".join(sorted((r.call_ids or "").split())), r.timezone or "",
                    _iso(r.next_attempt_at), _iso(r.completed_at),
                ])  # fmt: skip
            yield buffer.getvalue().encode()
