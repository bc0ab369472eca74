from __future__ import annotations

import ast
import re
from typing import Annotated, Any, Literal

from pydantic import Field, field_validator

from kataven_hub.core.schemas import (
    Bounded,
    Category,
    JsonObject,
    LongText,
    RequestModel,
    ResponseModel,
    ShortText,
    SnakeName,
    Tags,
    Timestamp,
    UpdateModel,
)
from kataven_hub.tools.jsonschema import check_tool_schema

ImplementationType = Literal["python", "http"]
_URL_RE = re.compile(r"^(https?://|\{[a-z_][a-z0-9_.]*\})[^\s]{0,2040}$")
CODE_MAX = 100_000
Code = Annotated[str, Bounded(CODE_MAX)]


def default_schema() -> dict[str, Any]:
    return {"type": "object", "properties": {}}


def _schema(value: dict[str, Any] | None) -> dict[str, Any] | None:
    if value is not None:
        check_tool_schema(value)
    return value


def check_implementation(kind: str, config: dict[str, Any], code: str) -> str | None:
    """The problem with a tool's implementation, or None: HTTP tools need a URL; Python source
    must parse and define `run(args, context)` (the Call Processor's entry point)."""
    if kind == "http":
        url = config.get("url")
        if not isinstance(url, str) or not _URL_RE.match(url):
            return (
                "implementation_config.url must be an http(s) URL (or start with a {placeholder})"
            )
        method = config.get("method", "POST")
        if method not in ("GET", "POST", "PUT", "PATCH", "DELETE"):
            return "implementation_config.method must be GET, POST, PUT, PATCH or DELETE"
    elif code.strip():
        try:
            tree = ast.parse(code)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return "implementation_code is not valid Python"
        if not any(isinstance(n, ast.FunctionDef) and n.name == "run" for n in tree.body):
            return "implementation_code must define run(args, context)"
    return None


class ToolCreate(RequestModel):
    name: SnakeName = Field(examples=["lookup_order"])
    category: Category = Field(examples=["ecommerce"])
    display_name: ShortText | None = Field(default=None, description="Default: from `name`")
    description: LongText = ""
    args_schema: JsonObject = Field(default_factory=default_schema, alias="schema")
    implementation_type: ImplementationType = "python"
    implementation_config: JsonObject = Field(default_factory=dict)
    implementation_code: Code = ""
    tags: Tags = Field(default_factory=list)

    _check_schema = field_validator("args_schema")(classmethod(lambda cls, v: _schema(v)))


class ToolUpdate(UpdateModel):
    """Partial update; `name` is immutable (sending a different one is a 400)."""

    name: str | None = None
    category: Category | None = None
    display_name: ShortText | None = None
    description: LongText | None = None
    args_schema: JsonObject | None = Field(default=None, alias="schema")
    implementation_type: ImplementationType | None = None
    implementation_config: JsonObject | None = None
    implementation_code: Code | None = None
    tags: Tags | None = None

    _check_schema = field_validator("args_schema")(classmethod(lambda cls, v: _schema(v)))


class ToolRead(ResponseModel):
    id: str
    name: str
    display_name: str
    category: str
    description: str
    args_schema: dict[str, Any] = Field(serialization_alias="schema")
    implementation_type: str
    implementation_config: dict[str, Any]
    implementation_code: str
    tags: list[str]
    is_default: bool
    modified_from_default: bool
    default_version: str | None
    integration_id: str | None = Field(description="The installed integration that brought it")
    created_at: Timestamp
    updated_at: Timestamp


class ToolList(ResponseModel):
    tools: list[ToolRead]
    count: int
    total: int
    limit: int
    offset: int
    has_next: bool
    has_prev: bool
    next_offset: int
    prev_offset: int
    category_counts: dict[str, int]
