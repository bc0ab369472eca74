"""Agents and what they use: tools, playbooks, FAQs, marketplace templates, integrations."""

from typing import Annotated, Any

import typer

from ._common import (
    All,
    Set,
    Tags,
    client,
    done,
    fields,
    get_and_delete,
    given,
    group,
    json_object,
    show,
    show_rows,
    text_value,
)

Opt = typer.Option


# ---- agents -------------------------------------------------------------------------------------

agents = get_and_delete("agents", "Voice agents")
AGENT_COLUMNS = ["id", "name", "status", "llm_model"]


@agents.command("list")
def agents_list() -> None:
    with client() as c:
        show(c.agents.list(), AGENT_COLUMNS)


@agents.command("create")
def agents_create(
    name: Annotated[str, Opt("--name")],
    status: Annotated[str | None, Opt("--status", help="draft, active, paused, archived")] = None,
    description: Annotated[str | None, Opt("--description")] = None,
    system_prompt: Annotated[str | None, Opt("--system-prompt", help="text or @file")] = None,
    set_: Set = None,
) -> None:
    """Create an agent; any other field with --set field=value."""
    kw = given(
        status=status,
        description=description,
        system_prompt=text_value(system_prompt, "--system-prompt"),
    )
    with client() as c:
        show(c.agents.create(name, **{**kw, **fields(set_)}))


@agents.command("update")
def agents_update(
    agent_id: str,
    name: Annotated[str | None, Opt("--name")] = None,
    status: Annotated[str | None, Opt("--status")] = None,
    description: Annotated[str | None, Opt("--description")] = None,
    system_prompt: Annotated[str | None, Opt("--system-prompt", help="text or @file")] = None,
    set_: Set = None,
) -> None:
    """Change an agent; any other field with --set field=value."""
    kw = given(
        name=name,
        status=status,
        description=description,
        system_prompt=text_value(system_prompt, "--system-prompt"),
    )
    with client() as c:
        show(c.agents.update(agent_id, **{**kw, **fields(set_)}))


@agents.command("tools")
def agent_tools(agent_id: str) -> None:
    """The tools attached to an agent."""
    with client() as c:
        show(c.agents.list_tools(agent_id), ["tool_name", "enabled", "config"])


@agents.command("upsert-tool")
def upsert_tool(
    agent_id: str,
    tool_name: str,
    enabled: Annotated[bool, Opt("--enabled/--disabled")] = True,
    config: Annotated[str | None, Opt("--config", help="JSON object or @file.json")] = None,
    set_: Set = None,
) -> None:
    """Attach a tool to an agent, or change its config (--config '{...}' or --set key=value)."""
    settings = {**(json_object(config, "--config") or {}), **fields(set_)}
    with client() as c:
        show(c.agents.upsert_tool(agent_id, tool_name, config=settings, enabled=enabled))


def _link(verb: str, what: str) -> None:
    def run(agent_id: str, item_id: str) -> None:
        with client() as c:
            result = getattr(c.agents, f"{verb}_{what}")(agent_id, item_id)
        if result is None:
            done(f"detached {what} {item_id}")
        else:
            show(result)

    run.__doc__ = f"{verb.capitalize()} a {what} (agent id, {what} id)."
    agents.command(f"{verb}-{what}")(run)


for _verb in ("attach", "detach"):
    for _what in ("playbook", "faq"):
        _link(_verb, _what)


# ---- tools --------------------------------------------------------------------------------------

tools = get_and_delete("tools", "Tools an agent can call")
TOOL_COLUMNS = ["id", "name", "category", "implementation_type"]


@tools.command("list")
def tools_list(
    category: Annotated[str | None, Opt("--category")] = None,
    type_: Annotated[str | None, Opt("--type", help="python or http")] = None,
    search: Annotated[str | None, Opt("--search")] = None,
    limit: Annotated[int, Opt("--limit")] = 10,
    offset: Annotated[int, Opt("--offset")] = 0,
    all_: All = False,
) -> None:
    with client() as c:
        q: dict[str, Any] = {"category": category, "type": type_, "search": search}
        every = c.tools.iter(**q) if all_ else None
        show_rows(
            None if all_ else c.tools.list(**q, limit=limit, offset=offset), every, TOOL_COLUMNS
        )


def _tool_fields(
    display_name: str | None,
    description: str | None,
    schema: str | None,
    implementation_type: str | None,
    implementation_config: str | None,
    implementation_code: str | None,
    tags: list[str] | None,
) -> dict[str, Any]:
    return given(
        display_name=display_name,
        description=description,
        schema=json_object(schema, "--schema"),
        implementation_type=implementation_type,
        implementation_config=json_object(implementation_config, "--implementation-config"),
        implementation_code=text_value(implementation_code, "--implementation-code"),
        tags=tags,
    )


DisplayName = Annotated[str | None, Opt("--display-name")]
Description = Annotated[str | None, Opt("--description")]
Schema = Annotated[str | None, Opt("--schema", help="JSON Schema object or @file.json")]
ImplType = Annotated[str | None, Opt("--implementation-type", help="python or http")]
ImplConfig = Annotated[str | None, Opt("--implementation-config", help="JSON object or @file.json")]
ImplCode = Annotated[str | None, Opt("--implementation-code", help="code or @file.py")]


@tools.command("create")
def tools_create(
    name: Annotated[str, Opt("--name")],
    category: Annotated[str, Opt("--category")],
    display_name: DisplayName = None,
    description: Description = None,
    schema: Schema = None,
    implementation_type: ImplType = None,
    implementation_config: ImplConfig = None,
    implementation_code: ImplCode = None,
    tags: Tags = None,
) -> None:
    kw = _tool_fields(
        display_name, description, schema, implementation_type, implementation_config,
        implementation_code, tags,
    )  # fmt: skip
    with client() as c:
        show(c.tools.create(name, category, **kw))


@tools.command("update")
def tools_update(
    tool_id: str,
    category: Annotated[str | None, Opt("--category")] = None,
    display_name: DisplayName = None,
    description: Description = None,
    schema: Schema = None,
    implementation_type: ImplType = None,
    implementation_config: ImplConfig = None,
    implementation_code: ImplCode = None,
    tags: Tags = None,
    set_: Set = None,
) -> None:
    kw = _tool_fields(
        display_name, description, schema, implementation_type, implementation_config,
        implementation_code, tags,
    )  # fmt: skip
    with client() as c:
        show(c.tools.update(tool_id, **given(category=category), **kw, **fields(set_)))


# ---- playbooks ----------------------------------------------------------------------------------

playbooks = get_and_delete("playbooks", "Playbooks (instructions an agent follows)")
PLAYBOOK_COLUMNS = ["id", "name", "display_name", "category"]
Content = Annotated[str | None, Opt("--content", help="text or @file")]
ToolNames = Annotated[list[str] | None, Opt("--tool", help="A tool name (repeatable)")]


@playbooks.command("list")
def playbooks_list(
    category: Annotated[str | None, Opt("--category")] = None,
    search: Annotated[str | None, Opt("--search")] = None,
    limit: Annotated[int, Opt("--limit")] = 10,
    offset: Annotated[int, Opt("--offset")] = 0,
    all_: All = False,
) -> None:
    with client() as c:
        q: dict[str, Any] = {"category": category, "search": search}
        every = c.playbooks.iter(**q) if all_ else None
        page = None if all_ else c.playbooks.list(**q, limit=limit, offset=offset)
        show_rows(page, every, PLAYBOOK_COLUMNS)


@playbooks.command("create")
def playbooks_create(
    display_name: Annotated[str, Opt("--display-name")],
    name: Annotated[str | None, Opt("--name", help="slug (derived when left out)")] = None,
    category: Annotated[str | None, Opt("--category")] = None,
    description: Description = None,
    content: Content = None,
    tool_names: ToolNames = None,
    tags: Tags = None,
) -> None:
    kw = given(
        name=name, category=category, description=description,
        content=text_value(content, "--content"), tool_names=tool_names, tags=tags,
    )  # fmt: skip
    with client() as c:
        show(c.playbooks.create(display_name, **kw))


@playbooks.command("update")
def playbooks_update(
    playbook_id: str,
    display_name: DisplayName = None,
    category: Annotated[str | None, Opt("--category")] = None,
    description: Description = None,
    content: Content = None,
    tool_names: ToolNames = None,
    tags: Tags = None,
    set_: Set = None,
) -> None:
    kw = given(
        display_name=display_name, category=category, description=description,
        content=text_value(content, "--content"), tool_names=tool_names, tags=tags,
    )  # fmt: skip
    with client() as c:
        show(c.playbooks.update(playbook_id, **kw, **fields(set_)))


# ---- FAQs ---------------------------------------------------------------------------------------

faqs = get_and_delete("faqs", "FAQs (answers an agent can give)")
FAQ_COLUMNS = ["id", "name", "title", "category"]
Summary = Annotated[str | None, Opt("--summary")]


@faqs.command("list")
def faqs_list(category: Annotated[str | None, Opt("--category")] = None, all_: All = False) -> None:
    with client() as c:
        every = c.faqs.iter(category=category) if all_ else None
        show_rows(None if all_ else c.faqs.list(category=category), every, FAQ_COLUMNS)


@faqs.command("create")
def faqs_create(
    title: Annotated[str, Opt("--title")],
    name: Annotated[str | None, Opt("--name", help="slug (derived when left out)")] = None,
    summary: Summary = None,
    content: Content = None,
    category: Annotated[str | None, Opt("--category")] = None,
    tags: Tags = None,
) -> None:
    kw = given(
        name=name, summary=summary, content=text_value(content, "--content"),
        category=category, tags=tags,
    )  # fmt: skip
    with client() as c:
        show(c.faqs.create(title, **kw))


@faqs.command("update")
def faqs_update(
    faq_id: str,
    title: Annotated[str | None, Opt("--title")] = None,
    summary: Summary = None,
    content: Content = None,
    category: Annotated[str | None, Opt("--category")] = None,
    tags: Tags = None,
    set_: Set = None,
) -> None:
    kw = given(
        title=title, summary=summary, content=text_value(content, "--content"),
        category=category, tags=tags,
    )  # fmt: skip
    with client() as c:
        show(c.faqs.update(faq_id, **kw, **fields(set_)))


# ---- marketplace, integrations ------------------------------------------------------------------

marketplace = group("marketplace", "Agent templates")


@marketplace.command("list")
def templates(category: Annotated[str | None, Opt("--category")] = None) -> None:
    with client() as c:
        show(c.marketplace.list(category=category), ["id", "name", "category"])


@marketplace.command("get")
def template_get(template_id: str) -> None:
    with client() as c:
        show(c.marketplace.get(template_id))


@marketplace.command("install")
def install(template_id: str, name: Annotated[str | None, Opt("--name")] = None) -> None:
    """Create an agent from a template."""
    with client() as c:
        show(c.marketplace.install(template_id, **given(name=name)))


integrations = group("integrations", "Integrations, native tools and MCP connections")


@integrations.command("list")
def integrations_list(category: Annotated[str | None, Opt("--category")] = None) -> None:
    with client() as c:
        show(c.integrations.list(category=category), ["id", "name", "category", "installed"])


@integrations.command("get")
def integrations_get(integration_id: str) -> None:
    with client() as c:
        show(c.integrations.get(integration_id))


@integrations.command("install")
def integrations_install(
    integration_id: str,
    credentials: Annotated[
        str | None, Opt("--credentials", help="JSON object or @file.json")
    ] = None,
    set_: Set = None,
) -> None:
    """Install with credentials: --credentials '{"api_key": "…"}' (or @file) or --set key=…"""
    creds = {**(json_object(credentials, "--credentials") or {}), **fields(set_)}
    with client() as c:
        show(c.integrations.install(integration_id, creds))


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
