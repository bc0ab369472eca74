"""Carrier credentials, phone numbers, calls, recordings and call limits."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from kataven_mcp._hub import Hub, ToolInputError, local_path
from kataven_mcp._registry import Effect, tool
from kataven_mcp.tools._common import (
    DEFAULT_LIMIT,
    Limit,
    Offset,
    SessionId,
    given,
    paging_hint,
    window,
)

ProviderId = Annotated[str, Field(description="The carrier credential's id (prov_…).")]
NumberId = Annotated[str, Field(description="The number's id (num_…), from list_numbers.")]
E164 = Annotated[str, Field(description="A phone number in E.164 form, e.g. +14155550123.")]


@tool("telephony.list_providers", Effect.READ, "List carrier credentials")
async def list_providers(hub: Hub) -> Any:
    """List the carrier accounts (Twilio, Plivo, Vobiz, or the built-in sandbox) whose
    credentials are stored: id, provider, label and which credential keys are set (never the
    values). A number needs one of these ids as its credentials_id."""
    return await hub.client.telephony.list_providers()


@tool("telephony.create_provider", Effect.CREATE, "Store carrier credentials")
async def create_provider(
    hub: Hub,
    provider: Annotated[
        Literal["twilio", "plivo", "vobiz", "sandbox"],
        Field(description="sandbox simulates calls and never dials anyone: use it to try things."),
    ],
    label: Annotated[str, Field(description="A name for people, e.g. Production Twilio.")] = "",
    credentials: Annotated[
        dict[str, str] | None,
        Field(
            description="twilio: account_sid, auth_token; plivo and vobiz: auth_id, auth_token; "
            "sandbox: none. Stored encrypted, never shown again."
        ),
    ] = None,
) -> Any:
    """Store a carrier account's credentials so numbers can use it. Ask the user for the
    credentials; they are never returned. Returns {id, provider, label, credential_keys}."""
    return await hub.client.telephony.create_provider(
        provider=provider, label=label, credentials=credentials or {}
    )


@tool("telephony.delete_provider", Effect.REMOVE, "Delete carrier credentials")
async def delete_provider(hub: Hub, provider_id: ProviderId) -> Any:
    """Delete stored carrier credentials. Numbers that use them stop working: ask first."""
    await hub.client.telephony.delete_provider(provider_id)
    return {"deleted": True, "provider_id": provider_id}


@tool("telephony.list_numbers", Effect.READ, "List phone numbers")
async def list_numbers(
    hub: Hub,
    agent_id: Annotated[str | None, Field(description="Only numbers pinned to this agent.")] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """List the account's phone numbers: E.164, carrier, pinned agent, inbound/outbound on or
    off. A campaign or originate_call needs a number here (by id for campaigns, by E.164 for
    originate_call). Returns {numbers, total, next_offset}."""
    result = await hub.client.telephony.list_numbers(**given(agent_id=agent_id))
    rows = list(result["numbers"])
    return window(rows, "numbers", limit=limit, offset=offset, tool="list_numbers")


@tool("telephony.create_number", Effect.CREATE, "Add a phone number")
async def create_number(
    hub: Hub,
    e164: E164,
    provider: Annotated[
        str,
        Field(
            description="The carrier: twilio, plivo, vobiz or sandbox (must match the credential)."
        ),
    ],
    credentials_id: Annotated[
        str, Field(description="The carrier credential's id (prov_…), from list_providers.")
    ],
    agent_id: Annotated[
        str | None, Field(description="The agent that answers inbound calls on this number.")
    ] = None,
    inbound_enabled: Annotated[bool, Field(description="Answer calls to it.")] = True,
    outbound_enabled: Annotated[bool, Field(description="Place calls from it.")] = True,
) -> Any:
    """Add a number the account owns at a carrier (or a made-up one on the sandbox carrier)
    so agents can answer it and campaigns can call from it. Returns the number with its id."""
    return await hub.client.telephony.create_number(
        e164=e164,
        provider=provider,
        credentials_id=credentials_id,
        agent_id=agent_id,
        inbound_enabled=inbound_enabled,
        outbound_enabled=outbound_enabled,
    )


@tool("telephony.update_number", Effect.SET, "Update a phone number")
async def update_number(
    hub: Hub,
    number_id: NumberId,
    agent_id: Annotated[str | None, Field(description="Pin this agent to the number.")] = None,
    unpin_agent: Annotated[
        bool, Field(description="true detaches the pinned agent (inbound calls get busy).")
    ] = False,
    inbound_enabled: Annotated[bool | None, Field(description="Answer calls to it.")] = None,
    outbound_enabled: Annotated[bool | None, Field(description="Place calls from it.")] = None,
) -> Any:
    """Pin an agent to a number (or unpin it), or turn inbound/outbound on or off; only the
    fields given change."""
    if unpin_agent and agent_id is not None:
        raise ToolInputError("Give agent_id to pin an agent, or unpin_agent=true, not both.")
    fields = given(
        agent_id=agent_id, inbound_enabled=inbound_enabled, outbound_enabled=outbound_enabled
    )
    if unpin_agent:
        fields["agent_id"] = None
    if not fields:
        raise ToolInputError("Nothing to change: give agent_id, unpin_agent or an *_enabled flag.")
    await hub.client.telephony.update_number(number_id, **fields)
    return {"updated": True, "number_id": number_id, **fields}


@tool("telephony.delete_number", Effect.REMOVE, "Remove a phone number")
async def delete_number(hub: Hub, number_id: NumberId) -> Any:
    """Remove a number from the account (the carrier keeps it). Ask the user first."""
    await hub.client.telephony.delete_number(number_id)
    return {"deleted": True, "number_id": number_id}


@tool("calls.originate", Effect.ACTION, "Place a phone call", open_world=True)
async def originate_call(
    hub: Hub,
    from_number: Annotated[
        str, Field(description="One of the account's numbers (E.164), outbound enabled.")
    ],
    to_number: Annotated[str, Field(description="Who to call, E.164, e.g. +14155550123.")],
    agent_id: Annotated[str, Field(description="The agent that talks (must be active).")],
    custom_fields: Annotated[
        dict[str, Any] | None,
        Field(description="Up to 50 named values handed to the agent (name, order number…)."),
    ] = None,
) -> Any:
    """Place one outbound call now: the agent talks to the person at to_number. This dials a
    real phone unless the number is on the sandbox carrier, so confirm with the user first.
    Returns the call (session_id, status…); follow it with get_call."""
    return await hub.client.calls.originate(
        from_number=from_number,
        to_number=to_number,
        agent_id=agent_id,
        **given(custom_fields=custom_fields),
    )


@tool(("calls.list", "calls.iter"), Effect.READ, "List calls")
async def list_calls(
    hub: Hub,
    status: Annotated[
        str | None,
        Field(description="queued, ringing, in_progress, completed, busy, no_answer, failed…"),
    ] = None,
    campaign_id: Annotated[str | None, Field(description="Only this campaign's calls.")] = None,
    direction: Annotated[
        Literal["outbound", "inbound"] | None, Field(description="Only one direction.")
    ] = None,
    agent_id: Annotated[str | None, Field(description="Only this agent's calls.")] = None,
    since: Annotated[
        str | None, Field(description="Created at or after this time (RFC 3339).")
    ] = None,
    until: Annotated[str | None, Field(description="Created before this time (RFC 3339).")] = None,
    limit: Limit = DEFAULT_LIMIT,
    offset: Offset = 0,
) -> Any:
    """List calls, newest first, with status, numbers, agent, duration and recording state.
    Returns {calls, limit, offset, next_offset}."""
    result = await hub.client.calls.list(
        limit=limit,
        offset=offset,
        **given(
            status=status, campaign_id=campaign_id, direction=direction, agent_id=agent_id,
            from_=since, to=until,
        ),
    )  # fmt: skip
    return {**result, **paging_hint(None, len(result["calls"]), limit, offset, "list_calls")}


@tool("calls.get", Effect.READ, "Get a call")
async def get_call(hub: Hub, session_id: SessionId) -> Any:
    """Read one call: status (queued → ringing → in_progress → completed, or busy, no_answer,
    failed), duration, error and whether a recording is ready."""
    return await hub.client.calls.get(session_id)


@tool("calls.hangup", Effect.STOP, "Hang up a call", open_world=True)
async def hangup_call(hub: Hub, session_id: SessionId) -> Any:
    """End a call in flight (ringing or answered) through its carrier. Returns the call as it
    is now; its final status (completed, or canceled if it was ringing) follows shortly. A
    call that has already ended is refused; one the carrier has not taken yet: retry."""
    return await hub.client.calls.hangup(session_id)


@tool("recordings.get", Effect.READ, "Get a recording URL")
async def get_recording_url(hub: Hub, session_id: SessionId) -> Any:
    """Get a short-lived link (about 5 minutes) to a call's recording, with its content type
    and duration. Give the URL to the user right away; ask again when it has expired."""
    return await hub.client.recordings.get(session_id)


@tool("recordings.download", Effect.CREATE, "Download a recording")
async def download_recording(
    hub: Hub,
    session_id: SessionId,
    path: Annotated[str, Field(description="Where to save the audio on this computer.")],
) -> Any:
    """Save a call's recording to a file on the computer running this server (local use
    only). Returns the path and its size."""
    target = local_path(hub, path, must_exist=False, instead="use get_recording_url.")
    size = await hub.client.recordings.download(session_id, target)
    return {"session_id": session_id, "path": str(target), "bytes": size}


@tool("call_limits.get", Effect.READ, "Get call limits")
async def get_call_limits(hub: Hub) -> Any:
    """Read the account's call caps (concurrent calls, calls per minute, calls and minutes
    per day) and current usage. A call or campaign beyond them is refused with 429."""
    return await hub.client.call_limits.get()


Cap = Annotated[int | None, Field(ge=0, description="0 blocks that dimension.")]


@tool("call_limits.update", Effect.SET, "Update call limits")
async def update_call_limits(
    hub: Hub,
    concurrent_max: Cap = None,
    calls_per_minute: Cap = None,
    daily_calls_max: Cap = None,
    daily_minutes_max: Cap = None,
) -> Any:
    """Change the account's call caps; only the caps given change. The Hub accepts this from
    an owner or admin signed in to the dashboard: with an API key it answers 403, so tell the
    user to edit the caps in the Hub dashboard when that happens."""
    fields = given(
        concurrent_max=concurrent_max,
        calls_per_minute=calls_per_minute,
        daily_calls_max=daily_calls_max,
        daily_minutes_max=daily_minutes_max,
    )
    return await hub.client.call_limits.update(**fields)
