"""Importing a CSV of numbers into the do-not-call list.

The file is read with the campaign contacts' streamed reader (`campaigns.ingest`), which itself
checks contacts against this list (`dnc.service`): the import sits above both.
"""

from __future__ import annotations

from typing import IO, Any

from kataven_hub.campaigns import ingest
from kataven_hub.core.auth import Principal
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.dnc.repository import DncRepository


async def import_csv(
    session: TenantSession, principal: Principal, csv: IO[bytes], default_region: str | None,
    reason: str | None, field_max: int,
) -> dict[str, Any]:  # fmt: skip
    """Streamed like campaign contacts (campaigns/ingest.py): any bad row → 400 naming the
    first 20, nothing stored. A `reason` column, when present, wins over the form's reason."""
    parser = ingest.Parser(csv, default_region, field_max)
    parser.header()
    repo = DncRepository(session)
    added = 0
    now = utcnow()
    async for rows in ingest.batches(parser):
        added += await repo.add_missing([
            {"phone_number": number, "reason": (custom.get("reason") or reason or "")[:200] or None,
             "created_by": principal.subject, "created_at": now}
            for _, number, custom, _ in rows
        ])  # fmt: skip
    problem = parser.problem()
    if problem is not None:
        raise problem
    return {
        "rows": parser.total, "added": added, "already_listed": parser.total - added,
        "duplicates_skipped": parser.duplicates,
    }  # fmt: skip
