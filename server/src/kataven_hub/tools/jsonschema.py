"""A structural check that a tool's `schema` is a plausible JSON Schema for its arguments.

Not a full meta-schema validation: it checks what the runtime and LLM function calling rely on
(the top level describes an object; keywords that take schemas hold schemas; `type`,
`required`, `enum` and the numeric bounds have the right shapes; patterns compile) and bounds
the nesting, so a typo is a 400 at creation rather than a failure in the middle of a call.
"""

from __future__ import annotations

import re
from typing import Any

TYPES = frozenset({"object", "array", "string", "number", "integer", "boolean", "null"})
_MAX_DEPTH = 32
_SCHEMA_MAPS = ("properties", "patternProperties", "$defs", "definitions", "dependentSchemas")
_SCHEMA_LISTS = ("anyOf", "oneOf", "allOf", "prefixItems")
_SCHEMA_ONE = ("not", "if", "then", "else", "contains", "propertyNames", "additionalItems")
_COUNTS = ("minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties")
_NUMBERS = ("minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "multipleOf")
_STRINGS = ("title", "description", "format", "$ref", "$id", "$schema", "$comment")


def check_tool_schema(schema: Any) -> None:
    """Raise ValueError naming the first problem; the top level must describe an object."""
    if not isinstance(schema, dict):
        raise ValueError("schema must be a JSON object")
    if schema.get("type", "object") != "object":
        raise ValueError('schema must describe the arguments object ("type": "object")')
    _check(schema, "schema", 0)


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _check(node: Any, where: str, depth: int) -> None:
    if depth > _MAX_DEPTH:
        raise ValueError(f"schema is nested deeper than {_MAX_DEPTH} levels")
    if isinstance(node, bool):
        return  # `true` / `false` are valid schemas
    if not isinstance(node, dict):
        raise ValueError(f"{where} must be a schema object")
    kind = node.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not kinds or any(not isinstance(k, str) or k not in TYPES for k in kinds):
            raise ValueError(f"{where}.type must be one of {', '.join(sorted(TYPES))}")
    for key in _SCHEMA_MAPS:
        if key in node:
            if not isinstance(node[key], dict):
                raise ValueError(f"{where}.{key} must be an object of schemas")
            for name, sub in node[key].items():
                _check(sub, f"{where}.{key}.{name}", depth + 1)
    for key in _SCHEMA_LISTS:
        if key in node:
            if not isinstance(node[key], list) or not node[key]:
                raise ValueError(f"{where}.{key} must be a non-empty array of schemas")
            for i, sub in enumerate(node[key]):
                _check(sub, f"{where}.{key}[{i}]", depth + 1)
    for key in (*_SCHEMA_ONE, "items", "additionalProperties", "unevaluatedProperties"):
        if key in node:
            _check(node[key], f"{where}.{key}", depth + 1)
    _check_scalars(node, where)


def _check_scalars(node: dict[str, Any], where: str) -> None:
    required = node.get("required")
    if required is not None and (
        not isinstance(required, list)
        or any(not isinstance(r, str) for r in required)
        or len(set(required)) != len(required)
    ):
        raise ValueError(f"{where}.required must be an array of distinct property names")
    if "enum" in node and (not isinstance(node["enum"], list) or not node["enum"]):
        raise ValueError(f"{where}.enum must be a non-empty array")
    for key in _COUNTS:
        if key in node and (
            not isinstance(node[key], int) or isinstance(node[key], bool) or node[key] < 0
        ):
            raise ValueError(f"{where}.{key} must be a non-negative integer")
    for key in _NUMBERS:
        if key in node and not _is_number(node[key]):
            raise ValueError(f"{where}.{key} must be a number")
    for key in _STRINGS:
        if key in node and not isinstance(node[key], str):
            raise ValueError(f"{where}.{key} must be a string")
    if "pattern" in node:
        try:
            re.compile(node["pattern"])
        except (re.error, TypeError):
            raise ValueError(f"{where}.pattern must be a valid regular expression") from None
