"""The tool catalogue: each tool is a small async function over the SDK's async client,
registered with the SDK method it stands for and what kind of effect it has.

Tool functions take the client as their first argument and return the API's JSON; the server
(`server.py`) hides the client from the input schema, turns the JSON into a tool result and SDK
errors into tool errors. Keeping the functions free of MCP types keeps them easy to read and
to test.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any, TypeVar

from mcp_types import ToolAnnotations


class Effect(Enum):
    """What a tool does to the account, mapped onto the MCP annotations."""

    READ = "read"  # changes nothing
    CREATE = "create"  # adds something new; repeating adds another
    SET = "set"  # sets fields to given values; repeating changes nothing more
    ACTION = "action"  # moves a state machine on (start, pause, originate); not repeatable
    REMOVE = "remove"  # deletes or detaches; repeating changes nothing more
    STOP = "stop"  # ends something for good (stop a campaign)

    def annotations(self, title: str, *, open_world: bool) -> ToolAnnotations:
        if self is Effect.READ:
            return ToolAnnotations(
                title=title, read_only_hint=True, idempotent_hint=True, open_world_hint=False
            )
        return ToolAnnotations(
            title=title,
            read_only_hint=False,
            destructive_hint=self in (Effect.REMOVE, Effect.STOP),
            idempotent_hint=self in (Effect.SET, Effect.REMOVE),
            open_world_hint=open_world,
        )


ToolFn = Callable[..., Awaitable[Any]]
F = TypeVar("F", bound=ToolFn)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    sdk_methods: tuple[str, ...]  # "agents.list": the SDK methods this tool stands for
    effect: Effect
    fn: ToolFn
    title: str
    open_world: bool  # reaches beyond the Hub: places real phone calls
    reveals: frozenset[str]  # result keys shown once despite looking secret

    @property
    def description(self) -> str:
        return (self.fn.__doc__ or "").strip()


TOOLS: list[ToolSpec] = []

# SDK methods deliberately without a tool, and why (the catalogue test reads this).
NOT_TOOLS = {
    "widget_auth.create_user_token": "authenticates with a widget key pair's secret, which "
    "belongs on the customer's backend, never in an assistant's hands",
}
# Where each tool says which SDK methods it stands for, in the tool's `_meta`.
SDK_META_KEY = "kataven/sdk_methods"


def tool(
    sdk: str | tuple[str, ...],
    effect: Effect,
    title: str,
    *,
    open_world: bool = False,
    reveals: frozenset[str] = frozenset(),
) -> Callable[[F], F]:
    """Register a tool; its name is the function's name, its description the docstring."""

    def register(fn: F) -> F:
        if not fn.__doc__:
            raise TypeError(f"tool {fn.__name__} needs a docstring: it is the tool's description")
        TOOLS.append(
            ToolSpec(
                name=fn.__name__,
                sdk_methods=(sdk,) if isinstance(sdk, str) else sdk,
                effect=effect,
                fn=fn,
                title=title,
                open_world=open_world,
                reveals=reveals,
            )
        )
        return fn

    return register
