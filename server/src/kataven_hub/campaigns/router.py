from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Header, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse

from kataven_hub.campaigns import service as campaigns_service
from kataven_hub.campaigns import stream as campaign_stream
from kataven_hub.campaigns.models import CONTACT_STATUSES
from kataven_hub.campaigns.phones import is_region
from kataven_hub.campaigns.schemas import (
    CampaignList,
    CampaignRead,
    CampaignStatus,
    ContactList,
)
from kataven_hub.core import sse, tenancy
from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import Conflict, InvalidRequest, NotFound, PayloadTooLarge, errors_doc
from kataven_hub.core.sessions import ControlSessionDep, TenantSessionDep, TransactionalRoute
from kataven_hub.core.settings import get_settings

router = APIRouter(prefix="/campaigns", tags=["Campaigns"], route_class=TransactionalRoute)
_ID = "Campaign id"


def _text(field: str, value: str, max_length: int) -> str:
    value = value.strip()
    if not value or len(value) > max_length or "\x00" in value:
        raise InvalidRequest(
            f"{field} must be 1–{max_length} characters",
            errors=[{"field": field, "message": f"must be 1–{max_length} characters, no NUL"}],
        )
    return value


def _scheduled_at(value: str | None) -> datetime | None:
    if value is None or not value.strip():
        return None
    try:
        when = datetime.fromisoformat(value.strip())
    except ValueError:
        when = None
    if when is None or when.tzinfo is None or len(value) > 40:
        raise InvalidRequest(
            "scheduled_at must be an RFC 3339 timestamp with a time zone",
            errors=[{"field": "scheduled_at", "message": "not an RFC 3339 timestamp"}],
        )
    return when


@router.get("", response_model=CampaignList)
async def list_campaigns(
    principal: PrincipalDep,
    session: TenantSessionDep,
    status: CampaignStatus | None = Query(default=None, description="Only campaigns in it"),
) -> dict[str, Any]:
    """Every campaign of the account, newest first, each with its `progress` (contact counts
    by status); filter by `status`."""
    return await campaigns_service.list_campaigns(session, status)


@router.post(
    "", status_code=201, response_model=CampaignRead,
    responses=errors_doc(InvalidRequest, PayloadTooLarge),
)  # fmt: skip
async def create_campaign(
    principal: PrincipalDep,
    session: TenantSessionDep,
    request: Request,
    name: Annotated[str, Form(description="Campaign name")],
    agent_id: Annotated[str, Form(description="The agent that handles the calls")],
    phone_number_id: Annotated[str, Form(description="The caller-ID number (outbound enabled)")],
    contacts: Annotated[UploadFile, File(description="CSV with a phone_number column, ≤ 10 MB")],
    max_concurrent_calls: Annotated[int, Form(ge=1, le=100)] = 5,
    retries_per_contact: Annotated[int, Form(ge=0, le=5)] = 0,
    retry_delay_seconds: Annotated[int, Form(ge=0, le=7 * 86400, description="≥ 60")] = 300,
    scheduled_at: Annotated[str | None, Form(description="RFC 3339, in the future")] = None,
    default_region: Annotated[
        str | None, Form(description="ISO region (e.g. US) for numbers written without +")
    ] = None,
) -> CampaignRead:
    """Create a campaign in `draft` from a `multipart/form-data` upload: `contacts` is a CSV
    whose header has a `phone_number` column (E.164, or national numbers with
    `default_region`); every other column is kept as the contact's `custom_fields`. Repeated
    numbers keep their first row (`duplicates_skipped`). Any bad row → 400 naming the first
    20 bad rows, and nothing is stored. Dialling starts with `start`."""
    settings = get_settings()
    if len((await request.form()).getlist("contacts")) > 1:  # parsed once, cached
        raise InvalidRequest(
            "Send one contacts file per campaign",
            errors=[{"field": "contacts", "message": "more than one file"}],
        )
    if retry_delay_seconds < settings.CAMPAIGN_MIN_RETRY_DELAY_SECONDS:
        floor = settings.CAMPAIGN_MIN_RETRY_DELAY_SECONDS
        raise InvalidRequest(
            f"retry_delay_seconds must be at least {floor}",
            errors=[{"field": "retry_delay_seconds", "message": f"must be ≥ {floor}"}],
        )
    limit = settings.CAMPAIGN_CSV_MAX_BYTES
    if contacts.size is not None and contacts.size > limit:
        raise PayloadTooLarge(f"CSV file too large: at most {limit} bytes")
    region = None
    if default_region is not None and default_region.strip():
        region = default_region.strip().upper()
        if not is_region(region):
            raise InvalidRequest(
                "default_region must be an ISO 3166 region code such as US or GB",
                errors=[{"field": "default_region", "message": "unknown region"}],
            )
    body = campaigns_service.CampaignCreate(
        name=_text("name", name, 200),
        agent_id=_text("agent_id", agent_id, 100),
        phone_number_id=_text("phone_number_id", phone_number_id, 100),
        max_concurrent_calls=max_concurrent_calls,
        retries_per_contact=retries_per_contact,
        retry_delay_seconds=retry_delay_seconds,
        scheduled_at=_scheduled_at(scheduled_at),
        default_region=region,
    )
    campaign = await campaigns_service.create(session, principal, body, contacts.file)
    return await campaigns_service.read(session, campaign)


@router.get("/{campaign_id}", response_model=CampaignRead, responses=errors_doc(NotFound))
async def get_campaign(
    campaign_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> CampaignRead:
    """One campaign with its status and `progress`: contact counts by status, the same
    figures as the live stream's snapshot."""
    return await campaigns_service.read(session, await campaigns_service.get(session, campaign_id))


@router.delete("/{campaign_id}", status_code=204, responses=errors_doc(NotFound, Conflict))
async def delete_campaign(
    campaign_id: str, principal: PrincipalDep, control: ControlSessionDep, session: TenantSessionDep
) -> Response:
    """Delete a campaign with its contacts and events. Refused (409) while it is running or
    scheduled: pause or stop it first."""
    await campaigns_service.delete(session, control, principal.account, campaign_id)
    return Response(status_code=204)


@router.get("/{campaign_id}/contacts", response_model=ContactList, responses=errors_doc(NotFound))
async def list_contacts(
    campaign_id: str,
    principal: PrincipalDep,
    session: TenantSessionDep,
    status: str | None = Query(default=None, description=", ".join(CONTACT_STATUSES)),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int | None = Query(default=None, ge=0, le=10**9),
    page: int | None = Query(default=None, ge=0, le=10**7, description="offset = page × 100"),
) -> dict[str, Any]:
    """Contacts in CSV order, with their status and attempts; filter by `status`."""
    if status is not None and status not in CONTACT_STATUSES:
        raise InvalidRequest(
            f"status must be one of: {', '.join(CONTACT_STATUSES)}",
            errors=[{"field": "status", "message": "unknown status"}],
        )
    start = offset if offset is not None else (page or 0) * 100
    return await campaigns_service.contacts(session, campaign_id, status, limit, start)


@router.get(
    "/{campaign_id}/events",
    responses={200: {"content": {"text/event-stream": {}}, "description": "SSE stream"},
               **errors_doc(NotFound)},
)  # fmt: skip
async def stream_events(
    campaign_id: str,
    principal: PrincipalDep,
    session: TenantSessionDep,
    last_event_id: Annotated[str | None, Header(alias="Last-Event-ID")] = None,
) -> StreamingResponse:
    """Server-Sent Events: `event: contact` per contact transition, `event: status` per
    campaign state change (both with `id:`), an unnamed progress snapshot every 2 s while
    running, `: heartbeat` every 15 s, and `event: end` when the campaign is completed or
    failed. Reconnect with `Last-Event-ID` to receive every later event exactly once."""
    await campaigns_service.get(session, campaign_id)
    await session.close()  # no connection is held while streaming
    engine = await tenancy.get().engine_for(principal.account)
    assert engine is not None
    body = campaign_stream.stream(
        engine, principal.account, campaign_id, sse.last_event_id(last_event_id)
    )
    return StreamingResponse(body, media_type="text/event-stream", headers=sse.HEADERS)


def _action(name: str, doc: str, errors: tuple[type, ...] = (NotFound, Conflict)) -> Any:
    return router.post(
        f"/{{campaign_id}}/{name}", response_model=CampaignRead, responses=errors_doc(*errors),
        operation_id=f"{name}_campaign", description=doc,
    )  # fmt: skip


@_action(
    "start",
    "draft or paused → running (or → scheduled when `scheduled_at` is in the "
    "future), within the concurrency budget (409 otherwise).",
)
async def start_campaign(
    campaign_id: str, principal: PrincipalDep, control: ControlSessionDep, session: TenantSessionDep
) -> CampaignRead:
    campaign = await campaigns_service.start(session, control, principal.account, campaign_id)
    return await campaigns_service.read(session, campaign)


@_action("pause", "running → paused: no new calls; calls in flight finish.")
async def pause_campaign(
    campaign_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> CampaignRead:
    campaign = await campaigns_service.pause(session, principal.account, campaign_id)
    return await campaigns_service.read(session, campaign)


@_action("resume", "paused → running, within the concurrency budget (409 otherwise).")
async def resume_campaign(
    campaign_id: str, principal: PrincipalDep, control: ControlSessionDep, session: TenantSessionDep
) -> CampaignRead:
    campaign = await campaigns_service.resume(session, control, principal.account, campaign_id)
    return await campaigns_service.read(session, campaign)


@_action(
    "stop",
    "Stop permanently → completed: pending contacts are cancelled, calls in "
    "flight finish. Cannot be undone.",
)
async def stop_campaign(
    campaign_id: str, principal: PrincipalDep, control: ControlSessionDep, session: TenantSessionDep
) -> CampaignRead:
    campaign = await campaigns_service.stop(session, control, principal.account, campaign_id)
    return await campaigns_service.read(session, campaign)
