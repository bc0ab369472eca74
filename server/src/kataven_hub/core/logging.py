"""Logs: readable lines on a terminal, JSON objects (one per line) otherwise and always in
production, where a collector parses them. Nothing secret is ever passed to a logger.

`KATAVEN_LOG_FORMAT`: `auto` (the default: text when stderr is a terminal outside production),
`text` or `json`.
"""

from __future__ import annotations

import logging
import sys
from datetime import UTC, datetime
from typing import Any

import orjson

_RESERVED = set(logging.LogRecord("", 0, "", 0, "", (), None).__dict__) | {
    "message",
    "asctime",
    "color_message",  # uvicorn's copy of the message with terminal colours
}


def _extras(record: logging.LogRecord) -> dict[str, Any]:
    return {k: v for k, v in record.__dict__.items() if k not in _RESERVED}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        data = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": record.getMessage(),
        }
        data.update(_extras(record))
        if record.exc_info:
            data["exc"] = self.formatException(record.exc_info)
        return orjson.dumps(data, default=str).decode()


class TextFormatter(logging.Formatter):
    """`08:01:02 INFO  access  GET /api/v1/agents 200 3.1ms account=demo`"""

    def format(self, record: logging.LogRecord) -> str:
        when = datetime.fromtimestamp(record.created, UTC).strftime("%H:%M:%S")
        name = record.name.removeprefix("kataven_hub.")
        extras = _extras(record)
        message = record.getMessage()
        if name == "access" and {"method", "path", "status"} <= extras.keys():
            message = (
                f"{extras.pop('method')} {extras.pop('path')} {extras.pop('status')} "
                f"{extras.pop('duration_ms', '?')}ms"
            )
        fields = " ".join(f"{k}={v}" for k, v in extras.items())
        line = f"{when} {record.levelname:<7} {name}  {message}" + (f"  {fields}" if fields else "")
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line


def wants_text(log_format: str, production: bool, stream: Any) -> bool:
    if log_format == "auto":
        return not production and bool(getattr(stream, "isatty", lambda: False)())
    return log_format == "text"


def setup(level: str, log_format: str = "auto", production: bool = False) -> None:
    handler = logging.StreamHandler(sys.stderr)
    text = wants_text(log_format, production, sys.stderr)
    handler.setFormatter(TextFormatter() if text else JsonFormatter())
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    for name in ("uvicorn.access",):
        logging.getLogger(name).disabled = True
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True
