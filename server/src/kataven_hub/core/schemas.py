"""Shared schema building blocks: bounded, NUL-free strings, JSON objects with a size cap.

Every request model derives from `RequestModel` and uses these types, so hostile input (huge
strings, NUL bytes that PostgreSQL refuses, deep or huge objects) is a 400 at the edge.
"""

from __future__ import annotations

import difflib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any, ClassVar, Self, TypeAlias

from annotated_types import GroupedMetadata
from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetJsonSchemaHandler,
    PlainSerializer,
    StringConstraints,
    model_validator,
)
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema, PydanticCustomError
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


class Documented:
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


class Bounded(GroupedMetadata):
    """A NUL-free string of at most `max_length` characters: `Annotated[str, Bounded(500)]`.

    Metadata, not a type, so annotations stay valid for type checkers; the aliases below name
    the common sizes, and a module names its own (`Code = Annotated[str, Bounded(CODE_MAX)]`).
    """

    def __init__(self, max_length: int, *, min_length: int = 0) -> None:
        self.max_length = max_length
        self.min_length = min_length

    def __iter__(self) -> Iterator[object]:
        yield from StringConstraints(min_length=self.min_length, max_length=self.max_length)
        yield AfterValidator(_no_nul)
        yield Documented(_NO_NUL)


# The id of another resource a body refers to (`agent_id`); the service checks it exists.
ResourceId = Annotated[str, Bounded(100)]
Category = Annotated[str, Bounded(100, min_length=1)]  # tools, playbooks and FAQs
ShortText = Annotated[str, Bounded(200)]  # labels, display names
LongText = Annotated[str, Bounded(2000)]  # descriptions, summaries, greetings

Name = Annotated[
    str,
    StringConstraints(min_length=1, max_length=200, strip_whitespace=True),
    AfterValidator(_no_nul),
    Documented(_NOT_BLANK),
]
SnakeName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]{0,99}$")]
Tag = Annotated[
    str,
    StringConstraints(min_length=1, max_length=50),
    AfterValidator(_no_nul),
    Documented(_NO_NUL),
]
Tags = Annotated[list[Tag], Field(max_length=50)]  # tools, playbooks and FAQs
# JSON values as the schema documents them: any JSON, no NUL in any string or key (PostgreSQL
# refuses them); the size cap (MAX_JSON_BYTES) is checked on the whole object.
_NulFree = Annotated[str, StringConstraints(pattern=r"^[^\x00]*$")]
if TYPE_CHECKING:
    # mypy does not resolve a recursive TypeAliasType; a plain recursive alias it does.
    JsonValue: TypeAlias = (
        _NulFree | int | float | bool | list["JsonValue"] | dict[_NulFree, "JsonValue"] | None
    )
else:
    JsonValue = TypeAliasType(
        "JsonValue",
        "_NulFree | int | float | bool | list[JsonValue] | dict[_NulFree, JsonValue] | None",
    )
JsonObject = Annotated[dict[_NulFree, JsonValue], AfterValidator(_bounded_json)]
Timestamp = Annotated[
    datetime, PlainSerializer(lambda d: d.isoformat().replace("+00:00", "Z"), return_type=str)
]


def _timestamp_text(value: object) -> object:
    # A bare number would otherwise pass as a Unix timestamp.
    if not isinstance(value, str) or not re.match(r"^\d{4}-\d{2}-\d{2}", value):
        raise ValueError("must be an RFC 3339 timestamp, e.g. 2026-01-01T00:00:00Z")
    return value


# A time in a query string (`from`, `to`): RFC 3339 text only. QueryTime reads a time without
# an offset as UTC; AwareQueryTime requires the offset.
QueryTime = Annotated[datetime, BeforeValidator(_timestamp_text)]
AwareQueryTime = Annotated[AwareDatetime, BeforeValidator(_timestamp_text)]


def snake_case(text: str, max_length: int = 100) -> str:
    """`Refund Workflow` → `refund_workflow`, `Café hours?` → `cafe_hours`; "" when nothing is
    left (no ASCII letter or digit). A leading digit gets an `n` in front."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    snake = re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
    if snake[:1].isdigit():
        snake = "n" + snake
    return snake[:max_length].rstrip("_")


# Set by the server on every resource; a body that echoes them back (a read, edited and sent
# again, as the docs' examples do) is accepted and they are dropped (spec 00 §9).
SERVER_SET_FIELDS = frozenset({"id", "created_at", "updated_at", "created_by"})


def _input_names(model: type[BaseModel]) -> dict[str, str]:
    """The names a body may use for each field (its alias when it has one) → the field name."""
    names: dict[str, str] = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        names[alias or name] = name
    return names


def suggest(unknown: str, known: Iterable[str]) -> str | None:
    """The known name closest to `unknown` (`model` → `llm_model`), or None."""
    candidates = sorted(known)
    close = difflib.get_close_matches(unknown.lower(), candidates, n=1, cutoff=0.6)
    if close:
        return close[0]
    contains = [c for c in candidates if unknown.lower() in c or (len(c) > 2 and c in unknown)]
    return contains[0] if len(contains) == 1 else None


def unknown_message(kind: str, name: str, known: Iterable[str]) -> str:
    """`unknown field 'model'; did you mean 'llm_model'?`"""
    hint = suggest(name, known)
    message = f"unknown {kind} {name!r}"
    return f"{message}; did you mean {hint!r}?" if hint else message


class RequestModel(BaseModel):
    """Request bodies: strict types (no "1" for 1), and nothing sent is silently ignored: a
    field the operation does not know is a 400 naming it (with the closest known name), except
    the read-only fields of the resource's read schema (`id`, `created_at`, …), which are
    dropped so that a resource read, edited and sent back is accepted.

    The read schema is the operation's response model, found when the app is built
    (`core.strictness.register_read_schemas`); `read_schema` names it where the operation
    answers without a body (204)."""

    model_config = ConfigDict(strict=True, extra="forbid")
    read_schema: ClassVar[type[BaseModel] | None] = None
    read_schema_echo: ClassVar[bool] = True
    # Filled from every operation that takes this body: the read schema's field names.
    read_only_fields: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="before")
    @classmethod
    def _refuse_unknown_fields(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        names = _input_names(cls)
        unknown = [key for key in data if key not in names]
        if not unknown:
            return data
        tolerated = SERVER_SET_FIELDS | cls.read_only_fields
        refused = [key for key in unknown if key not in tolerated]
        if refused:
            messages = [unknown_message("field", str(key), names) for key in refused]
            raise PydanticCustomError(
                "unknown_field",
                "; ".join(messages),
                {"fields": [str(key) for key in refused], "messages": messages},
            )
        return {key: value for key, value in data.items() if key in names}


def _read_names(model: type[BaseModel]) -> frozenset[str]:
    """The names a read schema shows on the wire (a field's serialisation alias, if any)."""
    names = {
        info.serialization_alias or info.alias or name for name, info in model.model_fields.items()
    }
    return frozenset(names | set(model.model_computed_fields))


def add_read_only_fields(body: type[RequestModel], read: type[BaseModel]) -> None:
    """Tolerate `read`'s fields in `body` when `read` is the body's own resource: every field
    the body takes is a field of `read` (a create or update of that resource), and the body
    does not opt out (`read_schema_echo = False`: an install that happens to return an agent
    must not swallow agent fields). Called for every operation when the app is built."""
    names = set(_input_names(body))
    read_names = _read_names(read)
    if not body.read_schema_echo or not names <= read_names:
        return
    extra = read_names - names
    if not extra <= body.read_only_fields:
        body.read_only_fields = body.read_only_fields | extra


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
    model_config = ConfigDict(strict=True, extra="forbid", json_schema_extra=_omittable_not_null)

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
    "Bounded",
    "Category",
    "Documented",
    "Field",
    "JsonObject",
    "JsonValue",
    "LongText",
    "Name",
    "RequestModel",
    "ResourceId",
    "ResponseModel",
    "ShortText",
    "SnakeName",
    "Timestamp",
    "UpdateModel",
    "add_read_only_fields",
    "snake_case",
    "suggest",
    "unknown_message",
]
