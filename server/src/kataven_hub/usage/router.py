"""Usage (`/api/v1/usage`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import InvalidRequest, errors_doc
from kataven_hub.core.schemas import QueryTime
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.usage import service as usage_service
from kataven_hub.usage.schemas import Granularity, UsageRead

router = APIRouter(prefix="/usage", tags=["Usage"], route_class=TransactionalRoute)


@router.get("", response_model=UsageRead, responses=errors_doc(InvalidRequest))
async def get_usage(
    principal: PrincipalDep,
    session: TenantSessionDep,
    since: QueryTime | None = Query(
        default=None, alias="from", description="Start (UTC; default: 30 days or 24 hours ago)."
    ),
    until: QueryTime | None = Query(default=None, alias="to", description="End (default: now)."),
    granularity: Granularity = Query(default="day"),
) -> dict[str, Any]:
    """Calls and talk minutes per UTC day (up to 366 rows) or hour (up to 744 rows), from the
    calls table. `outbound_calls` and `outbound_minutes` of today's row are what the daily
    call cap and minute budget have counted. Periods without calls are listed with zeros."""
    return await usage_service.usage(session, since, until, granularity)
