"""The account's settings: call cost caps, API keys, the web widget's keys, branding and auth."""

from typing import Annotated

import typer

from ._common import Set, client, fields, get_and_delete, given, group, show

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
