"""`/api/v1/dnc`: the account's do-not-call list."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, File, Form, Query, Response, UploadFile

from kataven_hub.campaigns.phones import is_region
from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import InvalidRequest, NotFound, PayloadTooLarge, errors_doc
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.core.settings import get_settings
from kataven_hub.dnc import csv_import as dnc_csv_import
from kataven_hub.dnc import service as dnc_service
from kataven_hub.dnc.models import DoNotCall
from kataven_hub.dnc.schemas import DncCreate, DncImportResult, DncList, DncRead

router = APIRouter(prefix="/dnc", tags=["Do not call"], route_class=TransactionalRoute)


@router.get("", response_model=DncList, responses=errors_doc(InvalidRequest))
async def list_dnc(
    principal: PrincipalDep,
    session: TenantSessionDep,
    phone_number: str | None = Query(default=None, max_length=40, description="One number"),
    limit: int = Query(default=100, ge=1, le=1000),
    offset: int = Query(default=0, ge=0, le=10**9),
) -> dict[str, Any]:
    """The numbers on the do-not-call list, newest first."""
    return await dnc_service.page(session, limit, offset, phone_number)


@router.post(
    "", status_code=201, response_model=DncRead,
    responses={200: {"description": "Already listed (its reason updated when one was given)"},
               **errors_doc(InvalidRequest)},
)  # fmt: skip
async def add_dnc(
    body: DncCreate, principal: PrincipalDep, session: TenantSessionDep, response: Response
) -> DoNotCall:
    """List a number: it is never dialled again, by campaigns (contacts are skipped with reason
    `do_not_call`, even in campaigns already running) or by originate (403). 201 when new,
    200 when it was already listed."""
    entry, created = await dnc_service.add(session, principal, body)
    if not created:
        response.status_code = 200
    return entry


@router.delete("/{phone_number}", status_code=204, responses=errors_doc(NotFound))
async def delete_dnc(
    phone_number: str, principal: PrincipalDep, session: TenantSessionDep
) -> Response:
    """Take a number off the list (URL-encode the `+` as `%2B` or keep it as is)."""
    await dnc_service.remove(session, phone_number)
    return Response(status_code=204)


@router.post(
    "/import", response_model=DncImportResult, responses=errors_doc(InvalidRequest, PayloadTooLarge)
)
async def import_dnc(
    principal: PrincipalDep,
    session: TenantSessionDep,
    file: Annotated[
        UploadFile, File(description="CSV with a phone_number column (and optionally reason)")
    ],
    reason: Annotated[str | None, Form(max_length=200, description="For rows without one")] = None,
    default_region: Annotated[
        str | None, Form(description="ISO region (e.g. US) for numbers written without +")
    ] = None,
) -> dict[str, Any]:
    """List every number of a CSV, streamed, with the campaign CSV rules (UTF-8, a header with
    `phone_number`, numbers normalised to E.164, repeats counted once). Any bad row → 400
    naming the first 20 bad rows, and nothing is listed."""
    settings = get_settings()
    limit = settings.CAMPAIGN_CSV_MAX_BYTES
    if file.size is not None and file.size > limit:
        raise PayloadTooLarge(f"CSV file too large: at most {limit} bytes")
    region = None
    if default_region is not None and default_region.strip():
        region = default_region.strip().upper()
        if not is_region(region):
            raise InvalidRequest(
                "default_region must be an ISO 3166 region code such as US or GB",
                errors=[{"field": "default_region", "message": "unknown region"}],
            )
    if reason is not None and "\x00" in reason:
        raise InvalidRequest(
            "reason must not contain NUL", errors=[{"field": "reason", "message": "NUL"}]
        )
    return await dnc_csv_import.import_csv(
        session, principal, file.file, region, reason or None, settings.CAMPAIGN_CSV_FIELD_MAX_BYTES
    )
