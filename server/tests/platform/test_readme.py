"""The README's "first call in five minutes" walkthrough, executed: every shell block between
`<!-- walkthrough:start -->` and `<!-- walkthrough:end -->`, in order and in one shell (as a
reader pastes them into one terminal), against a real `kataven-hub api` process started as
`make run` starts it (embedded default, demo account bootstrapped on first start).

The only liberties: the server listens on a free port (the blocks' `localhost:8081` is rewritten
to it), and the sandbox carrier answers every call quickly (KATAVEN_SANDBOX_* settings), so the
run is short and its outcome certain.
"""

from __future__ import annotations

import contextlib
import re
import subprocess
import time
from pathlib import Path

import httpx
import pytest

from tests.fixtures.processes import HUB, clean_environ, free_port

ROOT = Path(__file__).parents[3]
README = ROOT / "README.md"
START, END = "<!-- walkthrough:start -->", "<!-- walkthrough:end -->"

pytestmark = pytest.mark.xdist_group("readme")


def walkthrough_blocks(text: str) -> list[str]:
    assert text.count(START) == 1, "the README must mark its walkthrough once"
    assert text.count(END) == 1
    section = text.split(START, 1)[1].split(END, 1)[0]
    return re.findall(r"```bash\n(.*?)```", section, flags=re.DOTALL)


def test_the_walkthrough_is_marked_and_covers_the_first_hour() -> None:
    blocks = walkthrough_blocks(README.read_text())
    assert len(blocks) >= 6
    script = "\n".join(blocks)
    for step in (
        "telephony/providers",
        '"status": "active"',
        "telephony/numbers",
        "calls/originate",
        "/recording",
        "/campaigns",
        "/events",
        "widget/auth/guest",
    ):
        assert step in script, step


def test_every_walkthrough_block_runs_against_a_real_server(tmp_path: Path) -> None:
    port = free_port()
    data = tmp_path / "data"
    env = {
        **clean_environ(),
        "KATAVEN_ENV": "development",
        "KATAVEN_DATA_DIR": str(data),
        "KATAVEN_HOST": "127.0.0.1",
        "KATAVEN_PORT": str(port),
        "KATAVEN_LOG_LEVEL": "WARNING",
        "KATAVEN_SANDBOX_OUTCOME_WEIGHTS": '{"completed": 1}',
        "KATAVEN_SANDBOX_RING_SECONDS": "0.3",
        "KATAVEN_SANDBOX_TALK_SECONDS": "[1, 2]",
    }
    for name in ("KATAVEN_DATABASE_URL", "KATAVEN_REDIS_URL", "KATAVEN_CALL_PROCESSOR_STREAM_URL"):
        env.pop(name, None)
    log = (tmp_path / "api.log").open("wb")
    server = subprocess.Popen([HUB, "api"], env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.time() + 180
        ready = False
        banner = ""
        # Ready means our own server answers: its banner is out (printed before it serves), so
        # another process that happened to take the same free port cannot pass for it.
        while not ready and time.time() < deadline:
            assert server.poll() is None, (tmp_path / "api.log").read_text()
            banner = (tmp_path / "api.log").read_text()
            with contextlib.suppress(httpx.HTTPError):
                ready = "sk_live_demo_" in banner and (
                    httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200
                )
            if not ready:
                time.sleep(0.3)
        assert ready, banner
        assert "created account 'demo'" in banner
        assert "sk_live_demo_" in banner

        blocks = walkthrough_blocks(README.read_text())
        script = "\n".join(
            f"echo '::block {i}'\n{block.replace('localhost:8081', f'127.0.0.1:{port}')}"
            for i, block in enumerate(blocks, 1)
        )
        work = tmp_path / "reader"
        work.mkdir()
        (work / ".venv").symlink_to(ROOT / ".venv")  # the reader is in the checkout
        done = subprocess.run(
            ["bash", "-euo", "pipefail", "-c", script],
            cwd=work, env=env, capture_output=True, text=True, timeout=600, check=False,
        )  # fmt: skip
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=30)
        log.close()
    out = done.stdout
    assert done.returncode == 0, f"{out[-4000:]}\n{done.stderr[-4000:]}"
    assert [f"::block {i}" for i in range(1, len(blocks) + 1)] == re.findall(r"::block \d+", out)
    assert "\nactive\n" in out
    assert re.search(r"sess_\w+: completed", out)
    assert "RIFF" in out  # the recording is a WAV file
    assert (work / "call.wav").read_bytes()[:4] == b"RIFF"
    assert "event: end" in out
    assert '"completed":2' in out  # the campaign's progress counts
    assert '"voice_connected":false' in out
    assert '{"mode":"guest","expires_in":900}' in out
