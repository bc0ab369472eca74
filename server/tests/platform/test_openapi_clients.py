"""The OpenAPI document works with the client generators our users (and our SDKs) run:
openapi-python-client (PyPI, in the dev group) and openapi-typescript (npm, pinned by
tests/openapi_tools/package-lock.json and installed there with `npm ci`).

Both generate from `/openapi.json` as served; every operation must come out (no generator
warning, nothing skipped), the Python client must import and the TypeScript must compile with
`tsc --strict`. Also the document's own hygiene: operationIds are the handler names, unique;
component names are unique and readable; summaries are short sentences.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi.routing import iter_route_contexts
from kataven_hub.main import create_app

TOOLS = Path(__file__).parents[1] / "openapi_tools"
GENERATOR = str(Path(sys.executable).parent / "openapi-python-client")
METHODS = {"get", "put", "post", "patch", "delete"}

pytestmark = pytest.mark.xdist_group("openapi-clients")


@pytest.fixture(scope="module")
async def document() -> dict[str, Any]:
    app = create_app()
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://hub.test") as client:
        r = await client.get("/openapi.json")
    assert r.status_code == 200
    return r.json()


def _operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (path, method, op)
        for path, ops in document["paths"].items()
        for method, op in ops.items()
        if method in METHODS
    ]


@pytest.fixture(scope="module")
def spec_file(document: dict[str, Any], tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("openapi") / "openapi.json"
    path.write_text(json.dumps(document))
    return path


class TestDocument:
    def test_operation_ids_are_handler_names(self, document: dict[str, Any]) -> None:
        app = create_app()
        handlers = {
            getattr(getattr(c, "original_route", c), "name", None)
            for c in iter_route_contexts(app.routes)
        }
        ids = [op["operationId"] for _, _, op in _operations(document)]
        assert len(ids) == len(set(ids))
        for op_id in ids:
            assert re.fullmatch(r"[a-z][a-z0-9_]*", op_id), op_id
            assert "_api_v1_" not in op_id, op_id
        assert {"create_agent", "list_calls", "create_campaign", "upsert_agent_tool"} <= set(ids)
        assert {i for i in ids if i not in handlers} == {"upsert_agent_tool_put"}

    def test_agent_tools_put_is_a_documented_alias(self, document: dict[str, Any]) -> None:
        put = document["paths"]["/api/v1/agents/{agent_id}/tools"]["put"]
        post = document["paths"]["/api/v1/agents/{agent_id}/tools"]["post"]
        assert post["operationId"] == "upsert_agent_tool"
        assert put["x-alias-of"] == "upsert_agent_tool"
        assert "alias" in put["description"]
        assert put["requestBody"] == post["requestBody"]

    def test_component_names_are_unique_and_readable(self, document: dict[str, Any]) -> None:
        names = list(document["components"]["schemas"])
        assert not [n for n in names if "__" in n or n.startswith("Body_")]
        assert {"AgentPlaybook", "PlaybookSummary", "CreateCampaignForm"} <= set(names)
        form = document["paths"]["/api/v1/campaigns"]["post"]["requestBody"]["content"]
        assert form["multipart/form-data"]["schema"] == {
            "$ref": "#/components/schemas/CreateCampaignForm"
        }

    def test_json_value_is_the_any_schema(self, document: dict[str, Any]) -> None:
        value = document["components"]["schemas"]["JsonValue"]
        assert set(value) == {"description"}

    def test_summaries_are_written_for_customers(self, document: dict[str, Any]) -> None:
        for path, method, op in _operations(document):
            summary = op.get("summary", "")
            assert 0 < len(summary) <= 80, (path, method)
            # FastAPI's default is the title-cased handler name ("List Mcp Connections").
            default = op["operationId"].replace("_", " ").title()
            assert summary != default or " " not in summary, (path, method, summary)
        agents = document["paths"]["/api/v1/agents"]
        assert agents["post"]["summary"] == "Create an agent"


def test_openapi_python_client_generates_every_operation(
    document: dict[str, Any], spec_file: Path, tmp_path: Path
) -> None:
    out = tmp_path / "client"
    done = subprocess.run(
        [GENERATOR, "generate", "--path", str(spec_file), "--output-path", str(out),
         "--meta", "none", "--overwrite"],
        capture_output=True, text=True, timeout=300, check=False,
        # It formats what it generates with ruff (from the dev environment).
        env={**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"},
    )  # fmt: skip
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    assert "Warning" not in output, output
    assert "Unable to" not in output, output
    modules = {p.stem for p in (out / "api").rglob("*.py") if p.stem != "__init__"}
    missing = [op["operationId"] for _, _, op in _operations(document)]
    assert [m for m in missing if m not in modules] == []
    code = (
        "import importlib, pkgutil, client, client.api\n"
        "names = [m.name for m in pkgutil.walk_packages(client.api.__path__, 'client.api.')]\n"
        "for name in names: importlib.import_module(name)\n"
        "import client.models\n"
        "print(len(names))\n"
    )
    imported = subprocess.run(
        [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip
    assert imported.returncode == 0, imported.stderr
    assert int(imported.stdout.strip().splitlines()[-1]) >= len(missing)


def _npm_ci() -> Path:
    npm = shutil.which("npm")
    assert npm is not None, "npm is required (Node.js 20+)"
    bin_dir = TOOLS / "node_modules" / ".bin"
    if not (bin_dir / "openapi-typescript").exists() or not (bin_dir / "tsc").exists():
        done = subprocess.run(
            [npm, "ci", "--no-audit", "--no-fund"], cwd=TOOLS, capture_output=True, text=True,
            timeout=600, check=False,
        )  # fmt: skip
        assert done.returncode == 0, done.stdout + done.stderr
    return bin_dir


def test_openapi_typescript_generates_types_that_compile(
    document: dict[str, Any], spec_file: Path, tmp_path: Path
) -> None:
    bin_dir = _npm_ci()
    types = tmp_path / "schema.d.ts"
    done = subprocess.run(
        [str(bin_dir / "openapi-typescript"), str(spec_file), "-o", str(types)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    ids = [op["operationId"] for _, _, op in _operations(document)]
    # Every operation is addressable by its id, and by its path and method.
    usage = ['import type { operations, paths } from "./schema";']
    for i, (path, method, op) in enumerate(_operations(document)):
        usage.append(f'type Op{i} = operations["{op["operationId"]}"];')
        usage.append(f'type Path{i} = paths["{path}"]["{method}"];')
        usage.append(f"export type Both{i} = [Op{i}, Path{i}];")
    (tmp_path / "usage.ts").write_text("\n".join(usage) + "\n")
    compiled = subprocess.run(
        [str(bin_dir / "tsc"), "--noEmit", "--strict", "--target", "es2022",
         "--moduleResolution", "bundler", "--module", "esnext", str(types),
         str(tmp_path / "usage.ts")],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    assert compiled.returncode == 0, compiled.stdout + compiled.stderr
    text = types.read_text()
    assert [i for i in ids if f"    {i}: {{" not in text] == []
