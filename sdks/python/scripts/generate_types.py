"""Generate `kataven/types/_generated.py`: one TypedDict per schema of the Hub's OpenAPI document.

    python sdks/python/scripts/generate_types.py                 # from kataven_hub.main.create_app
    python sdks/python/scripts/generate_types.py --url URL       # from a running server
    python sdks/python/scripts/generate_types.py --check         # exit 1 when the file is stale

The output depends only on the document (sorted, no timestamps), so a test can regenerate it from
a running server and compare.
"""

from __future__ import annotations

import argparse
import json
import keyword
import sys
import textwrap
import urllib.request
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parents[1] / "src" / "kataven" / "types" / "_generated.py"

# Schemas that describe no JSON a tenant sends or reads (the multipart form is built by hand).
SKIP_PREFIXES = ("Body_",)


def load_document(url: str | None, file: str | None) -> dict[str, Any]:
    if file:
        return dict(json.loads(Path(file).read_text()))
    if url:
        with urllib.request.urlopen(url.rstrip("/") + "/openapi.json", timeout=30) as r:
            return dict(json.loads(r.read()))
    from kataven_hub.main import create_app  # the server package, when run from the repository

    return dict(create_app().openapi())


def literal(value: Any) -> str:
    return json.dumps(value) if isinstance(value, str) else repr(value)


def class_names(schemas: dict[str, Any]) -> dict[str, str]:
    """Schema name → Python name: `pkg__module__schemas__Name` becomes `Name`, or `ModuleName`
    when two schemas would share a name."""
    short: dict[str, str] = {}
    for name in schemas:
        short[name] = name.rsplit("__", 1)[-1].replace("-", "")
    taken: dict[str, int] = {}
    for value in short.values():
        taken[value] = taken.get(value, 0) + 1
    out = {}
    for name, value in short.items():
        if taken[value] > 1 and "__" in name:
            module = name.split("__")[1]
            value = "".join(part.capitalize() for part in module.split("_")) + value
        out[name] = value
    return out


class Generator:
    def __init__(self, document: dict[str, Any]) -> None:
        self.schemas: dict[str, Any] = document.get("components", {}).get("schemas", {})
        self.names = class_names(self.schemas)

    def annotation(self, schema: dict[str, Any]) -> str:
        if "$ref" in schema:
            return self.names[schema["$ref"].rsplit("/", 1)[-1]]
        for key in ("anyOf", "oneOf"):
            if key in schema:
                return self.union([self.annotation(s) for s in schema[key]])
        if "allOf" in schema and len(schema["allOf"]) == 1:
            return self.annotation(schema["allOf"][0])
        if "const" in schema:
            return f"Literal[{literal(schema['const'])}]"
        if "enum" in schema:
            return "Literal[" + ", ".join(literal(v) for v in schema["enum"]) + "]"
        kind = schema.get("type")
        if isinstance(kind, list):
            return self.union([self.annotation({**schema, "type": k}) for k in kind])
        if kind == "string":
            return "str"
        if kind == "integer":
            return "int"
        if kind == "number":
            return "float"
        if kind == "boolean":
            return "bool"
        if kind == "null":
            return "None"
        if kind == "array":
            return f"list[{self.annotation(schema.get('items', {}))}]"
        if kind == "object":
            extra = schema.get("additionalProperties")
            if isinstance(extra, dict) and extra and not schema.get("properties"):
                return f"dict[str, {self.annotation(extra)}]"
            return "dict[str, Any]"
        return "Any"

    @staticmethod
    def union(parts: list[str]) -> str:
        seen: list[str] = []
        for part in parts:
            if part == "Any":
                return "Any"
            if part not in seen:
                seen.append(part)
        nulls = [p for p in seen if p == "None"]
        return " | ".join([p for p in seen if p != "None"] + nulls)

    def render(self) -> str:
        lines = [
            '"""TypedDicts for the Hub API\'s JSON, generated from its OpenAPI document by',
            "sdks/python/scripts/generate_types.py (`make sdk-types`). Do not edit by hand.",
            '"""',
            "",
            "from __future__ import annotations",
            "",
            "from typing import Any, Literal, Required, TypedDict",
        ]
        exported: list[str] = []
        # `X = TypedDict("X", {...})` (fields that are not identifiers, e.g. `from`) is evaluated
        # at import: it goes after the classes, so the names it uses are defined.
        deferred: list[str] = []
        for name in sorted(self.schemas, key=lambda n: self.names[n]):
            if name.startswith(SKIP_PREFIXES):
                continue
            schema = self.schemas[name]
            cls = self.names[name]
            props: dict[str, Any] = schema.get("properties") or {}
            if schema.get("type") != "object" and not props:
                alias = self.annotation(schema)
                if cls in alias:  # recursive (JSON values): not expressible as a runtime alias
                    alias = "Any"
                lines += ["", "", f"{cls} = {alias}"]
                exported.append(cls)
                continue
            required = set(schema.get("required", []))
            rendered = self.typed_dict(cls, schema, props, required)
            (deferred if " = TypedDict(" in rendered[-1] else lines).extend(rendered)
            exported.append(cls)
            optional = {k: v for k, v in props.items() if k not in required}
            if required and optional and (cls.endswith(("Create", "Request")) or "Create" in cls):
                # The optional fields alone, for `create(name, **fields)` signatures.
                lines += self.typed_dict(cls + "Fields", {}, optional, set())
                exported.append(cls + "Fields")
        lines += deferred
        lines += ["", "", "__all__ = ["] + [f'    "{n}",' for n in sorted(exported)] + ["]", ""]
        return "\n".join(lines)

    def typed_dict(
        self, cls: str, schema: dict[str, Any], props: dict[str, Any], required: set[str]
    ) -> list[str]:
        fields = []
        for field, sub in props.items():
            ann = self.annotation(sub)
            fields.append((field, f"Required[{ann}]" if field in required else ann))
        doc = (schema.get("description") or "").strip().split("\n\n")[0].replace("\n", " ")
        wrapped = textwrap.wrap(doc.replace('"""', "'''").replace("\\", "/"), 88)
        if all(f.isidentifier() and not keyword.iskeyword(f) for f, _ in fields):
            out = ["", "", f"class {cls}(TypedDict, total=False):"]
            if len(wrapped) == 1:
                out.append(f'    """{wrapped[0]}"""')
            elif wrapped:
                out += [f'    """{wrapped[0]}'] + [f"    {w}" for w in wrapped[1:]] + ['    """']
            if wrapped and fields:
                out.append("")
            out += [f"    {f}: {a}" for f, a in fields] or ["    pass"]
            return out
        body = ", ".join(f"{literal(f)}: {a}" for f, a in fields)
        return ["", "", f"{cls} = TypedDict({literal(cls)}, {{{body}}}, total=False)"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0] if __doc__ else None)
    parser.add_argument("--url", help="a running server's base URL")
    parser.add_argument("--file", help="an OpenAPI JSON document")
    parser.add_argument("--check", action="store_true", help="exit 1 when the file is stale")
    parser.add_argument("--stdout", action="store_true", help="print instead of writing")
    args = parser.parse_args()
    text = Generator(load_document(args.url, args.file)).render()
    if args.check:
        current = OUT.read_text() if OUT.exists() else ""
        if current != text:
            sys.stderr.write(f"{OUT} is stale: run `make sdk-types`\n")
            return 1
        return 0
    if args.stdout:
        sys.stdout.write(text)
    else:
        OUT.write_text(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
