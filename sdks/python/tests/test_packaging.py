"""`kataven` stands alone: httpx and the standard library at run time, the CLI's libraries
only behind the `cli` extra, no server code."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

SDK = Path(__file__).resolve().parents[1]


def test_import_pulls_in_no_server_or_cli_code() -> None:
    code = (
        "import sys, kataven, kataven.types\n"
        "kataven.KatavenClient('k'); kataven.AsyncKatavenClient('k')\n"
        "heavy = {'kataven_hub', 'typer', 'pydantic', 'fastapi'}\n"
        "loaded = [m for m in sys.modules if m.split('.')[0] in heavy]\n"
        "print(sorted(loaded + [m for m in sys.modules if m.startswith('kataven.cli')]))\n"
    )  # (httpx itself imports click and rich when they happen to be installed)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_installs_alone_into_a_fresh_environment(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # The uv the Makefile uses (on PATH, or the one it bootstrapped into .tools/).
    uv = [
        os.environ.get("SDK_TEST_UV") or shutil.which("uv") or str(SDK.parents[1] / ".tools/bin/uv")
    ]
    subprocess.run([*uv, "venv", "-q", str(venv)], check=True, capture_output=True)
    python = str(venv / "bin" / "python")
    subprocess.run(
        [*uv, "pip", "install", "-q", "--python", python, str(SDK)], check=True, capture_output=True
    )
    listed = subprocess.run(
        [*uv, "pip", "list", "--python", python, "--format", "freeze"],
        check=True, capture_output=True, text=True,
    )  # fmt: skip
    names = {line.split("==")[0].lower() for line in listed.stdout.split()}
    assert "kataven" in names
    assert "httpx" in names
    assert not names & {"kataven-hub", "typer", "rich", "fastapi", "pydantic"}
    imported = subprocess.run(
        [python, "-c", "import kataven; print(kataven.KatavenClient('k').base_url)"],
        capture_output=True, text=True,
    )  # fmt: skip
    assert imported.stdout.strip() == "http://localhost:8081", imported.stderr
    cli = subprocess.run(
        [str(venv / "bin" / "kataven"), "agents", "list"], capture_output=True, text=True
    )
    assert cli.returncode == 1
    assert cli.stderr == 'The kataven command needs its extra: pip install "kataven[cli]"\n'
