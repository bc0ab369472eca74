"""The `kataven` command (extra `kataven[cli]`): Typer and Rich are imported only here."""

from __future__ import annotations

import sys


def main() -> None:
    try:
        from kataven.cli.app import run
    except ImportError as exc:
        if exc.name in {"typer", "rich", "click"}:
            sys.stderr.write('The kataven command needs its extra: pip install "kataven[cli]"\n')
            sys.exit(1)
        raise
    run()
