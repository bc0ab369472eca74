"""What every command shares: the app, the global options, output (tables or JSON) and the
parsing of option values (`--set key=value`, JSON objects inline or from `@file.json`)."""

import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from kataven import KatavenClient

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


def group(name: str, help: str) -> typer.Typer:
    sub = typer.Typer(help=help, no_args_is_help=True)
    app.add_typer(sub, name=name)
    return sub


def get_and_delete(name: str, help: str) -> typer.Typer:
    """A resource's group with its `get ID` and `delete ID`."""
    sub = group(name, help)
    attr = name.replace("-", "_")

    @sub.command("get")
    def get(id: str) -> None:
        with client() as c:
            show(getattr(c, attr).get(id))

    @sub.command("delete")
    def delete(id: str) -> None:
        with client() as c:
            getattr(c, attr).delete(id)
        done(f"deleted {id}")

    return sub


# ---- output -------------------------------------------------------------------------------------


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


def show_rows(value: Any, every: Iterable[Any] | None, columns: list[str] | None) -> None:
    """A list command: the API's envelope, or with `--all` every row across pages (a JSON
    array with --json)."""
    show(list(every) if every is not None else value, columns)
    if not state.as_json and isinstance(value, dict) and value.get("has_next"):
        shown = value.get("offset", 0) + value.get("count", 0)
        err.print(
            f"{shown} of {value.get('total')}: --offset {shown} for more, --all for every row"
        )


def done(message: str) -> None:
    """A write that answers with no body (204): a line for people, nothing for scripts."""
    if not state.as_json:
        out.print(message)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dict | list):
        return json.dumps(value)
    return str(value)


# ---- option values ------------------------------------------------------------------------------


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


def text_value(value: str | None, option: str) -> str | None:
    """An option's text, or with `@path` the file's contents."""
    if value is None or not value.startswith("@"):
        return value
    try:
        return Path(value[1:]).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise typer.BadParameter(f"cannot read {value[1:]}: {exc}", param_hint=option) from exc


def json_object(value: str | None, option: str) -> dict[str, Any] | None:
    """A JSON object given inline (`'{"k": 1}'`) or as `@file.json`."""
    text = text_value(value, option)
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except ValueError as exc:
        raise typer.BadParameter(f"not valid JSON: {exc}", param_hint=option) from exc
    if not isinstance(parsed, dict):
        raise typer.BadParameter("expected a JSON object", param_hint=option)
    return parsed


def given(**values: Any) -> dict[str, Any]:
    """The keyword arguments the user gave: options left out (None, no repeats) are not sent."""
    return {k: v for k, v in values.items() if v is not None and v != []}


Set = Annotated[list[str] | None, typer.Option("--set", help="field=value (repeatable)")]
All = Annotated[bool, typer.Option("--all", help="Every row, across pages")]
Tags = Annotated[list[str] | None, typer.Option("--tag", help="A tag (repeatable)")]
