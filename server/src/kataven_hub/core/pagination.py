"""Offset/limit paging (tools, playbooks): the query parameters and the list envelope.

`limit` 1–100 (default 10) and `offset` ≥ 0; outside those a 400. The envelope follows the
documented derived rules: has_next = offset + count < total, has_prev = offset > 0,
next_offset = offset + limit, prev_offset = max(offset − limit, 0).
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query
from pydantic import AfterValidator

from kataven_hub.core.schemas import _no_nul

Limit = Annotated[int, Query(ge=1, le=100, description="Rows per page, 1–100")]
Offset = Annotated[int, Query(ge=0, le=1_000_000_000, description="Rows to skip")]
# A short, NUL-free filter value (PostgreSQL refuses NUL in text).
FilterText = Annotated[
    str | None, Query(max_length=200), AfterValidator(lambda v: v and _no_nul(v))
]


def envelope(key: str, rows: list[Any], total: int, limit: int, offset: int) -> dict[str, Any]:
    return {
        key: rows,
        "count": len(rows),
        "total": total,
        "limit": limit,
        "offset": offset,
        "has_next": offset + len(rows) < total,
        "has_prev": offset > 0,
        "next_offset": offset + limit,
        "prev_offset": max(offset - limit, 0),
    }
