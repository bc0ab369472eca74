"""`kataven-mcp` stands on the SDK and the `mcp` library alone: no server code, installable
outside this workspace, its command usable from a fresh environment."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SDKS = Path(__file__).resolve().parents[2]


def test_server_imports_no_server_code() -> None:
    code = (
        "import sys, kataven_mcp.cli, kataven_mcp.server\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in {'kataven_hub', 'fastapi'}))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_installs_into_a_fresh_environment(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # The uv the Makefile uses (on PATH, or the one it bootstrapped into .tools/).
    uv = [os.environ.get("SDK_TEST_UV") or shutil.which("uv") or str(SDKS.parent / ".tools/bin/uv")]
    subprocess.run([*uv, "venv", "-q", str(venv)], check=True, capture_output=True)
    python = str(venv / "bin" / "python")
    packages = [str(SDKS / "python"), str(SDKS / "mcp")]
    subprocess.run(
        [*uv, "pip", "install", "-q", "--python", python, *packages],
        check=True,
        capture_output=True,
    )
    listed = subprocess.run(
        [*uv, "pip", "list", "--python", python, "--format", "freeze"],
        check=True,
        capture_output=True,
        text=True,
    )
    names = {line.split("==")[0].lower() for line in listed.stdout.split()}
    assert {"kataven", "kataven-mcp", "mcp"} <= names
    assert "kataven-hub" not in names
    usage = subprocess.run(
        [str(venv / "bin" / "kataven-mcp"), "--help"], capture_output=True, text=True
    )
    assert usage.returncode == 0, usage.stderr
    assert "--transport" in usage.stdout
    assert "KATAVEN_MCP_TOKEN" in usage.stdout
