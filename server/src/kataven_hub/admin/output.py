"""What the operator command prints for people: aligned tables and a progress bar (only on a
terminal; scripts use `--json` and see neither)."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TextIO


def _cell(value: Any) -> str:
    if value is None or value == "":
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return str(value)


def table(rows: Sequence[dict[str, Any]], columns: Sequence[str], empty: str) -> str:
    """Rows as an aligned table with a header of the column names in capitals."""
    if not rows:
        return empty
    cells = [[_cell(row.get(c)) for c in columns] for row in rows]
    headers = [c.replace("_", " ").upper() for c in columns]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = [headers, *cells]
    return "\n".join(
        "  ".join(text.ljust(width) for text, width in zip(line, widths, strict=True)).rstrip()
        for line in lines
    )


class ProgressBar:
    """`[##########----------]  5/10 accounts  acme`, redrawn in place on a terminal."""

    WIDTH = 30

    def __init__(self, label: str, stream: TextIO | None = None, enabled: bool = True) -> None:
        self.label = label
        self.stream = stream or sys.stderr
        self.enabled = enabled and bool(getattr(self.stream, "isatty", lambda: False)())

    def __call__(self, done: int, total: int, current: str) -> None:
        if not self.enabled:
            return
        filled = self.WIDTH * done // total if total else self.WIDTH
        bar = "#" * filled + "-" * (self.WIDTH - filled)
        line = f"\r[{bar}] {done}/{total} {self.label}  {current}"
        self.stream.write(line.ljust(self.WIDTH + len(self.label) + 40))
        if total == 0 or done >= total:
            self.stream.write("\n")
        self.stream.flush()
