"""Telephony, calls, recordings and campaigns: the commands with live progress."""

import json
import sys
import time
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)

from kataven import KatavenClient

from ._common import (
    All,
    Set,
    client,
    done,
    err,
    fields,
    given,
    group,
    json_object,
    out,
    show,
    show_rows,
    state,
)

Opt = typer.Option

# ---- telephony ----------------------------------------------------------------------------------

telephony = group("telephony", "Carrier credentials and phone numbers")
Inbound = Annotated[bool | None, Opt("--inbound/--no-inbound")]
Outbound = Annotated[bool | None, Opt("--outbound/--no-outbound")]


@telephony.command("providers")
def providers() -> None:
    with client() as c:
        show(c.telephony.list_providers(), ["id", "provider", "label"])


@telephony.command("add-provider")
def add_provider(
    provider: Annotated[str, Opt("--provider")],
    label: Annotated[str | None, Opt("--label")] = None,
    credentials: Annotated[
        str | None, Opt("--credentials", help="JSON object or @file.json")
    ] = None,
    set_: Set = None,
) -> None:
    """Store a carrier credential: --credentials '{"account_sid": …}' (or @file), or --set k=v."""
    creds = {**(json_object(credentials, "--credentials") or {}), **fields(set_)}
    with client() as c:
        show(c.telephony.create_provider(provider, **given(label=label, credentials=creds or None)))


@telephony.command("delete-provider")
def delete_provider(provider_id: str) -> None:
    with client() as c:
        c.telephony.delete_provider(provider_id)
    done(f"deleted {provider_id}")


@telephony.command("numbers")
def numbers(agent: Annotated[str | None, Opt("--agent", help="only this agent's")] = None) -> None:
    with client() as c:
        show(c.telephony.list_numbers(agent_id=agent), ["id", "e164", "provider", "agent_id"])


@telephony.command("add-number")
def add_number(
    e164: Annotated[str, Opt("--e164")],
    provider: Annotated[str, Opt("--provider")],
    credentials_id: Annotated[str, Opt("--credentials", help="provider credential id")],
    agent: Annotated[str | None, Opt("--agent")] = None,
    inbound: Inbound = None,
    outbound: Outbound = None,
) -> None:
    kw = given(agent_id=agent, inbound_enabled=inbound, outbound_enabled=outbound)
    with client() as c:
        show(c.telephony.create_number(e164, provider, credentials_id, **kw))


@telephony.command("update-number")
def update_number(
    number_id: str,
    agent: Annotated[str | None, Opt("--agent", help="pin to this agent")] = None,
    unpin: Annotated[bool, Opt("--unpin", help="detach the number")] = False,
    inbound: Inbound = None,
    outbound: Outbound = None,
) -> None:
    kw = given(inbound_enabled=inbound, outbound_enabled=outbound)
    if agent is not None or unpin:
        kw["agent_id"] = None if unpin else agent
    with client() as c:
        c.telephony.update_number(number_id, **kw)
    if not state.as_json:  # the API answers 204: show what changed
        show({"id": number_id, **kw})


@telephony.command("delete-number")
def delete_number(number_id: str) -> None:
    with client() as c:
        c.telephony.delete_number(number_id)
    done(f"deleted {number_id}")


# ---- calls, recordings --------------------------------------------------------------------------

calls = group("calls", "Calls")
TERMINAL_CALL = {"completed", "busy", "no_answer", "failed", "canceled"}
CALL_COLUMNS = ["session_id", "status", "direction", "to_number"]


@calls.command("list")
def calls_list(
    limit: Annotated[int, Opt("--limit")] = 50,
    offset: Annotated[int | None, Opt("--offset")] = None,
    status: Annotated[str | None, Opt("--status")] = None,
    campaign: Annotated[str | None, Opt("--campaign", help="campaign id")] = None,
    direction: Annotated[str | None, Opt("--direction", help="inbound or outbound")] = None,
    agent: Annotated[str | None, Opt("--agent", help="agent id")] = None,
    from_: Annotated[str | None, Opt("--from", help="created at or after (RFC 3339)")] = None,
    to: Annotated[str | None, Opt("--to", help="created before (RFC 3339)")] = None,
    all_: All = False,
) -> None:
    q = given(status=status, campaign_id=campaign, direction=direction)
    f = given(agent_id=agent, from_=from_, to=to)
    with client() as c:
        if all_ and f:
            raise typer.BadParameter("--all takes --status, --campaign and --direction only")
        every = c.calls.iter(**q) if all_ else None
        page = None if all_ else c.calls.list(limit=limit, offset=offset, **q, **f)
        show_rows(page, every, CALL_COLUMNS)


@calls.command("hangup")
def calls_hangup(session_id: str) -> None:
    """End a call in flight; its final status follows from the carrier."""
    with client() as c:
        show(c.calls.hangup(session_id))


@calls.command("get")
def calls_get(session_id: str) -> None:
    with client() as c:
        show(c.calls.get(session_id))


@calls.command("originate")
def originate(
    from_number: Annotated[str, Opt("--from")],
    to_number: Annotated[str, Opt("--to")],
    agent: Annotated[str, Opt("--agent")],
    custom_fields: Annotated[
        str | None, Opt("--custom-fields", help="JSON object or @file.json")
    ] = None,
    wait: Annotated[bool, Opt("--wait", help="Print each status until it ends")] = False,
) -> None:
    kw = given(custom_fields=json_object(custom_fields, "--custom-fields"))
    with client() as c:
        call = c.calls.originate(from_number, to_number, agent, **kw)
        if not wait:
            show(call)
            return
        last = None
        while True:
            if call["status"] != last:
                last = call["status"]
                if state.as_json:
                    sys.stdout.write(json.dumps(call) + "\n")
                else:
                    out.print(f"{call['session_id']}  {last}")
                sys.stdout.flush()
            if last in TERMINAL_CALL:
                return
            time.sleep(0.5)
            call = c.calls.get(call["session_id"])


recordings = group("recordings", "Call recordings")


@recordings.command("get")
def recordings_get(session_id: str) -> None:
    """A URL that plays the recording for 5 minutes."""
    with client() as c:
        show(c.recordings.get(session_id))


@recordings.command("download")
def download(
    session_id: str, output: Annotated[Path, Opt("-o", "--output")] = Path("call.wav")
) -> None:
    with client() as c, _bar(transfer=True) as bar:
        task = bar.add_task("download", total=None)

        def progress(done: int, total: int | None) -> None:
            bar.update(task, completed=done, total=total)

        written = c.recordings.download(session_id, output, progress)
    if state.as_json:
        sys.stdout.write(json.dumps({"path": str(output), "bytes": written}) + "\n")
    else:
        out.print(f"{output}: {written} bytes")


def _bar(transfer: bool = False) -> Progress:
    columns: list[Any] = [TextColumn("{task.description}"), BarColumn(), TaskProgressColumn()]
    if transfer:
        columns += [DownloadColumn(), TransferSpeedColumn()]
    columns.append(TimeRemainingColumn())
    return Progress(*columns, console=err, transient=False, disable=state.as_json)


# ---- campaigns ----------------------------------------------------------------------------------

campaigns = group("campaigns", "CSV campaigns")
CAMPAIGN_COLUMNS = ["id", "name", "status", "max_concurrent_calls"]


@campaigns.command("list")
def campaigns_list(
    status: Annotated[str | None, Opt("--status", help="only campaigns in this state")] = None,
    all_: All = False,
) -> None:
    with client() as c:
        if all_:
            every = [r for r in c.campaigns.iter() if status is None or r["status"] == status]
            show_rows(None, every, CAMPAIGN_COLUMNS)
        else:
            show_rows(c.campaigns.list(status), None, CAMPAIGN_COLUMNS)


@campaigns.command("get")
def campaigns_get(campaign_id: str) -> None:
    with client() as c:
        show(c.campaigns.get(campaign_id))


@campaigns.command("contacts")
def campaigns_contacts(
    campaign_id: str,
    status: Annotated[str | None, Opt("--status")] = None,
    limit: Annotated[int, Opt("--limit")] = 100,
    offset: Annotated[int | None, Opt("--offset")] = None,
    all_: All = False,
) -> None:
    with client() as c:
        every = c.campaigns.iter_contacts(campaign_id, status=status) if all_ else None
        page = None
        if not all_:
            page = c.campaigns.list_contacts(campaign_id, status=status, limit=limit, offset=offset)
        show_rows(page, every, ["id", "phone_number", "status", "attempts"])


RetryOn = Annotated[
    list[str] | None, Opt("--retry-on", help="busy, no_answer or failed (repeatable)")
]
Window = Annotated[
    str | None,
    Opt("--calling-window", help='JSON {"start": "09:00", "end": "20:00", ...} or @file.json'),
]
Zone = Annotated[str | None, Opt("--default-timezone", help="IANA zone, e.g. America/New_York")]


@campaigns.command("preflight")
def campaigns_preflight(
    name: Annotated[str, Opt("--name")],
    agent: Annotated[str, Opt("--agent")],
    number: Annotated[str, Opt("--number", help="phone number id")],
    csv: Annotated[Path, Opt("--csv", exists=True, dir_okay=False)],
    max_concurrent_calls: Annotated[int | None, Opt("--max-concurrent")] = None,
    retries: Annotated[int | None, Opt("--retries", help="retries per contact")] = None,
    retry_delay: Annotated[int | None, Opt("--retry-delay", help="seconds")] = None,
    scheduled_at: Annotated[str | None, Opt("--scheduled-at", help="ISO 8601 time")] = None,
    default_region: Annotated[str | None, Opt("--default-region", help="e.g. US")] = None,
    retry_on: RetryOn = None,
    calling_window: Window = None,
    default_timezone: Zone = None,
) -> None:
    """Check a create without storing anything: a report on the CSV."""
    kw = given(
        max_concurrent_calls=max_concurrent_calls, retries_per_contact=retries,
        retry_delay_seconds=retry_delay, scheduled_at=scheduled_at,
        default_region=default_region, retry_on=retry_on,
        calling_window=json_object(calling_window, "--calling-window"),
        default_timezone=default_timezone,
    )  # fmt: skip
    with client() as c:
        show(c.campaigns.preflight(name, agent, number, csv, **kw))


@campaigns.command("update")
def campaigns_update(
    campaign_id: str,
    name: Annotated[str | None, Opt("--name")] = None,
    max_concurrent_calls: Annotated[int | None, Opt("--max-concurrent")] = None,
    retries: Annotated[int | None, Opt("--retries", help="retries per contact")] = None,
    retry_delay: Annotated[int | None, Opt("--retry-delay", help="seconds")] = None,
    retry_on: RetryOn = None,
    calling_window: Window = None,
    default_timezone: Zone = None,
    scheduled_at: Annotated[str | None, Opt("--scheduled-at", help="ISO 8601 time")] = None,
    set_: Set = None,
) -> None:
    """Change a draft, scheduled or paused campaign (--set calling_window=null: any time)."""
    kw: dict[str, Any] = given(
        name=name, max_concurrent_calls=max_concurrent_calls, retries_per_contact=retries,
        retry_delay_seconds=retry_delay, retry_on=retry_on,
        calling_window=json_object(calling_window, "--calling-window"),
        default_timezone=default_timezone, scheduled_at=scheduled_at,
    )  # fmt: skip
    with client() as c:
        show(c.campaigns.update(campaign_id, **kw, **fields(set_)))


@campaigns.command("add-contacts")
def campaigns_add_contacts(
    campaign_id: str,
    csv: Annotated[Path, Opt("--csv", exists=True, dir_okay=False)],
    default_region: Annotated[str | None, Opt("--default-region", help="e.g. US")] = None,
) -> None:
    """Append a CSV's contacts to a draft or paused campaign."""
    with client() as c:
        show(c.campaigns.add_contacts(campaign_id, csv, **given(default_region=default_region)))


@campaigns.command("export")
def campaigns_export(
    campaign_id: str,
    output: Annotated[Path, Opt("-o", "--output", help="file to write")] = Path("contacts.csv"),
) -> None:
    """Every contact with its outcome, as CSV (streamed to the file)."""
    with client() as c:
        written = c.campaigns.export(campaign_id, output)
    if state.as_json:
        sys.stdout.write(json.dumps({"path": str(output), "bytes": written}) + "\n")
    else:
        out.print(f"{output}: {written} bytes")


@campaigns.command("create")
def campaigns_create(
    name: Annotated[str, Opt("--name")],
    agent: Annotated[str, Opt("--agent")],
    number: Annotated[str, Opt("--number", help="phone number id")],
    csv: Annotated[Path, Opt("--csv", exists=True, dir_okay=False)],
    max_concurrent_calls: Annotated[int | None, Opt("--max-concurrent")] = None,
    retries: Annotated[int | None, Opt("--retries", help="retries per contact")] = None,
    retry_delay: Annotated[int | None, Opt("--retry-delay", help="seconds")] = None,
    scheduled_at: Annotated[str | None, Opt("--scheduled-at", help="ISO 8601 time")] = None,
    default_region: Annotated[str | None, Opt("--default-region", help="e.g. US")] = None,
    retry_on: RetryOn = None,
    calling_window: Window = None,
    default_timezone: Zone = None,
    start: Annotated[bool, Opt("--start")] = False,
    watch_: Annotated[bool, Opt("--watch")] = False,
) -> None:
    kw = given(
        max_concurrent_calls=max_concurrent_calls, retries_per_contact=retries,
        retry_delay_seconds=retry_delay, scheduled_at=scheduled_at,
        default_region=default_region, retry_on=retry_on,
        calling_window=json_object(calling_window, "--calling-window"),
        default_timezone=default_timezone,
    )  # fmt: skip
    with client() as c:
        campaign = c.campaigns.create(name, agent, number, csv, **kw)
        if start:
            campaign = c.campaigns.start(campaign["id"])
        if watch_:
            _watch(c, campaign["id"])
        else:
            show(campaign)


def _action(verb: str) -> None:
    def run(campaign_id: str) -> None:
        with client() as c:
            if verb == "delete":
                c.campaigns.delete(campaign_id)
                done(f"deleted {campaign_id}")
                return
            show(getattr(c.campaigns, verb)(campaign_id))

    run.__doc__ = f"{verb.capitalize()} a campaign."
    campaigns.command(verb)(run)


for _verb in ("start", "pause", "resume", "stop", "delete"):
    _action(_verb)


@campaigns.command("watch")
def watch(
    campaign_id: str,
    after: Annotated[str | None, Opt("--after", help="resume after this event id")] = None,
) -> None:
    """A live progress bar from the event stream; exits 0 when the campaign ends."""
    with client() as c:
        _watch(c, campaign_id, after)


def _watch(c: KatavenClient, campaign_id: str, after: str | None = None) -> None:
    counts: dict[str, int] = {}
    total = c.campaigns.list_contacts(campaign_id, limit=1)["total"]
    answered = failed = 0
    data: dict[str, Any] = {}
    started = time.monotonic()
    dials: list[float] = []
    with Progress(
        TextColumn("{task.description}"), BarColumn(), TextColumn("{task.completed}/{task.total}"),
        TextColumn("{task.fields[detail]}"), TimeRemainingColumn(), console=err,
        disable=state.as_json,
    ) as bar:  # fmt: skip
        task = bar.add_task(campaign_id, total=total, detail="")
        for event in c.campaigns.stream_events(campaign_id, last_event_id=after):
            if state.as_json:
                record = {"id": event.id, "event": event.event, "data": event.data}
                sys.stdout.write(json.dumps(record) + "\n")
                sys.stdout.flush()
            data = event.data if isinstance(event.data, dict) else {}
            if event.event == "contact":
                if data.get("status") == "originated":
                    dials.append(time.monotonic())
                if data.get("status") == "connected":
                    answered += 1
                if data.get("status") == "failed":
                    failed += 1
            if event.event == "message":
                counts = data.get("counts", counts)
                total = data.get("total", total)
                now = time.monotonic()
                per_min = (
                    len([d for d in dials if now - d <= 60])
                    * 60
                    / max(1.0, min(60.0, now - started))
                )
                detail = (
                    f"in flight {data.get('in_flight', 0)} · answered {answered} · "
                    f"failed {counts.get('failed', failed)} · {per_min:.0f} dials/min"
                )
                bar.update(task, completed=data.get("done", 0), total=total, detail=detail)
            if event.event == "end":
                detail = f"{data.get('status')} · answered {answered} · failed {failed}"
                bar.update(task, completed=total, total=total, detail=detail)
    if not state.as_json:
        out.print(f"campaign {campaign_id}: {data.get('status')}")


# ---- do-not-call --------------------------------------------------------------------------------

dnc = group("dnc", "The do-not-call list")


@dnc.command("list")
def dnc_list(
    phone_number: Annotated[str | None, Opt("--number", help="only this number")] = None,
    limit: Annotated[int | None, Opt("--limit")] = None,
    offset: Annotated[int | None, Opt("--offset")] = None,
) -> None:
    with client() as c:
        show_rows(c.dnc.list(phone_number, limit, offset), None, None)


@dnc.command("add")
def dnc_add(phone_number: str, reason: Annotated[str | None, Opt("--reason")] = None) -> None:
    """List a number (E.164): it is never dialled again."""
    with client() as c:
        show(c.dnc.add(phone_number, **given(reason=reason)))


@dnc.command("delete")
def dnc_delete(phone_number: str) -> None:
    with client() as c:
        c.dnc.delete(phone_number)
    done(f"deleted {phone_number}")


@dnc.command("import")
def dnc_import(
    csv: Annotated[Path, Opt("--csv", exists=True, dir_okay=False)],
    reason: Annotated[str | None, Opt("--reason", help="for rows without one")] = None,
    default_region: Annotated[str | None, Opt("--default-region", help="e.g. US")] = None,
) -> None:
    """List every number of a CSV with a phone_number column."""
    with client() as c:
        show(c.dnc.import_csv(csv, **given(reason=reason, default_region=default_region)))
