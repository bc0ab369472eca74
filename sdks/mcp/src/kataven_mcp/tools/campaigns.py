"""Outbound calling campaigns: create from a CSV, run, watch, stop."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import Field

from kataven_mcp._hub import Hub, ToolInputError, local_path
from kataven_mcp._registry import Effect, tool
from kataven_mcp.tools._common import (
    DEFAULT_LIMIT,
    CampaignId,
    Limit,
    Offset,
    given,
    paging_hint,
    window,
)

CONTACT_STATUSES = ("pending", "originated", "connected", "completed", "failed", "cancelled")
_DONE = ("completed", "failed", "cancelled")
_IN_FLIGHT = ("originated", "connected")
_CALL_PAGE = 100
_CALL_PAGES = 10  # a rate above 1,000 dials per minute is reported as at least that


@tool(("campaigns.list", "campaigns.iter"), Effect.READ, "List campaigns")
async def list_campaigns(
    hub: Hub,
    status: Annotated[
        str | None,
        Field(description="Only campaigns in this state: draft, scheduled, running, paused…"),
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """List the account's outbound campaigns with status and contact totals.
    Returns {campaigns, total, next_offset}."""
    result = await hub.client.campaigns.list(status)
    rows = list(result["campaigns"])
    return window(rows, "campaigns", limit=limit, offset=offset, tool="list_campaigns")


@tool("campaigns.get", Effect.READ, "Get a campaign")
async def get_campaign(hub: Hub, campaign_id: CampaignId) -> Any:
    """Read one campaign's settings and status. For live counts use get_campaign_progress."""
    return await hub.client.campaigns.get(campaign_id)


RetryOn = Annotated[
    list[Literal["busy", "no_answer", "failed"]] | None,
    Field(description="Outcomes that are re-dialled (default all three)."),
]
Window = Annotated[
    dict[str, Any] | None,
    Field(
        description='When contacts may be called: {"start": "09:00", "end": "20:00", "days": '
        '["mon", "tue", …], "timezone": "recipient" or an IANA zone}. Default: any time.'
    ),
]
Zone = Annotated[
    str | None,
    Field(description="IANA zone for numbers whose region spans several (default UTC)."),
]
ContactsCsv = Annotated[
    str | None,
    Field(
        description="The contacts as CSV text: a header row with a phone_number column "
        "(E.164, e.g. +14155550123); other columns become custom fields for the agent. "
        "Give this or contacts_path."
    ),
]
ContactsPath = Annotated[
    str | None,
    Field(description="Path of a CSV file on this computer (local use only), instead."),
]


@tool("campaigns.create", Effect.CREATE, "Create a campaign")
async def create_campaign(
    hub: Hub,
    name: Annotated[str, Field(description="A name for the campaign.")],
    agent_id: Annotated[str, Field(description="The agent that talks on the calls (active).")],
    phone_number_id: Annotated[
        str, Field(description="The caller-ID number's id (num_…), outbound enabled.")
    ],
    contacts_csv: Annotated[
        str | None,
        Field(
            description="The contacts as CSV text: a header row with a phone_number column "
            "(E.164, e.g. +14155550123); other columns become custom fields for the agent. "
            "Give this or contacts_path."
        ),
    ] = None,
    contacts_path: Annotated[
        str | None,
        Field(description="Path of a CSV file on this computer (local use only), instead."),
    ] = None,
    max_concurrent_calls: Annotated[
        int, Field(ge=1, description="Calls in flight at once (default 5).")
    ] = 5,
    retries_per_contact: Annotated[
        int, Field(ge=0, description="Re-dials after busy, no answer or failure (default 0).")
    ] = 0,
    retry_delay_seconds: Annotated[
        int, Field(ge=60, description="Wait before a re-dial, seconds (default 300).")
    ] = 300,
    scheduled_at: Annotated[
        str | None,
        Field(description="RFC 3339 time in the future; start_campaign then waits for it."),
    ] = None,
    default_region: Annotated[
        str | None,
        Field(description="ISO region (e.g. US) to read numbers written without +."),
    ] = None,
    retry_on: RetryOn = None,
    calling_window: Window = None,
    default_timezone: Zone = None,
) -> Any:
    """Create an outbound campaign from a contact list. It is created as a draft: call
    start_campaign to begin dialling, then poll get_campaign_progress. Invalid rows are
    refused with the first bad ones named and nothing is stored; duplicate numbers are
    skipped. Returns the campaign (id, contacts_total, duplicates_skipped…)."""
    return await hub.client.campaigns.create(
        name=name,
        agent_id=agent_id,
        phone_number_id=phone_number_id,
        contacts=_contacts(hub, contacts_csv, contacts_path),
        max_concurrent_calls=max_concurrent_calls,
        retries_per_contact=retries_per_contact,
        retry_delay_seconds=retry_delay_seconds,
        **given(
            scheduled_at=scheduled_at, default_region=default_region, retry_on=retry_on,
            calling_window=calling_window, default_timezone=default_timezone,
        ),
    )  # fmt: skip


def _contacts(hub: Hub, contacts_csv: str | None, contacts_path: str | None) -> bytes | Path:
    if (contacts_csv is None) == (contacts_path is None):
        raise ToolInputError("Give the contacts either as contacts_csv (text) or contacts_path.")
    if contacts_csv is not None:
        return contacts_csv.encode("utf-8")
    return local_path(
        hub, str(contacts_path), must_exist=True, instead="pass the CSV as contacts_csv."
    )


@tool("campaigns.preflight", Effect.READ, "Check a campaign before creating it")
async def get_campaign_preflight(
    hub: Hub,
    name: Annotated[str, Field(description="A name for the campaign.")],
    agent_id: Annotated[str, Field(description="The agent that talks on the calls (active).")],
    phone_number_id: Annotated[
        str, Field(description="The caller-ID number's id (num_…), outbound enabled.")
    ],
    contacts_csv: ContactsCsv = None,
    contacts_path: ContactsPath = None,
    max_concurrent_calls: Annotated[
        int, Field(ge=1, description="Calls in flight at once (default 5).")
    ] = 5,
    default_region: Annotated[
        str | None,
        Field(description="ISO region (e.g. US) to read numbers written without +."),
    ] = None,
    retry_on: RetryOn = None,
    calling_window: Window = None,
    default_timezone: Zone = None,
) -> Any:
    """Check what create_campaign would do with these fields, storing nothing: valid
    contacts, bad rows with reasons, repeats, numbers on the do-not-call list, contacts
    outside their calling window now, an estimate of the time to dial everyone. accepted
    and error say whether create_campaign would accept it. Use it before create_campaign."""
    return await hub.client.campaigns.preflight(
        name=name,
        agent_id=agent_id,
        phone_number_id=phone_number_id,
        contacts=_contacts(hub, contacts_csv, contacts_path),
        max_concurrent_calls=max_concurrent_calls,
        **given(
            default_region=default_region, retry_on=retry_on,
            calling_window=calling_window, default_timezone=default_timezone,
        ),
    )  # fmt: skip


@tool("campaigns.update", Effect.SET, "Update a campaign")
async def update_campaign(
    hub: Hub,
    campaign_id: CampaignId,
    name: Annotated[str | None, Field(description="A new name.")] = None,
    max_concurrent_calls: Annotated[
        int | None, Field(ge=1, description="Calls in flight at once.")
    ] = None,
    retries_per_contact: Annotated[int | None, Field(ge=0, description="Re-dials.")] = None,
    retry_delay_seconds: Annotated[
        int | None, Field(ge=60, description="Wait before a re-dial, seconds.")
    ] = None,
    retry_on: RetryOn = None,
    calling_window: Window = None,
    any_time: Annotated[
        bool, Field(description="true removes the calling window (call at any time).")
    ] = False,
    default_timezone: Zone = None,
    scheduled_at: Annotated[str | None, Field(description="RFC 3339, in the future.")] = None,
) -> Any:
    """Change a draft, scheduled or paused campaign; only the fields given change (refused
    while it runs or once it has ended). Returns the campaign."""
    fields: dict[str, Any] = given(
        name=name, max_concurrent_calls=max_concurrent_calls,
        retries_per_contact=retries_per_contact, retry_delay_seconds=retry_delay_seconds,
        retry_on=retry_on, calling_window=calling_window, default_timezone=default_timezone,
        scheduled_at=scheduled_at,
    )  # fmt: skip
    if any_time:
        if calling_window is not None:
            raise ToolInputError("Give calling_window or any_time, not both.")
        fields["calling_window"] = None
    return await hub.client.campaigns.update(campaign_id, **fields)


@tool("campaigns.add_contacts", Effect.SET, "Add contacts to a campaign")
async def add_campaign_contacts(
    hub: Hub,
    campaign_id: CampaignId,
    contacts_csv: ContactsCsv = None,
    contacts_path: ContactsPath = None,
    default_region: Annotated[
        str | None,
        Field(description="ISO region (e.g. US) to read numbers written without +."),
    ] = None,
) -> Any:
    """Append more contacts to a draft or paused campaign; numbers it already has are
    skipped, so sending the same list twice adds nothing more. Returns {added,
    duplicates_skipped, do_not_call_skipped, campaign}."""
    return await hub.client.campaigns.add_contacts(
        campaign_id,
        _contacts(hub, contacts_csv, contacts_path),
        **given(default_region=default_region),
    )


_EXPORT_INLINE_MAX = 100_000


@tool("campaigns.export", Effect.CREATE, "Export a campaign's contacts")
async def export_campaign_contacts(
    hub: Hub,
    campaign_id: CampaignId,
    path: Annotated[
        str | None,
        Field(description="Where to save the CSV on this computer (local use only)."),
    ] = None,
) -> Any:
    """Every contact of a campaign with its outcome (status, attempts, call ids…) as CSV:
    saved to path (local use only), or without a path returned as text when it is small
    (up to 100 KB). Returns {path, bytes} or {csv, bytes}."""
    if path is not None:
        target = local_path(hub, path, must_exist=False, instead="leave path out.")
        size = await hub.client.campaigns.export(campaign_id, target)
        return {"campaign_id": campaign_id, "path": str(target), "bytes": size}
    buffer = io.BytesIO()
    size = await hub.client.campaigns.export(campaign_id, buffer)
    if size > _EXPORT_INLINE_MAX:
        raise ToolInputError(
            f"The export is {size} bytes, too large to return as text: give a path "
            "(local use), or use list_campaign_contacts."
        )
    return {"campaign_id": campaign_id, "csv": buffer.getvalue().decode("utf-8"), "bytes": size}


@tool("campaigns.start", Effect.ACTION, "Start a campaign", open_world=True)
async def start_campaign(hub: Hub, campaign_id: CampaignId) -> Any:
    """Start dialling a draft campaign (or schedule it, when it has a future scheduled_at).
    This calls real people unless its number is on the sandbox carrier: confirm first.
    Then poll get_campaign_progress. Returns the campaign."""
    return await hub.client.campaigns.start(campaign_id)


@tool("campaigns.pause", Effect.ACTION, "Pause a campaign")
async def pause_campaign(hub: Hub, campaign_id: CampaignId) -> Any:
    """Pause a running campaign: no new dials; calls in progress finish. resume_campaign
    continues where it stopped. Returns the campaign."""
    return await hub.client.campaigns.pause(campaign_id)


@tool("campaigns.resume", Effect.ACTION, "Resume a campaign", open_world=True)
async def resume_campaign(hub: Hub, campaign_id: CampaignId) -> Any:
    """Resume a paused campaign: dialling continues with the contacts not yet called.
    Returns the campaign; then poll get_campaign_progress."""
    return await hub.client.campaigns.resume(campaign_id)


@tool("campaigns.stop", Effect.STOP, "Stop a campaign")
async def stop_campaign(hub: Hub, campaign_id: CampaignId) -> Any:
    """Stop a campaign for good: contacts not yet called are cancelled, calls in progress
    finish, and it cannot be restarted (pause_campaign can be undone, this cannot). Ask the
    user first. Returns the campaign, now completed."""
    return await hub.client.campaigns.stop(campaign_id)


@tool("campaigns.delete", Effect.REMOVE, "Delete a campaign")
async def delete_campaign(hub: Hub, campaign_id: CampaignId) -> Any:
    """Delete a campaign with its contacts and events (refused while running or scheduled:
    stop it first). Calls already placed stay in list_calls. Ask the user first."""
    await hub.client.campaigns.delete(campaign_id)
    return {"deleted": True, "campaign_id": campaign_id}


@tool(
    ("campaigns.list_contacts", "campaigns.iter_contacts"),
    Effect.READ,
    "List a campaign's contacts",
)
async def list_campaign_contacts(
    hub: Hub,
    campaign_id: CampaignId,
    status: Annotated[
        Literal["pending", "originated", "connected", "completed", "failed", "cancelled"] | None,
        Field(description="Only contacts in this state, e.g. failed to see what went wrong."),
    ] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """List a campaign's contacts with their state, attempts, last outcome and failure
    reason. Returns {contacts, total, limit, offset, next_offset}."""
    result = await hub.client.campaigns.list_contacts(
        campaign_id, limit=limit, offset=offset, **given(status=status)
    )
    extra = f", status={status!r}" if status else ""
    shown = len(result["contacts"])
    hint = paging_hint(result["total"], shown, limit, offset, "list_campaign_contacts", extra)
    return {**result, **hint}


@tool("campaigns.stream_events", Effect.READ, "Get campaign progress")
async def get_campaign_progress(hub: Hub, campaign_id: CampaignId) -> Any:
    """One compact snapshot of a campaign, made for polling while it runs: status, contacts
    by state, calls in flight, done/total, dials in the last minute and an estimated time to
    finish. Poll every 10–30 seconds until status is completed or failed (is_finished true).
    This is the polling form of the live event stream."""
    client = hub.client
    campaign, *totals = await asyncio.gather(
        client.campaigns.get(campaign_id),
        *(
            client.campaigns.list_contacts(campaign_id, status=status, limit=1)
            for status in CONTACT_STATUSES
        ),
    )
    counts = {
        status: int(page["total"]) for status, page in zip(CONTACT_STATUSES, totals, strict=True)
    }
    total = sum(counts.values())
    done = sum(counts[s] for s in _DONE)
    status = str(campaign["status"])
    running = status == "running"
    dials = await _dials_last_minute(hub, campaign_id) if running else 0
    remaining = total - done
    eta = round(remaining / dials * 60) if running and dials and remaining else None
    return {
        "campaign_id": campaign_id,
        "name": campaign.get("name"),
        "status": status,
        "is_finished": status in ("completed", "failed"),
        "counts": counts,
        "total": total,
        "done": done,
        "in_flight": sum(counts[s] for s in _IN_FLIGHT),
        "progress": round(done / total, 4) if total else 1.0,
        "dials_per_minute": dials,
        "eta_seconds": eta,
        "started_at": campaign.get("started_at"),
        "completed_at": campaign.get("completed_at"),
        "failure_reason": campaign.get("failure_reason"),
    }


async def _dials_last_minute(hub: Hub, campaign_id: str) -> int:
    """Calls the campaign placed in the last 60 s (the calls list is newest first)."""
    since = datetime.now(UTC) - timedelta(seconds=60)
    count = 0
    for page in range(_CALL_PAGES):
        result = await hub.client.calls.list(
            campaign_id=campaign_id, limit=_CALL_PAGE, offset=page * _CALL_PAGE
        )
        calls = result.get("calls", [])
        for call in calls:
            if datetime.fromisoformat(str(call["created_at"])) < since:
                return count
            count += 1
        if len(calls) < _CALL_PAGE:
            break
    return count
