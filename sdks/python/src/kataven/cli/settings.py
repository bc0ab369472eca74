"""The account's settings: call cost caps, API keys, the web widget's keys, branding and auth."""

from typing import Annotated

import typer

from ._common import All, Set, client, fields, get_and_delete, given, group, show, show_rows

Opt = typer.Option

limits = group("call-limits", "Call cost caps")
Cap = Annotated[int | None, Opt(help="0 or more; --set field=null removes the cap")]


@limits.command("get")
def limits_get() -> None:
    with client() as c:
        show(c.call_limits.get())


@limits.command("update")
def limits_update(
    concurrent_max: Cap = None,
    calls_per_minute: Cap = None,
    daily_calls_max: Cap = None,
    daily_minutes_max: Cap = None,
    set_: Set = None,
) -> None:
    """Change caps (--concurrent-max 5); Hub UI owners and admins only."""
    kw = given(
        concurrent_max=concurrent_max, calls_per_minute=calls_per_minute,
        daily_calls_max=daily_calls_max, daily_minutes_max=daily_minutes_max,
    )  # fmt: skip
    with client() as c:
        show(c.call_limits.update(**kw, **fields(set_)))


keys = group("api-keys", "API keys (read only)")


@keys.command("list")
def keys_list() -> None:
    with client() as c:
        show(c.api_keys.list(), ["id", "name", "last8", "created_at"])


widget_keys = get_and_delete("widget-keys", "Widget key pairs")
Domains = Annotated[list[str] | None, Opt("--domain", help="An allowed domain (repeatable)")]


@widget_keys.command("list")
def widget_keys_list() -> None:
    with client() as c:
        show(c.widget_keys.list(), ["id", "name", "agent_id", "disabled"])


@widget_keys.command("create")
def widget_keys_create(
    name: Annotated[str, Opt("--name")],
    domains: Domains = None,
    agent: Annotated[str | None, Opt("--agent", help="only this agent")] = None,
) -> None:
    """A new key pair; its secret is shown once."""
    with client() as c:
        show(c.widget_keys.create(name, **given(domain_allowlist=domains, agent_id=agent)))


@widget_keys.command("update")
def widget_keys_update(
    key_id: str,
    name: Annotated[str | None, Opt("--name")] = None,
    domains: Domains = None,
    agent: Annotated[str | None, Opt("--agent")] = None,
    disabled: Annotated[bool | None, Opt("--disable/--enable")] = None,
    set_: Set = None,
) -> None:
    kw = given(name=name, domain_allowlist=domains, agent_id=agent, disabled=disabled)
    with client() as c:
        show(c.widget_keys.update(key_id, **kw, **fields(set_)))


widget_settings = group("widget-settings", "Widget branding and per-agent widget settings")


@widget_settings.command("get")
def branding_get() -> None:
    with client() as c:
        show(c.widget_settings.get())


Text = Annotated[str | None, Opt()]


@widget_settings.command("update")
def branding_update(
    primary_color: Annotated[str | None, Opt(help="#rrggbb")] = None,
    accent_color: Annotated[str | None, Opt(help="#rrggbb")] = None,
    logo_url: Text = None,
    launcher_position: Annotated[str | None, Opt(help="br, bl, tr or tl")] = None,
    launcher_label: Text = None,
    privacy_notice: Text = None,
    set_: Set = None,
) -> None:
    """Change the widget's branding (--set field=null clears a field)."""
    kw = given(
        primary_color=primary_color, accent_color=accent_color, logo_url=logo_url,
        launcher_position=launcher_position, launcher_label=launcher_label,
        privacy_notice=privacy_notice,
    )  # fmt: skip
    with client() as c:
        show(c.widget_settings.update(**kw, **fields(set_)))


@widget_settings.command("get-agent")
def agent_widget_get(agent_id: str) -> None:
    with client() as c:
        show(c.widget_settings.get_agent(agent_id))


@widget_settings.command("update-agent")
def agent_widget_update(
    agent_id: str,
    enabled: Annotated[bool | None, Opt("--enable/--disable", help="the widget")] = None,
    auth_mode: Annotated[str | None, Opt(help="guest, user or both")] = None,
    greeting: Annotated[str | None, Opt("--greeting", help="the widget's own greeting")] = None,
    set_: Set = None,
) -> None:
    """Change an agent's widget settings (--set field=null clears a field)."""
    kw = given(widget_enabled=enabled, auth_mode=auth_mode, greeting_override=greeting)
    with client() as c:
        show(c.widget_settings.update_agent(agent_id, **kw, **fields(set_)))


widget_auth = group("widget-auth", "User tokens for the widget (with the widget's secret key)")


@widget_auth.command("user-token")
def user_token(
    external_user_id: str,
    display_name: Annotated[str | None, Opt("--display-name")] = None,
    email: Annotated[str | None, Opt("--email")] = None,
) -> None:
    """Mint a user token: run with --api-key set to the widget key pair's secret."""
    with client() as c:
        show(
            c.widget_auth.create_user_token(
                external_user_id, **given(display_name=display_name, email=email)
            )
        )


# ---- webhooks, audit log, usage ----------------------------------------------------------------

webhooks = get_and_delete("webhook-endpoints", "Webhook endpoints and their deliveries")
Events = Annotated[list[str] | None, Opt("--event", help="An event type, e.g. call.completed")]
WEBHOOK_COLUMNS = ["id", "url", "events", "disabled"]
DELIVERY_COLUMNS = ["id", "event_type", "status", "attempts", "response_status"]


@webhooks.command("list")
def webhooks_list() -> None:
    with client() as c:
        show(c.webhook_endpoints.list(), WEBHOOK_COLUMNS)


@webhooks.command("create")
def webhooks_create(
    url: Annotated[str, Opt("--url")],
    events: Events = None,
    description: Annotated[str | None, Opt("--description")] = None,
    disabled: Annotated[bool | None, Opt("--disabled")] = None,
) -> None:
    """A new endpoint (all events unless --event); its signing secret is shown once."""
    kw = given(events=events, description=description, disabled=disabled)
    with client() as c:
        show(c.webhook_endpoints.create(url, **kw))


@webhooks.command("update")
def webhooks_update(
    endpoint_id: str,
    url: Annotated[str | None, Opt("--url")] = None,
    events: Events = None,
    description: Annotated[str | None, Opt("--description")] = None,
    disabled: Annotated[bool | None, Opt("--disable/--enable")] = None,
    set_: Set = None,
) -> None:
    kw = given(url=url, events=events, description=description, disabled=disabled)
    with client() as c:
        show(c.webhook_endpoints.update(endpoint_id, **kw, **fields(set_)))


@webhooks.command("rotate-secret")
def webhooks_rotate(endpoint_id: str) -> None:
    """A new signing secret (shown once); the old one signs too for 24 hours."""
    with client() as c:
        show(c.webhook_endpoints.rotate_secret(endpoint_id))


@webhooks.command("test")
def webhooks_test(endpoint_id: str) -> None:
    """Queue a `ping` event to the endpoint."""
    with client() as c:
        show(c.webhook_endpoints.test(endpoint_id))


@webhooks.command("deliveries")
def webhooks_deliveries(
    endpoint_id: str,
    status: Annotated[str | None, Opt("--status", help="pending, delivered or failed")] = None,
    limit: Annotated[int | None, Opt("--limit")] = None,
    offset: Annotated[int | None, Opt("--offset")] = None,
) -> None:
    with client() as c:
        page = c.webhook_endpoints.list_deliveries(endpoint_id, status, limit, offset)
        show(page, DELIVERY_COLUMNS)


@webhooks.command("retry")
def webhooks_retry(endpoint_id: str, delivery_id: str) -> None:
    """Send a delivery again now."""
    with client() as c:
        show(c.webhook_endpoints.retry_delivery(endpoint_id, delivery_id))


audit = group("audit-events", "The audit log")
From = Annotated[str | None, Opt("--from", help="RFC 3339, inclusive")]
To = Annotated[str | None, Opt("--to", help="RFC 3339, exclusive")]


@audit.command("list")
def audit_list(
    actor: Annotated[str | None, Opt("--actor", help="API key or user id")] = None,
    resource_type: Annotated[str | None, Opt("--resource-type", help="e.g. agents")] = None,
    resource_id: Annotated[str | None, Opt("--resource-id")] = None,
    from_: From = None,
    to: To = None,
    limit: Annotated[int | None, Opt("--limit")] = None,
    offset: Annotated[int | None, Opt("--offset")] = None,
    all_: All = False,
) -> None:
    q = given(actor=actor, resource_type=resource_type, resource_id=resource_id, from_=from_, to=to)
    with client() as c:
        every = c.audit_events.iter(**q) if all_ else None
        page = None if all_ else c.audit_events.list(**q, limit=limit, offset=offset)
        show_rows(page, every, ["id", "at", "actor", "method", "route", "status"])


usage = group("usage", "Calls and minutes per day or hour")


@usage.command("get")
def usage_get(
    from_: From = None,
    to: To = None,
    granularity: Annotated[str | None, Opt("--granularity", help="day or hour")] = None,
) -> None:
    with client() as c:
        show(c.usage.get(from_, to, granularity))
