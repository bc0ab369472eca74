"""Every public method of the SDK's resources has a `kataven` command: the CLI's table
(`SDK_COMMANDS`) is checked against the SDK and against the commands themselves."""

from __future__ import annotations

import inspect
from typing import Any

import typer
from kataven import KatavenClient
from kataven.cli.app import SDK_COMMANDS, app, json_first


def sdk_methods() -> set[str]:
    """`resource.method` for every public method of every resource of the client: a new SDK
    resource or method shows up here without touching this test."""
    client = KatavenClient(api_key="sk_live_acme_unused", base_url="http://127.0.0.1:9")
    try:
        return {
            f"{attr}.{name}"
            for attr, resource in vars(client).items()
            if not attr.startswith("_")
            for name, _ in inspect.getmembers(resource, callable)
            if not name.startswith("_")
        }
    finally:
        client.close()


def is_group(command: Any) -> bool:
    return hasattr(command, "commands")  # typer ships its own copy of click's classes


def resolve(path: str) -> tuple[Any, list[str]]:
    """The command a table entry names ("campaigns contacts --all") and its options."""
    words = path.split()
    command: Any = typer.main.get_command(app)
    options = [w for w in words if w.startswith("-")]
    for word in (w for w in words if not w.startswith("-")):
        assert is_group(command), f"{path}: {command.name} has no subcommands"
        sub = command.commands.get(word)
        assert sub is not None, f"{path}: no command {word!r}"
        command = sub
    return command, options


def test_the_sdk_is_seen() -> None:
    methods = sdk_methods()
    assert {"agents.create", "campaigns.stream_events", "faqs.update", "tools.iter"} <= methods
    assert len(methods) > 60


def test_every_sdk_method_has_a_command() -> None:
    missing = sdk_methods() - SDK_COMMANDS.keys()
    assert not missing, f"SDK methods without a kataven command: {sorted(missing)}"


def test_no_entry_names_a_method_the_sdk_lacks() -> None:
    stale = SDK_COMMANDS.keys() - sdk_methods()
    assert not stale, f"SDK_COMMANDS names methods the SDK lacks: {sorted(stale)}"


def test_every_entry_is_a_real_command() -> None:
    for method, path in SDK_COMMANDS.items():
        command, options = resolve(path)
        assert not is_group(command), f"{method}: {path} is a group"
        known = {opt for param in command.params for opt in param.opts}
        assert set(options) <= known, f"{method}: {path} lacks {set(options) - known}"


def test_iterators_are_list_all() -> None:
    for method, path in SDK_COMMANDS.items():
        if method.split(".")[1].startswith("iter"):
            assert path.endswith("--all"), method


def test_the_resolver_fails_on_a_missing_command() -> None:
    for bad in ("agents frobnicate", "tools list --every", "agents"):
        try:
            command, options = resolve(bad)
        except AssertionError:
            continue
        known = {opt for param in command.params for opt in param.opts}
        assert is_group(command) or not set(options) <= known, bad


def test_json_flag_anywhere_before_a_double_dash() -> None:
    assert json_first(["agents", "list", "--json"]) == ["--json", "agents", "list"]
    assert json_first(["--json", "agents", "list"]) == ["--json", "agents", "list"]
    assert json_first(["agents", "get", "--", "--json"]) == ["agents", "get", "--", "--json"]
    assert json_first(["calls", "list"]) == ["calls", "list"]
