"""The account's do-not-call list: a listed number is never dialled.

Three places hold the line: campaign ingest stores a listed contact as `skipped` (reason
`do_not_call`), the dispatcher checks the numbers it claims right before dialling (a number
listed after the campaign started is skipped too), and originate refuses a listed number with
403 (`do_not_call`), whoever asks. Numbers are kept in E.164, normalised as campaign contacts are.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from kataven_hub.campaigns import phones  # the campaign contacts' rules
from kataven_hub.core.auth import Principal
from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import Forbidden, InvalidRequest, NotFound
from kataven_hub.dnc.models import DoNotCall
from kataven_hub.dnc.repository import DncRepository
from kataven_hub.dnc.schemas import DncCreate


class OnDoNotCallList(Forbidden):
    code = "do_not_call"
    description = "The number is on the account's do-not-call list"


class NotListed(NotFound):
    description = "The number is not on the do-not-call list"


async def has_any(session: TenantSession) -> bool:
    return await DncRepository(session).any()


async def listed_among(session: TenantSession, numbers: list[str]) -> set[str]:
    """The numbers (E.164) of `numbers` that are listed."""
    return await DncRepository(session).listed_among(numbers)


def listed_numbers() -> Any:
    """A subquery of every listed number (for a statement over many rows at once)."""
    return select(DoNotCall.phone_number).scalar_subquery()


async def refuse_listed(session: TenantSession, number: str) -> None:
    """Raise OnDoNotCallList (403) when `number` is listed."""
    if await DncRepository(session).get(number) is not None:
        raise OnDoNotCallList("The number is on the do-not-call list")


def _normalise(raw: str, field: str = "phone_number") -> str:
    number = phones.normalise(raw)
    if number is None:
        raise InvalidRequest(
            "phone_number is not a valid phone number (use E.164, e.g. +14155550123)",
            errors=[{"field": field, "message": "not a valid phone number"}],
        )
    return number


async def add(
    session: TenantSession, principal: Principal, body: DncCreate
) -> tuple[DoNotCall, bool]:
    """(the entry, whether it is new). Listing a listed number again updates its reason."""
    number = _normalise(body.phone_number)
    repo = DncRepository(session)
    entry = await repo.get(number)
    if entry is not None:
        if body.reason is not None:
            entry.reason = body.reason
            await session.flush()
        return entry, False
    entry = DoNotCall(
        phone_number=number, reason=body.reason, created_by=principal.subject, created_at=utcnow()
    )
    await repo.add_missing([_row(entry)])
    return entry, True


def _row(entry: DoNotCall) -> dict[str, Any]:
    return {
        "phone_number": entry.phone_number, "reason": entry.reason,
        "created_by": entry.created_by, "created_at": entry.created_at,
    }  # fmt: skip


async def remove(session: TenantSession, raw: str) -> None:
    number = phones.normalise(raw)
    if number is None or not await DncRepository(session).remove(number):
        raise NotListed("The number is not on the do-not-call list")


async def page(
    session: TenantSession, limit: int, offset: int, phone_number: str | None
) -> dict[str, Any]:
    number = None
    if phone_number is not None:
        number = _normalise(phone_number)
    rows, total = await DncRepository(session).page(limit, offset, number)
    return {"numbers": rows, "total": total, "limit": limit, "offset": offset}
