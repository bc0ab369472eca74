"""Shared schema building blocks: bounded, NUL-free strings, JSON objects with a size cap.

Every request model derives from `RequestModel` and uses these types, so hostile input (huge
strings, NUL bytes that PostgreSQL refuses, deep or huge objects) is a 400 at the edge.
"""

from __future__ import annotations

import json
import re
import unicodedata
from datetime import datetime
from typing import Annotated, Any, ClassVar, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema
from typing_extensions import TypeAliasType

MAX_JSON_BYTES = 64 * 1024


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


def _bounded_json(value: dict[str, Any]) -> dict[str, Any]:
    try:
        # Python's JSON parser accepts NaN and Infinity, which no database JSON type stores.
        encoded = json.dumps(value, allow_nan=False, separators=(",", ":"))
    except (TypeError, ValueError, RecursionError):
        raise ValueError("must be a JSON object of finite numbers") from None
    if len(encoded.encode()) > MAX_JSON_BYTES:
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


class _Documented:
    """Puts a pattern in the JSON schema only: validation stays with the validators, whose
    messages say what is wrong ("must not contain NUL characters")."""

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern

    def __get_pydantic_json_schema__(
        self, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["pattern"] = self.pattern
        return schema


_NO_NUL = r"^[^\x00]*$"
# Exactly the characters str.strip() removes, so "some visible character" means the same in the
# schema (ECMA regex) and in the validator.
_SPACE = r"\t\n\v\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
_NOT_BLANK = rf"^[^\x00]*[^\x00{_SPACE}][^\x00]*$"


def Text(max_length: int, min_length: int = 0) -> Any:
    return Annotated[
        str,
        StringConstraints(min_length=min_length, max_length=max_length),
        AfterValidator(_no_nul),
        _Documented(_NO_NUL),
    ]


Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
    AfterValidator(_no_nul),
    _Documented(_NOT_BLANK),
]
SnakeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,99}$")]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=50),
    AfterValidator(_no_nul),
    _Documented(_NO_NUL),
]
Tags = Annotated[list[Tag], Field(max_length=50)]  # tools, playbooks and FAQs
# JSON values as the schema documents them: any JSON, no NUL in any string or key (PostgreSQL
# refuses them); the size cap (MAX_JSON_BYTES) is checked on the whole object.
_NulFree = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
JsonValue = TypeAliasType(  # type: ignore[misc]
    "JsonValue",
    "_NulFree | int | float | bool | list[JsonValue] | dict[_NulFree, JsonValue] | None",
)
JsonObject = Annotated[dict[_NulFree, JsonValue], AfterValidator(_bounded_json)]
Timestamp = Annotated[
    datetime, PlainSerializer(lambda d: d.isoformat().replace("+00:00", "Z"), return_type=str)
]


def snake_case(text: str, max_length: int = 100) -> str:
    """`Refund Workflow` → `refund_workflow`, `Café hours?` → `cafe_hours`; "" when nothing is
    left (no ASCII letter or digit). A leading digit gets an `n` in front."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    snake = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if snake[:1].isdigit():
        snake = "n" + snake
    return snake[:max_length].rstrip("_")


class RequestModel(BaseModel):
    """Request bodies: strict types (no "1" for 1), unknown and server-set fields ignored."""

    model_config = ConfigDict(strict=True, extra="ignore")


def _omittable_not_null(schema: dict[str, Any], model: type[BaseModel]) -> None:
    nullable: frozenset[str] = getattr(model, "nullable", frozenset())
    for name, prop in schema.get("properties", {}).items():
        options = prop.get("anyOf")
        if name in nullable or not options or {"type": "null"} not in options:
            continue
        rest = [o for o in options if o != {"type": "null"}]
        del prop["anyOf"]
        if len(rest) == 1:
            prop.update(rest[0])
        else:
            prop["anyOf"] = rest


class UpdateModel(RequestModel):
    """PATCH bodies: a field left out stays unchanged; null is refused (400) except for the
    fields named in `nullable`, and the OpenAPI schema says so."""

    nullable: ClassVar[frozenset[str]] = frozenset()
    model_config = ConfigDict(strict=True, extra="ignore", json_schema_extra=_omittable_not_null)

    @model_validator(mode="after")
    def _refuse_nulls(self) -> Self:
        nulls = sorted(
            name
            for name in self.model_fields_set
            if getattr(self, name) is None and name not in self.nullable
        )
        if nulls:
            raise ValueError(f"{', '.join(nulls)} cannot be null")
        return self


class ResponseModel(BaseModel):
    model_config = ConfigDict(from_attributes=True)


__all__ = [
    "Field",
    "JsonObject",
    "JsonValue",
    "Name",
    "RequestModel",
    "ResponseModel",
    "SnakeName",
    "Text",
    "Timestamp",
    "UpdateModel",
    "snake_case",
]
