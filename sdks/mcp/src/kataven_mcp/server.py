"""The MCP server: every registered tool bound to one SDK client, its results made safe."""

from __future__ import annotations

import inspect
import json
import logging
from typing import Any

from kataven import APIConnectionError, APIStatusError, KatavenError
from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, TextContent

from kataven_mcp import tools as _tools  # registers every tool
from kataven_mcp._hub import Hub, ToolInputError
from kataven_mcp._redact import Redactor
from kataven_mcp._registry import SDK_META_KEY, TOOLS, ToolSpec

__all__ = ["INSTRUCTIONS", "build_server"]
_ = _tools
log = logging.getLogger("kataven_mcp")

INSTRUCTIONS = """\
Tools for a Kataven Hub account: voice agents, their tools and knowledge, phone numbers,
calls, recordings and outbound campaigns.
Typical flow: list_templates → install_template (or create_agent) → update_agent
status='active' → list_providers / create_provider (provider 'sandbox' simulates calls) →
create_number → originate_call, or create_campaign → start_campaign → poll
get_campaign_progress every 10–30 s until is_finished.
Lists are paged (limit, offset; follow next_offset). Tools that place calls, stop campaigns
or delete things change the real world: confirm with the user first."""

# Arguments whose values are credentials the model was handed: remembered by the redactor so
# they cannot come back in any later result or log line.
_SECRET_ARGUMENTS = frozenset({"credentials"})


def build_server(hub: Hub, redactor: Redactor, *, name: str = "kataven") -> MCPServer[Any]:
    server: MCPServer[Any] = MCPServer(
        name=name, instructions=INSTRUCTIONS, log_level="WARNING", version=_version()
    )
    for spec in TOOLS:
        server.add_tool(
            _bind(spec, hub, redactor),
            name=spec.name,
            title=spec.title,
            description=spec.description,
            annotations=spec.effect.annotations(spec.title, open_world=spec.open_world),
            meta={SDK_META_KEY: list(spec.sdk_methods)},
            structured_output=False,
        )
    return server


def _bind(spec: ToolSpec, hub: Hub, redactor: Redactor) -> Any:
    """A coroutine function with the tool's parameters (minus the hub) for the MCP server."""
    signature = inspect.signature(spec.fn, eval_str=True)
    parameters = list(signature.parameters.values())[1:]

    async def call(**arguments: Any) -> CallToolResult:
        for key in _SECRET_ARGUMENTS & arguments.keys():
            _remember(redactor, arguments[key])
        try:
            data = await spec.fn(hub, **arguments)
        except APIStatusError as exc:
            return _api_error(exc, redactor)
        except APIConnectionError as exc:
            message = (
                f"Could not reach the Kataven Hub at {hub.base_url} ({exc.message}). "
                "Check KATAVEN_BASE_URL and that the Hub is running."
            )
            return _error(
                message, {"error": {"type": "connection", "base_url": hub.base_url}}, redactor
            )
        except ToolInputError as exc:
            return _error(str(exc), {"error": {"type": "invalid_arguments"}}, redactor)
        except KatavenError as exc:
            return _error(str(exc), {"error": {"type": type(exc).__name__}}, redactor)
        except FileNotFoundError as exc:
            return _error(f"No such file: {exc.filename}", {"error": {"type": "file"}}, redactor)
        except Exception as exc:
            log.error(
                "tool %s failed: %s", spec.name, redactor.text(f"{type(exc).__name__}: {exc}")
            )
            return _error(
                f"Unexpected error in {spec.name}: {type(exc).__name__}.",
                {"error": {"type": "internal"}},
                redactor,
            )
        if not isinstance(data, dict):
            data = {"result": data}
        safe = redactor.data(data, keep=spec.reveals)
        # A secret shown once (a new widget key's) is scrubbed from everything after.
        redactor.add(*(str(data[key]) for key in spec.reveals if data.get(key)))
        return CallToolResult(
            content=[TextContent(type="text", text=_dumps(safe))], structured_content=safe
        )

    call.__name__ = spec.name
    call.__doc__ = spec.description
    call.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=parameters, return_annotation=CallToolResult
    )
    return call


def _api_error(exc: APIStatusError, redactor: Redactor) -> CallToolResult:
    """The server's own message first (a model reads it), then the status and code."""
    details = [f"HTTP {exc.status_code}"]
    if exc.code:
        details.append(f"code {exc.code}")
    if exc.request_id:
        details.append(f"request {exc.request_id}")
    text = f"{exc.message} ({', '.join(details)})"
    error: dict[str, Any] = {
        "status": exc.status_code,
        "message": exc.message,
        "code": exc.code,
        "request_id": exc.request_id,
    }
    retry_after = getattr(exc, "retry_after", None)
    if retry_after is not None:
        error["retry_after"] = retry_after
        text += f"; retry after {retry_after} s"
    return _error(text, {"error": error}, redactor)


def _error(text: str, data: dict[str, Any], redactor: Redactor) -> CallToolResult:
    safe = redactor.data(data)
    return CallToolResult(
        content=[TextContent(type="text", text=redactor.text(text))],
        structured_content=safe,
        is_error=True,
    )


def _remember(redactor: Redactor, value: Any) -> None:
    if isinstance(value, dict):
        for item in value.values():
            _remember(redactor, item)
    elif isinstance(value, str):
        redactor.add(value)


def _dumps(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def _version() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("kataven-mcp")
    except PackageNotFoundError:
        return "0"
