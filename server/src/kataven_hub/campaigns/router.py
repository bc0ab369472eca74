from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, Response, UploadFile
from fastapi.responses import StreamingResponse
from pydantic import ValidationError

from kataven_hub.campaigns import service as campaigns_service
from kataven_hub.campaigns import stream as campaign_stream
from kataven_hub.campaigns.models import CONTACT_STATUSES, RETRY_OUTCOMES
from kataven_hub.campaigns.phones import is_region
from kataven_hub.campaigns.schemas import (
    CallingWindow,
    CampaignForm,
    CampaignList,
    CampaignRead,
    CampaignStatus,
    CampaignUpdate,
    ContactList,
    ContactsAdded,
    CreateCampaignForm,
    PreflightCampaignForm,
    PreflightReport,
    check_zone,
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


def _retry_on(values: list[str] | None) -> list[str]:
    if not values:
        return list(RETRY_OUTCOMES)
    chosen = {v.strip() for value in values for v in value.split(",") if v.strip()}
    if not chosen <= set(RETRY_OUTCOMES):
        raise InvalidRequest(
            f"retry_on must name outcomes among: {', '.join(RETRY_OUTCOMES)}",
            errors=[{"field": "retry_on", "message": "unknown outcome"}],
        )
    return [o for o in RETRY_OUTCOMES if o in chosen]


def _calling_window(value: str | None) -> dict[str, Any] | None:
    if value is None or not value.strip():
        return None
    try:
        return CallingWindow.model_validate_json(value[:2000]).model_dump()
    except ValidationError as exc:
        detail = "; ".join(str(e.get("msg", "invalid"))[:200] for e in exc.errors()[:5])
        raise InvalidRequest(
            f"calling_window is invalid: {detail}",
            errors=[{"field": "calling_window", "message": detail}],
        ) from None


def _zone(value: str | None) -> str:
    if value is None or not value.strip():
        return "UTC"
    try:
        return check_zone(value.strip())
    except ValueError:
        raise InvalidRequest(
            "default_timezone must be an IANA time zone such as America/New_York",
            errors=[{"field": "default_timezone", "message": "unknown time zone"}],
        ) from None


# A form model with a file field: FastAPI would otherwise document it as urlencoded.
_MULTIPART = Form(media_type="multipart/form-data")


async def _checked(
    request: Request, form: CampaignForm
) -> tuple[campaigns_service.CampaignCreate, UploadFile]:
    """Create's (and preflight's) form, checked and converted: the same 400s for both."""
    settings = get_settings()
    if len((await request.form()).getlist("contacts")) > 1:  # parsed once, cached
        raise InvalidRequest(
            "Send one contacts file per campaign",
            errors=[{"field": "contacts", "message": "more than one file"}],
        )
    if form.retry_delay_seconds < settings.CAMPAIGN_MIN_RETRY_DELAY_SECONDS:
        floor = settings.CAMPAIGN_MIN_RETRY_DELAY_SECONDS
        raise InvalidRequest(
            f"retry_delay_seconds must be at least {floor}",
            errors=[{"field": "retry_delay_seconds", "message": f"must be ≥ {floor}"}],
        )
    _check_size(form.contacts)
    body = campaigns_service.CampaignCreate(
        name=_text("name", form.name, 200),
        agent_id=_text("agent_id", form.agent_id, 100),
        phone_number_id=_text("phone_number_id", form.phone_number_id, 100),
        max_concurrent_calls=form.max_concurrent_calls,
        retries_per_contact=form.retries_per_contact,
        retry_delay_seconds=form.retry_delay_seconds,
        scheduled_at=_scheduled_at(form.scheduled_at),
        default_region=_region(form.default_region),
        retry_on=_retry_on(form.retry_on),
        calling_window=_calling_window(form.calling_window),
        default_timezone=_zone(form.default_timezone),
    )
    return body, form.contacts


async def _create_form(
    request: Request, form: Annotated[CreateCampaignForm, _MULTIPART]
) -> tuple[campaigns_service.CampaignCreate, UploadFile]:
    return await _checked(request, form)


async def _preflight_form(
    request: Request, form: Annotated[PreflightCampaignForm, _MULTIPART]
) -> tuple[campaigns_service.CampaignCreate, UploadFile]:
    return await _checked(request, form)


CreateForm = Annotated[tuple[campaigns_service.CampaignCreate, UploadFile], Depends(_create_form)]
PreflightForm = Annotated[
    tuple[campaigns_service.CampaignCreate, UploadFile], Depends(_preflight_form)
]


def _check_size(upload: UploadFile) -> None:
    limit = get_settings().CAMPAIGN_CSV_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise PayloadTooLarge(f"CSV file too large: at most {limit} bytes")


def _region(default_region: str | None) -> str | None:
    if default_region is None or not default_region.strip():
        return None
    region = default_region.strip().upper()
    if not is_region(region):
        raise InvalidRequest(
            "default_region must be an ISO 3166 region code such as US or GB",
            errors=[{"field": "default_region", "message": "unknown region"}],
        )
    return region


@router.post(
    "", status_code=201, response_model=CampaignRead,
    responses=errors_doc(InvalidRequest, PayloadTooLarge),
)  # fmt: skip
async def create_campaign(
    principal: PrincipalDep, session: TenantSessionDep, form: CreateForm
) -> CampaignRead:
    """Create a campaign in `draft` from a `multipart/form-data` upload: `contacts` is a CSV
    whose header has a `phone_number` column (E.164, or national numbers with
    `default_region`); every other column is kept as the contact's `custom_fields`. Repeated
    numbers keep their first row (`duplicates_skipped`); numbers on the do-not-call list are
    stored `skipped` (`do_not_call_skipped`). Any bad row → 400 naming the first 20 bad rows,
    and nothing is stored. Dialling starts with `start`."""
    body, contacts = form
    campaign = await campaigns_service.create(session, principal, body, contacts.file)
    return await campaigns_service.read(session, campaign)


@router.post(
    "/preflight", response_model=PreflightReport,
    responses=errors_doc(InvalidRequest, PayloadTooLarge),
)  # fmt: skip
async def preflight_campaign(principal: PrincipalDep, form: PreflightForm) -> dict[str, Any]:
    """Check a create body without storing anything: the same form, checked as create checks
    it (a bad field is the same 400), and a report on the CSV: the contacts create would
    store, bad rows with their reasons (the first 100), repeats, numbers on the do-not-call
    list, contacts whose calling window is closed right now, and an estimate of the time to
    dial everyone once. `accepted` and `error` say what create would answer."""
    body, contacts = form
    engine = await tenancy.get().engine_for(principal.account)
    assert engine is not None
    return await campaigns_service.preflight(engine, principal, body, contacts.file)


@router.get("/{campaign_id}", response_model=CampaignRead, responses=errors_doc(NotFound))
async def get_campaign(
    campaign_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> CampaignRead:
    """One campaign with its status and `progress`: contact counts by status, the same
    figures as the live stream's snapshot."""
    return await campaigns_service.read(session, await campaigns_service.get(session, campaign_id))


@router.patch(
    "/{campaign_id}", response_model=CampaignRead,
    responses=errors_doc(InvalidRequest, NotFound, Conflict),
)  # fmt: skip
async def update_campaign(
    campaign_id: str,
    body: CampaignUpdate,
    principal: PrincipalDep,
    control: ControlSessionDep,
    session: TenantSessionDep,
) -> CampaignRead:
    """Change a draft, scheduled or paused campaign: `name`, `max_concurrent_calls` (the
    concurrency budget is checked again, 409), `retries_per_contact`, `retry_delay_seconds`,
    `retry_on`, `calling_window` (null: any time), `default_timezone`, `scheduled_at`.
    409 while it is running, completed or failed."""
    campaign = await campaigns_service.update(
        session, control, principal.account, campaign_id, body
    )
    return await campaigns_service.read(session, campaign)


@router.post(
    "/{campaign_id}/contacts", response_model=ContactsAdded,
    responses=errors_doc(InvalidRequest, NotFound, Conflict, PayloadTooLarge),
)  # fmt: skip
async def add_campaign_contacts(
    campaign_id: str,
    principal: PrincipalDep,
    session: TenantSessionDep,
    contacts: Annotated[UploadFile, File(description="CSV with a phone_number column, ≤ 10 MB")],
    default_region: Annotated[
        str | None, Form(description="ISO region (e.g. US) for numbers written without +")
    ] = None,
) -> dict[str, Any]:
    """Append the contacts of another CSV to a draft or paused campaign, with create's rules;
    numbers the campaign already has (or the file repeats) are skipped, numbers on the
    do-not-call list stored as skipped. Any bad row → 400 and nothing is added. 409 in any
    other state."""
    _check_size(contacts)
    region = _region(default_region)
    return await campaigns_service.add_contacts(
        session, principal.account, campaign_id, contacts.file, region
    )


@router.get(
    "/{campaign_id}/contacts.csv",
    responses={200: {"content": {"text/csv": {}}, "description": "CSV, streamed"},
               **errors_doc(NotFound)},
)  # fmt: skip
async def export_campaign_contacts(
    campaign_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> StreamingResponse:
    """Every contact as CSV, in dial order: `phone_number`, the custom fields' columns, then
    `contact_id, status, attempts, last_outcome, failure_reason, call_ids` (every call placed,
    space separated), `timezone, next_attempt_at, completed_at`. Values that a spreadsheet
    would run as a formula (starting with `=`, `+`, `-`, `@`, tab or CR) are prefixed with `'`
    (the E.164 phone number excepted)."""
    campaign = await campaigns_service.get(session, campaign_id)
    await session.close()  # the export streams on a connection of its own
    engine = await tenancy.get().engine_for(principal.account)
    assert engine is not None
    body = campaigns_service.export(engine, campaign)
    disposition = f'attachment; filename="{campaign.id}-contacts.csv"'
    return StreamingResponse(
        body, media_type="text/csv; charset=utf-8", headers={"Content-Disposition": disposition}
    )


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
    campaign state change, `event: updated` when it is changed or gets contacts (all with
    `id:`), an unnamed progress snapshot every 2 s while running (with a calling window, also
    `waiting_for_window` and `next_window_at`), `: heartbeat` every 15 s, and `event: end`
    when the campaign is completed or failed. Reconnect with `Last-Event-ID` to receive every
    later event exactly once."""
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
