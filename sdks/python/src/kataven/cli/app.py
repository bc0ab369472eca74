"""`kataven NOUN VERB`: the SDK on the command line. Tables for people, `--json` for scripts.

Exit status: 0 on success, 1 on an API or connection error (the server's message on one stderr
line), 2 on a usage error.
"""

import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    DownloadColumn,
    Progress,
    TaskProgressColumn,
    TextColumn,
    TimeRemainingColumn,
    TransferSpeedColumn,
)
from rich.table import Table

from kataven import KatavenClient, KatavenError

app = typer.Typer(
    help="The Kataven Hub API from the command line.", no_args_is_help=True, add_completion=True
)
# Piped output is not cut at 80 columns (scripts should prefer --json all the same).
out = Console(width=None if sys.stdout.isatty() else 200)
err = Console(stderr=True)


class State:
    api_key: str | None = None
    base_url: str | None = None
    as_json = False


state = State()


@app.callback()
def main_options(
    api_key: Annotated[
        str | None, typer.Option("--api-key", envvar="KATAVEN_API_KEY", help="sk_live_… key")
    ] = None,
    base_url: Annotated[
        str | None, typer.Option("--base-url", envvar="KATAVEN_BASE_URL", help="Hub URL")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the API's JSON unchanged")] = False,
) -> None:
    state.api_key, state.base_url, state.as_json = api_key, base_url, as_json


def client() -> KatavenClient:
    return KatavenClient(state.api_key, base_url=state.base_url)


def show(value: Any, columns: list[str] | None = None) -> None:
    """JSON with --json; otherwise a table of the rows (or of one object's fields)."""
    if state.as_json:
        sys.stdout.write(json.dumps(value, indent=2) + "\n")
        return
    if value is None:
        return
    rows = value
    if isinstance(value, dict):
        lists = [v for v in value.values() if isinstance(v, list)]
        if len(lists) == 1 and all(isinstance(r, dict) for r in lists[0]):
            rows = lists[0]
        else:
            table = Table(show_header=False, box=None)
            for k, v in value.items():
                table.add_row(f"[bold]{k}[/]", _cell(v))
            out.print(table)
            return
    if not rows:
        out.print("(none)")
        return
    cols = columns or [c for c in rows[0] if not isinstance(rows[0][c], dict | list)][:5]
    table = Table()
    for col in cols:  # ids are never cut: people copy them into the next command
        if col == "id" or col.endswith("_id"):
            width = max(len(_cell(r.get(col))) for r in rows)
            table.add_column(col, no_wrap=True, min_width=max(width, len(col)))
        else:
            table.add_column(col, no_wrap=True, overflow="ellipsis")
    for row in rows:
        table.add_row(*(_cell(row.get(c)) for c in cols))
    out.print(table)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


def fields(pairs: list[str] | None) -> dict[str, Any]:
    """`--set key=value` pairs; values are JSON when they parse (numbers, booleans, null)."""
    result: dict[str, Any] = {}
    for pair in pairs or []:
        key, sep, raw = pair.partition("=")
        if not sep or not key:
            raise typer.BadParameter(f"expected key=value, got {pair!r}", param_hint="--set")
        try:
            result[key] = json.loads(raw)
        except ValueError:
            result[key] = raw
    return result


Set = Annotated[list[str] | None, typer.Option("--set", help="field=value (repeatable)")]


def group(name: str, help: str) -> typer.Typer:
    sub = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


# ---- simple resources: list / get / create / update / delete ------------------------------------


def crud(name: str, help: str, create_arg: str, columns: list[str]) -> typer.Typer:
    sub = group(name, help)

    def resource(c: KatavenClient) -> Any:
        return getattr(c, name.replace("-", "_"))

    @sub.command("list")
    def list_() -> None:
        with client() as c:
            show(resource(c).list(), columns)

    @sub.command("get")
    def get(id: str) -> None:
        with client() as c:
            show(resource(c).get(id))

    @sub.command("create")
    def create(
        value: Annotated[str, typer.Option(f"--{create_arg.replace('_', '-')}")],
        set_: Set = None,
    ) -> None:
        with client() as c:
            show(resource(c).create(value, **fields(set_)))

    @sub.command("update")
    def update(id: str, set_: Set = None) -> None:
        with client() as c:
            show(resource(c).update(id, **fields(set_)))

    @sub.command("delete")
    def delete(id: str) -> None:
        with client() as c:
            resource(c).delete(id)
        if not state.as_json:
            out.print(f"deleted {id}")

    return sub


agents = crud("agents", "Voice agents", "name", ["id", "name", "status", "llm_model"])
crud("tools", "Tools", "name", ["id", "name", "category", "implementation_type"])
crud("playbooks", "Playbooks", "display_name", ["id", "name", "display_name", "category"])
crud("faqs", "FAQs", "title", ["id", "name", "title", "category"])
widget_keys = crud("widget-keys", "Widget key pairs", "name", ["id", "name", "agent_id"])


@agents.command("tools")
def agent_tools(agent_id: str) -> None:
    """The tools attached to an agent."""
    with client() as c:
        show(c.agents.list_tools(agent_id))


@agents.command("upsert-tool")
def upsert_tool(
    agent_id: str,
    tool_name: str,
    enabled: Annotated[bool, typer.Option("--enabled/--disabled")] = True,
    set_: Set = None,
) -> None:
    """Attach a tool to an agent (or change its config: --set key=value)."""
    with client() as c:
        show(c.agents.upsert_tool(agent_id, tool_name, config=fields(set_), enabled=enabled))


def _link(verb: str, what: str) -> None:
    def run(agent_id: str, item_id: str) -> None:
        with client() as c:
            show(getattr(c.agents, f"{verb}_{what}")(agent_id, item_id))

    run.__doc__ = f"{verb.capitalize()} a {what} (agent id, {what} id)."
    agents.command(f"{verb}-{what}")(run)


for _verb in ("attach", "detach"):
    for _what in ("playbook", "faq"):
        _link(_verb, _what)


# ---- telephony, calls, recordings ---------------------------------------------------------------

telephony = group("telephony", "Carrier credentials and phone numbers")


@telephony.command("providers")
def providers() -> None:
    with client() as c:
        show(c.telephony.list_providers(), ["id", "provider", "label"])


@telephony.command("add-provider")
def add_provider(
    provider: Annotated[str, typer.Option("--provider")],
    label: Annotated[str | None, typer.Option("--label")] = None,
    set_: Set = None,
) -> None:
    """Store a carrier credential; --set account_sid=… --set auth_token=…"""
    with client() as c:
        creds = fields(set_)
        kw: dict[str, Any] = {"credentials": creds} if creds else {}
        if label is not None:
            kw["label"] = label
        show(c.telephony.create_provider(provider, **kw))


@telephony.command("numbers")
def numbers() -> None:
    with client() as c:
        show(c.telephony.list_numbers(), ["id", "e164", "provider", "agent_id"])


@telephony.command("add-number")
def add_number(
    e164: Annotated[str, typer.Option("--e164")],
    provider: Annotated[str, typer.Option("--provider")],
    credentials_id: Annotated[str, typer.Option("--credentials")],
    agent: Annotated[str | None, typer.Option("--agent")] = None,
) -> None:
    with client() as c:
        kw: dict[str, Any] = {"agent_id": agent} if agent else {}
        show(c.telephony.create_number(e164, provider, credentials_id, **kw))


@telephony.command("update-number")
def update_number(
    number_id: str,
    agent: Annotated[str | None, typer.Option("--agent", help="pin to this agent")] = None,
    unpin: Annotated[bool, typer.Option("--unpin", help="detach the number")] = False,
    inbound: Annotated[bool | None, typer.Option("--inbound/--no-inbound")] = None,
    outbound: Annotated[bool | None, typer.Option("--outbound/--no-outbound")] = None,
) -> None:
    kw: dict[str, Any] = {}
    if agent is not None or unpin:
        kw["agent_id"] = None if unpin else agent
    if inbound is not None:
        kw["inbound_enabled"] = inbound
    if outbound is not None:
        kw["outbound_enabled"] = outbound
    with client() as c:
        c.telephony.update_number(number_id, **kw)
        show({"id": number_id, **kw} if not state.as_json else None)


@telephony.command("delete-number")
def delete_number(number_id: str) -> None:
    with client() as c:
        c.telephony.delete_number(number_id)


@telephony.command("delete-provider")
def delete_provider(provider_id: str) -> None:
    with client() as c:
        c.telephony.delete_provider(provider_id)


calls = group("calls", "Calls")
TERMINAL_CALL = {"completed", "busy", "no_answer", "failed", "canceled"}


@calls.command("list")
def calls_list(limit: int = 50, status: str | None = None) -> None:
    with client() as c:
        show(c.calls.list(limit=limit, status=status), ["session_id", "status", "to_number"])


@calls.command("get")
def calls_get(session_id: str) -> None:
    with client() as c:
        show(c.calls.get(session_id))


@calls.command("originate")
def originate(
    from_number: Annotated[str, typer.Option("--from")],
    to_number: Annotated[str, typer.Option("--to")],
    agent: Annotated[str, typer.Option("--agent")],
    wait: Annotated[bool, typer.Option("--wait", help="Print each status until it ends")] = False,
) -> None:
    with client() as c:
        call = c.calls.originate(from_number, to_number, agent)
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
    session_id: str, output: Annotated[Path, typer.Option("-o", "--output")] = Path("call.wav")
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


# ---- campaigns ---------------------------------------------------------------------------------

campaigns = group("campaigns", "CSV campaigns")


@campaigns.command("list")
def campaigns_list() -> None:
    with client() as c:
        show(c.campaigns.list(), ["id", "name", "status", "max_concurrent_calls"])


@campaigns.command("get")
def campaigns_get(campaign_id: str) -> None:
    with client() as c:
        show(c.campaigns.get(campaign_id))


@campaigns.command("contacts")
def campaigns_contacts(campaign_id: str, status: str | None = None, limit: int = 100) -> None:
    with client() as c:
        show(
            c.campaigns.list_contacts(campaign_id, status=status, limit=limit),
            ["id", "phone_number", "status", "attempts"],
        )


@campaigns.command("create")
def campaigns_create(
    name: Annotated[str, typer.Option("--name")],
    agent: Annotated[str, typer.Option("--agent")],
    number: Annotated[str, typer.Option("--number", help="phone number id")],
    csv: Annotated[Path, typer.Option("--csv", exists=True, dir_okay=False)],
    max_concurrent_calls: Annotated[int | None, typer.Option("--max-concurrent")] = None,
    start: Annotated[bool, typer.Option("--start")] = False,
    watch_: Annotated[bool, typer.Option("--watch")] = False,
) -> None:
    with client() as c:
        kw: dict[str, Any] = {}
        if max_concurrent_calls is not None:
            kw["max_concurrent_calls"] = max_concurrent_calls
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
                return
            show(getattr(c.campaigns, verb)(campaign_id))

    run.__doc__ = f"{verb.capitalize()} a campaign."
    campaigns.command(verb)(run)


for _verb in ("start", "pause", "resume", "stop", "delete"):
    _action(_verb)


@campaigns.command("watch")
def watch(campaign_id: str) -> None:
    """A live progress bar from the event stream; exits 0 when the campaign ends."""
    with client() as c:
        _watch(c, campaign_id)


def _watch(c: KatavenClient, campaign_id: str) -> None:
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
        for event in c.campaigns.stream_events(campaign_id):
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


# ---- the rest ----------------------------------------------------------------------------------

limits = group("call-limits", "Call cost caps")


@limits.command("get")
def limits_get() -> None:
    with client() as c:
        show(c.call_limits.get())


@limits.command("update")
def limits_update(set_: Set = None) -> None:
    """Change caps (--set concurrent_max=5); Hub UI owners and admins only."""
    with client() as c:
        show(c.call_limits.update(**fields(set_)))


keys = group("api-keys", "API keys (read only)")


@keys.command("list")
def keys_list() -> None:
    with client() as c:
        show(c.api_keys.list(), ["id", "name", "last8", "created_at"])


marketplace = group("marketplace", "Agent templates")


@marketplace.command("list")
def templates() -> None:
    with client() as c:
        show(c.marketplace.list(), ["id", "name", "category"])


@marketplace.command("install")
def install(template_id: str, name: str | None = None) -> None:
    with client() as c:
        show(c.marketplace.install(template_id, **({"name": name} if name else {})))


integrations = group("integrations", "Integrations, native tools and MCP connections")


@integrations.command("list")
def integrations_list(category: str | None = None) -> None:
    with client() as c:
        show(c.integrations.list(category=category), ["id", "name", "category", "installed"])


@integrations.command("get")
def integrations_get(integration_id: str) -> None:
    with client() as c:
        show(c.integrations.get(integration_id))


@integrations.command("install")
def integrations_install(integration_id: str, set_: Set = None) -> None:
    """Install with credentials: --set api_key=…"""
    with client() as c:
        show(c.integrations.install(integration_id, fields(set_)))


@integrations.command("uninstall")
def integrations_uninstall(integration_id: str) -> None:
    with client() as c:
        show(c.integrations.uninstall(integration_id))


@integrations.command("native-tools")
def native_tools() -> None:
    with client() as c:
        show(c.integrations.native_tools())


@integrations.command("mcp-connections")
def mcp_connections() -> None:
    with client() as c:
        show(c.integrations.mcp_connections())


widget_settings = group("widget-settings", "Widget branding and per-agent widget settings")


@widget_settings.command("get")
def branding_get() -> None:
    with client() as c:
        show(c.widget_settings.get())


@widget_settings.command("update")
def branding_update(set_: Set = None) -> None:
    """--set primary_color=#112233 --set launcher_position=bl"""
    with client() as c:
        show(c.widget_settings.update(**fields(set_)))


@widget_settings.command("get-agent")
def agent_widget_get(agent_id: str) -> None:
    with client() as c:
        show(c.widget_settings.get_agent(agent_id))


@widget_settings.command("update-agent")
def agent_widget_update(agent_id: str, set_: Set = None) -> None:
    """--set widget_enabled=true --set auth_mode=both"""
    with client() as c:
        show(c.widget_settings.update_agent(agent_id, **fields(set_)))


widget_auth = group("widget-auth", "User tokens for the widget (with the widget's secret key)")


@widget_auth.command("user-token")
def user_token(
    external_user_id: str,
    display_name: Annotated[str | None, typer.Option("--display-name")] = None,
    email: Annotated[str | None, typer.Option("--email")] = None,
) -> None:
    """Mint a user token: run with --api-key set to the widget key pair's secret."""
    kw = {k: v for k, v in {"display_name": display_name, "email": email}.items() if v}
    with client() as c:
        show(c.widget_auth.create_user_token(external_user_id, **kw))


# ---- running -----------------------------------------------------------------------------------


def run(argv: list[str] | None = None) -> None:
    """Run the command: API errors are one stderr line and exit 1, usage errors exit 2."""
    command: Callable[..., Any] = typer.main.get_command(app)
    try:
        command(args=argv, prog_name="kataven", standalone_mode=False)
    except KatavenError as exc:
        sys.stderr.write(f"Error: {exc.message}\n")
        sys.exit(1)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted\n")
        sys.exit(130)
    except Exception as exc:
        exit_code = getattr(exc, "exit_code", None)
        if type(exc).__name__ == "Abort":
            sys.exit(1)
        if isinstance(exit_code, int) and hasattr(exc, "show"):  # click's usage errors
            exc.show()
            sys.exit(exit_code)
        detail = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        sys.stderr.write(f"Error: {detail}\n")  # never a traceback
        sys.exit(1)
