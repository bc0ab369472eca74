"""Campaign contacts from CSV: streamed, validated row by row, deduplicated, bulk inserted.

The upload is read incrementally from its spooled file (never loaded whole), in a worker thread
batch by batch so the event loop stays free, and the rows flow straight into one `COPY` on
PostgreSQL (asyncpg, binary) or batched `executemany` on SQLite, inside the request's
transaction. A bad row stops the inserts; scanning goes on to name up to 20 bad rows, then the
request fails and the transaction is rolled back: nothing is stored.

Rules (DECISIONS): UTF-8 with or without BOM; comma separated; CRLF or LF; quoted fields may
hold commas and newlines. The header row must have a `phone_number` column (any case); every
other named column becomes `custom_fields` (columns with a blank header are ignored). Blank
lines and rows of only empty fields are skipped. A number that repeats an earlier row's number
is skipped (the first row wins) and counted in `duplicates_skipped`. Lines are reported as in
a text editor (the header is line 1; a row spanning lines is named by its first line).

The same reader serves preflight (nothing stored: `scan`), appended contacts (deduplicated
against the campaign's numbers too) and the do-not-call import, so they cannot disagree with
create about a row. A number on the do-not-call list is stored `skipped` (reason
`do_not_call`), never dialled.
"""

from __future__ import annotations

import asyncio
import base64
import codecs
import csv
import os
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import IO, Any

import orjson

from kataven_hub.campaigns import phones
from kataven_hub.campaigns.models import PENDING
from kataven_hub.campaigns.repository import CampaignRepository
from kataven_hub.core.db import TenantSession
from kataven_hub.core.errors import InvalidRequest
from kataven_hub.dnc import service as dnc_service

MAX_ERRORS = 20
MAX_COLUMNS = 200
BATCH_ROWS = 5000
_CROCKFORD = bytes.maketrans(
    b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", b"0123456789ABCDEFGHJKMNPQRSTVWXYZ"
)
_COPY_COLUMNS = (
    "id",
    "campaign_id",
    "seq",
    "phone_number",
    "custom_fields",
    "created_at",
    "updated_at",
    "status",
    "timezone",
)
Row = tuple[int, str, dict[str, str], str | None]  # seq, E.164, custom fields, time zone


_PHONE_HINT = (
    ". Write numbers in E.164, e.g. +14155550100 (a + and the country code), or send the "
    "`default_region` form field (e.g. US) so national numbers such as (415) 555-0100 are read"
)


class InvalidCsv(InvalidRequest):
    code = "invalid_csv"
    description = "Invalid form / CSV"


@dataclass
class IngestResult:
    total: int
    duplicates: int
    do_not_call: int = 0
    timezones: set[str] = field(default_factory=set)
    columns: list[str] = field(default_factory=list)


@dataclass
class Parser:
    """Reads the CSV; yields batches of (seq, e164, custom fields, zone) while no row is bad.
    `keep_going` (preflight): valid rows keep coming after bad ones, every bad row is counted
    (`invalid`) and the first `max_errors` are kept; otherwise reading stops at the 20th."""

    binary: IO[bytes]
    default_region: str | None
    field_max: int
    keep_going: bool = False
    max_errors: int = MAX_ERRORS
    seen: set[int] = field(default_factory=set)  # numbers already taken (as integers)
    seq: int = 0  # the last sequence number already used
    errors: list[dict[str, Any]] = field(default_factory=list)
    reasons: list[str] = field(default_factory=list)  # each error without its line prefix
    invalid: int = 0
    total: int = 0
    duplicates: int = 0
    timezones: set[str] = field(default_factory=set)
    _line: int = 0

    def __post_init__(self) -> None:
        self.binary.seek(0)
        csv.field_size_limit(self.field_max)
        self._reader = csv.reader(self._lines(), strict=True)
        self._physical = 0
        self._done = False

    def _lines(self) -> Iterator[str]:
        """Decoded lines (line endings kept for the csv module), checked one by one so a bad
        byte is reported on its own line."""
        for raw in self.binary:
            self._physical += 1
            if self._physical == 1:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise _Fatal("is not valid UTF-8 (save the file as UTF-8)") from None
            if "\x00" in line:
                raise _Fatal("contains a NUL character")
            yield line

    def _fail(self, line: int, message: str, reason: str) -> None:
        self.invalid += 1
        if len(self.errors) < self.max_errors:
            self.errors.append({"field": "contacts", "line": line, "message": message})
            self.reasons.append(reason)

    def _next(self) -> list[str] | None:
        start = self._reader.line_num + 1
        self._line = start
        try:
            return next(self._reader)
        except StopIteration:
            return None
        except _Fatal:
            self._line = self._physical
            raise
        except csv.Error as exc:
            self._line = self._physical
            raise _Fatal(f"is not valid CSV ({exc})") from None

    def header(self) -> None:
        try:
            names = self._next()
        except _Fatal as exc:
            raise InvalidCsv(f"Invalid CSV: line {self._line} {exc}") from None
        if not names or not any(n.strip() for n in names):
            raise InvalidCsv("Invalid CSV: the file is empty (a header row is required)")
        names = [n.strip() for n in names]
        if len(names) > MAX_COLUMNS:
            raise InvalidCsv(f"Invalid CSV: more than {MAX_COLUMNS} columns")
        phone = [i for i, n in enumerate(names) if n.lower() == "phone_number"]
        if len(phone) != 1:
            raise InvalidCsv("Invalid CSV: the header needs exactly one phone_number column")
        named = [n for n in names if n]
        if len(set(named)) != len(named):
            raise InvalidCsv("Invalid CSV: column names must be unique")
        if any(len(n) > 100 for n in names):
            raise InvalidCsv("Invalid CSV: column names are at most 100 characters")
        self._width = len(names)
        self._phone = phone[0]
        self._extra = [(i, n) for i, n in enumerate(names) if n and i != self._phone]
        self.columns = [n for _, n in self._extra]

    def batch(self, size: int = BATCH_ROWS) -> list[Row]:
        out: list[Row] = []
        while not self._done and len(out) < size:
            try:
                row = self._next()
            except _Fatal as exc:
                self._fail(self._line, f"line {self._line} {exc}", str(exc))
                self._done = True
                break
            if row is None:
                self._done = True
                break
            if not any(row):
                continue  # blank line, or a row of empty fields
            parsed = self._row(row)
            if parsed is not None and (self.keep_going or not self.errors):
                out.append(parsed)
            if not self.keep_going and len(self.errors) >= MAX_ERRORS:
                self._done = True
        return out if self.keep_going or not self.errors else []

    def _row(self, row: list[str]) -> Row | None:
        line = self._line
        if len(row) != self._width:
            what = f"{len(row)} fields, the header has {self._width}"
            self._fail(line, f"line {line}: {what}", what)
            return None
        raw = row[self._phone]
        parsed = phones.parse_contact(raw, self.default_region) if raw.strip() else None
        if parsed is None:
            shown = raw.strip()[:40]
            what = f"{shown!r} is not a valid phone number" if shown else "phone_number is empty"
            self._fail(line, f"line {line}: {what}", what)
            return None
        number, zone = parsed
        key = int(number[1:])
        if key in self.seen:
            self.duplicates += 1
            return None
        self.seen.add(key)
        self.total += 1
        if zone is not None:
            self.timezones.add(zone)
        return (self.seq + self.total, number, {name: row[i] for i, name in self._extra}, zone)

    def problem(self) -> InvalidCsv | None:
        """What create answers for this CSV once read (None: it is accepted)."""
        if self.errors:
            shown = self.errors[:MAX_ERRORS]
            more = " (first 20 shown)" if len(shown) >= MAX_ERRORS else ""
            text = "; ".join(e["message"] for e in shown)
            if any("phone number" in e["message"] for e in shown):
                region = self.default_region
                text += _PHONE_HINT if region is None else f" (default_region {region})"
            return InvalidCsv(f"Invalid CSV{more}: {text}", errors=shown)
        if self.total == 0:
            return InvalidCsv("Invalid CSV: no contacts (only a header row)")
        return None


class _Fatal(Exception):
    pass


def _id_batch(n: int) -> list[str]:
    """`ct_` ULIDs, n at once (time part shared, 80 random bits each): fast for 1M rows."""
    ms = int(time.time() * 1000)
    head = "".join("0123456789ABCDEFGHJKMNPQRSTVWXYZ"[(ms >> s) & 31] for s in range(45, -1, -5))
    tail = base64.b32encode(os.urandom(10 * n)).translate(_CROCKFORD).decode()
    return [f"ct_{head}{tail[i : i + 16]}" for i in range(0, 16 * n, 16)]


async def batches(parser: Parser) -> AsyncIterator[list[Row]]:
    """Parse in a worker thread, one batch ahead of the inserts."""
    pending = asyncio.ensure_future(asyncio.to_thread(parser.batch))
    try:
        while True:
            rows = await pending
            if not rows:
                return
            pending = asyncio.ensure_future(asyncio.to_thread(parser.batch))
            yield rows
    finally:
        if not pending.done():
            await asyncio.wait([pending])


class DncScreen:
    """Which numbers of a batch are on the do-not-call list (one query a batch, none at all
    while the list is empty)."""

    def __init__(self, session: TenantSession, active: bool) -> None:
        self.session = session
        self.active = active
        self.listed = 0

    @classmethod
    async def open(cls, session: TenantSession) -> DncScreen:
        return cls(session, await dnc_service.has_any(session))

    async def of(self, rows: list[Row]) -> set[str]:
        if not self.active:
            return set()
        found = await dnc_service.listed_among(self.session, [r[1] for r in rows])
        self.listed += len(found)
        return found


async def ingest(
    session: TenantSession,
    campaign_id: str,
    binary: IO[bytes],
    default_region: str | None,
    field_max: int,
    now: datetime,
    *,
    seen: set[int] | None = None,
    last_seq: int = 0,
) -> IngestResult:
    """Store the CSV's contacts for `campaign_id`, or raise InvalidCsv naming the bad rows.
    `seen`/`last_seq`: the numbers the campaign already has and its last sequence number
    (appending contacts)."""
    parser = Parser(binary, default_region, field_max, seen=seen or set(), seq=last_seq)
    parser.header()
    if session.get_bind().dialect.name == "postgresql":
        await _copy(session, campaign_id, parser, now)
    else:
        await _executemany(session, campaign_id, parser, now)
    problem = parser.problem()
    if problem is not None:
        raise problem
    listed = await _skip_listed(session, campaign_id, last_seq, now)
    return IngestResult(parser.total, parser.duplicates, listed, parser.timezones, parser.columns)


async def _skip_listed(
    session: TenantSession, campaign_id: str, after_seq: int, now: datetime
) -> int:
    """The new contacts whose number is on the do-not-call list: skipped, in one statement
    (the COPY stream cannot share its connection with lookups)."""
    if not await dnc_service.has_any(session):
        return 0
    return await CampaignRepository(session).skip_listed_since(
        campaign_id, after_seq, dnc_service.listed_numbers(), now
    )


async def _copy(session: TenantSession, campaign_id: str, parser: Parser, now: datetime) -> None:
    async def records() -> AsyncIterator[tuple[Any, ...]]:
        async for rows in batches(parser):
            for cid, (seq, number, custom, zone) in zip(_id_batch(len(rows)), rows, strict=True):
                yield (cid, campaign_id, seq, number, orjson.dumps(custom).decode(), now, now,
                       PENDING, zone)  # fmt: skip

    await CampaignRepository(session).copy_contacts(records(), _COPY_COLUMNS)


async def _executemany(
    session: TenantSession, campaign_id: str, parser: Parser, now: datetime
) -> None:
    repo = CampaignRepository(session)
    async for rows in batches(parser):
        values = [
            {"id": cid, "campaign_id": campaign_id, "seq": seq, "phone_number": number,
             "custom_fields": custom, "created_at": now, "updated_at": now, "status": PENDING,
             "timezone": zone}
            for cid, (seq, number, custom, zone) in zip(_id_batch(len(rows)), rows, strict=True)
        ]  # fmt: skip
        await repo.insert_contacts(values)
