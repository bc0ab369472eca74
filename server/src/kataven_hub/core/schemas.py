"""Shared schema building blocks: bounded, NUL-free strings, JSON objects with a size cap.

Every request model derives from `RequestModel` and uses these types, so hostile input (huge
strings, NUL bytes that PostgreSQL refuses, deep or huge objects) is a 400 at the edge.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import orjson
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

MAX_JSON_BYTES = 64 * 1024


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _bounded_json(value: dict[str, Any]) -> dict[str, Any]:
    try:
        size = len(orjson.dumps(value))
    except (TypeError, orjson.JSONEncodeError):
        raise ValueError("must be a JSON object") from None
    if size > MAX_JSON_BYTES:
        raise ValueError(f"must serialise to at most {MAX_JSON_BYTES} bytes")
    if _has_nul(value):
        raise ValueError("must not contain NUL characters")
    return value


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def Text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_no_nul),
    ]


Name = Annotated[
    str, StringConstraints(min_length=1, max_length=200, strip_whitespace=True), AfterValidator(_no_nul)
]
SnakeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,99}$")]
JsonObject = Annotated[dict[str, Any], AfterValidator(_bounded_json)]
Timestamp = Annotated[
    datetime, PlainSerializer(lambda d: d.isoformat().replace("+00:00", "Z"), return_type=str)
]


class RequestModel(BaseModel):
    """Request bodies: strict types (no "1" for 1), unknown and server-set fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


__all__ = [
    "Field",
    "JsonObject",
    "Name",
    "RequestModel",
    "ResponseModel",
    "SnakeName",
    "Text",
    "Timestamp",
]
