"""`make run` on a fresh copy of the checkout, as a user who can write nothing but that copy:
the system Python's site-packages are read-only to it, its HOME does not exist, and no `uv` is
on its PATH. It must bootstrap uv into `.tools/`, install only what serving needs into `.venv`
(no test tooling) and serve the API.

Needs root (to run as `nobody`), Debian's python3 with venv, and PyPI (uv and the serving
dependencies are downloaded into the copy's own cache).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sysconfig
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.processes import free_port

ROOT = Path(__file__).parents[3]
SYSTEM_PYTHON = "/usr/bin/python3"
# Certificates and proxies of the machine, so downloads work; nothing else of root's env.
_PASSED = ("SSL_CERT_FILE", "SSL_CERT_DIR", "HTTPS_PROXY", "HTTP_PROXY", "NO_PROXY")

pytestmark = pytest.mark.xdist_group("make-run")


def _copy_checkout(dest: Path) -> None:
    files = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=ROOT, capture_output=True, check=True,
    ).stdout.decode().split("\0")  # fmt: skip
    for name in filter(None, files):
        source = ROOT / name
        if source.is_file():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name)


def _as_nobody(*command: str, env: dict[str, str]) -> list[str]:
    return ["runuser", "-u", "nobody", "--", "env", "-i", *(f"{k}={v}" for k, v in env.items()),
            *command]  # fmt: skip


@pytest.fixture
def tmp_path() -> Iterator[Path]:
    """A directory the user nobody can reach (pytest's own live under a 0700 directory)."""
    path = Path(tempfile.mkdtemp(prefix="kataven-make-run-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def _stop(proc: subprocess.Popen[bytes]) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=30)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)


def test_make_run_serves_from_a_fresh_copy_writing_only_inside_it(tmp_path: Path) -> None:
    assert os.geteuid() == 0, "this test runs `make run` as the user nobody: run it as root"
    assert Path(SYSTEM_PYTHON).exists(), "Debian's python3 is required"
    site = sysconfig.get_paths()["purelib"]
    checkout = tmp_path / "checkout"
    checkout.mkdir()
    _copy_checkout(checkout)
    subprocess.run(["chown", "-R", "nobody:nogroup", str(tmp_path)], check=True)
    # The system interpreter's site-packages must be out of reach of that user.
    probe = subprocess.run(
        _as_nobody(SYSTEM_PYTHON, "-c",
                   "import os, sysconfig; print(os.access(sysconfig.get_paths()['purelib'], "
                   "os.W_OK))", env={"PATH": "/usr/bin:/bin"}),
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert probe.stdout.strip() == "False", site

    port = free_port()
    env = {
        "PATH": "/usr/local/bin:/usr/bin:/bin",  # no uv here: make must bootstrap its own
        "HOME": "/nonexistent",
        "KATAVEN_PORT": str(port),
        **{k: os.environ[k] for k in _PASSED if k in os.environ},
    }
    log = (tmp_path / "make-run.log").open("wb")
    proc = subprocess.Popen(
        _as_nobody("make", "-C", str(checkout), "run", env=env),
        stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
    )  # fmt: skip
    try:
        deadline = time.time() + 600
        ready = False
        while time.time() < deadline and proc.poll() is None:
            try:
                ready = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
            except httpx.HTTPError:
                ready = False
            if ready:
                break
            time.sleep(1)
        output = (tmp_path / "make-run.log").read_text(errors="replace")
        assert ready, output[-5000:]
        r = httpx.get(f"http://127.0.0.1:{port}/api/v1/agents", timeout=5)
        assert r.status_code == 401  # the API answers, and asks for a key
    finally:
        _stop(proc)
        log.close()

    venv = checkout / ".venv"
    assert (checkout / ".tools" / "bin" / "uv").exists()
    assert (venv / "bin" / "kataven-hub").exists()
    installed = {p.name.split("-")[0].lower() for p in venv.glob("lib/python*/site-packages/*")}
    assert "fastapi" in installed
    assert not {"pytest", "schemathesis", "playwright", "moto", "mypy", "ruff"} & installed
    assert (checkout / "data").is_dir()  # the embedded default keeps its data in the checkout
    assert "created account 'demo'" in (tmp_path / "make-run.log").read_text()
