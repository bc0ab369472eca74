"""FAQs: question/answer entries attached to agents.

Addressable by id (`faq_…`) or snake_case `name` (default: the snake_case of `title`; unique per
account, 409; immutable). No built-ins: any FAQ can be deleted, which removes its agent links
(foreign keys cascade). The list is `{faqs, count}`, by name, with an optional `category`.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.exc import IntegrityError

from kataven_hub.core.db import TenantSession, utcnow
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound
from kataven_hub.core.ids import new_id
from kataven_hub.core.repository import SNAKE_NAME, by_id_or_name
from kataven_hub.core.schemas import snake_case
from kataven_hub.faqs.models import Faq
from kataven_hub.faqs.repository import FaqRepository
from kataven_hub.faqs.schemas import FaqCreate, FaqUpdate

_SNAKE = SNAKE_NAME


async def list_faqs(session: TenantSession, category: str | None) -> dict[str, Any]:
    rows = await FaqRepository(session).list(category)
    return {"faqs": rows, "count": len(rows)}


async def find(session: TenantSession, ref: str) -> Faq | None:
    return await by_id_or_name(FaqRepository(session), "faq", ref)


async def get(session: TenantSession, ref: str) -> Faq:
    faq = await find(session, ref)
    if faq is None:
        raise NotFound("FAQ not found")
    return faq


async def create(session: TenantSession, body: FaqCreate) -> Faq:
    name = body.name or snake_case(body.title)
    if not _SNAKE.match(name):
        message = "name could not be derived from title; send a snake_case name"
        raise InvalidRequest(message, errors=[{"field": "name", "message": message}])
    faqs = FaqRepository(session)
    if await faqs.get_by_name(name) is not None:
        raise Conflict(f"An FAQ named {name!r} already exists")
    try:
        return await faqs.add(Faq(id=new_id("faq"), name=name, **body.model_dump(exclude={"name"})))
    except IntegrityError:
        raise Conflict(f"An FAQ named {name!r} already exists") from None


async def ensure(session: TenantSession, spec: dict[str, Any]) -> Faq:
    """The FAQ named `spec["name"]`, created from the spec when missing (marketplace)."""
    existing = await FaqRepository(session).get_by_name(spec["name"])
    return existing or await create(session, FaqCreate.model_validate(spec))


async def update(session: TenantSession, ref: str, body: FaqUpdate) -> Faq:
    faq = await get(session, ref)
    changes = body.model_dump(exclude_unset=True)
    if "name" in changes and changes.pop("name") != faq.name:
        raise InvalidRequest(
            "name cannot be changed", errors=[{"field": "name", "message": "immutable"}]
        )
    if changes:
        for field, value in changes.items():
            setattr(faq, field, value)
        faq.updated_at = utcnow()
        await session.flush()
    return faq


async def delete(session: TenantSession, ref: str) -> None:
    faq = await get(session, ref)
    await FaqRepository(session).delete(faq)
