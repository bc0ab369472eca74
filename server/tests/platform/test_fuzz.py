"""Schemathesis against our own /openapi.json: every operation, as an API key, as a Hub UI
owner (JWT + X-Account-ID) and anonymously, on PostgreSQL + Redis (a real API process).

All checks but one must pass: no 5xx, no response that contradicts the schema (body, content
type, headers), no undocumented status code, invalid input refused, auth enforced, Allow
headers right, deleted resources gone. `positive_data_acceptance` is left out on purpose: the
spec answers 400 to some schema-valid requests by rule (an unknown credentials_id, a duplicate
number, an expiry out of range), which that check would report forever.

Examples per operation: KATAVEN_FUZZ_EXAMPLES (default 25; the JWT and anonymous runs use a
quarter). The seed is fixed so CI is reproducible; KATAVEN_FUZZ_SEED explores others.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.fixtures.servers import Cluster, start_cluster

HERE = Path(__file__).parent
SCHEMATHESIS = str(Path(sys.executable).parent / "schemathesis")
EXAMPLES = int(os.environ.get("KATAVEN_FUZZ_EXAMPLES", "25"))
SEED = int(os.environ.get("KATAVEN_FUZZ_SEED", "20261125"))


# One worker runs the whole module, so its API processes start once (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("fuzz")


@pytest.fixture(scope="module")
def fuzz_target(
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[tuple[Cluster, dict[str, str]]]:
    cluster = start_cluster(tmp_path_factory.mktemp("fuzz"), processes=1)
    try:
        account = cluster.account("fuzz")
        r = httpx.post(
            f"{cluster.urls[0]}/api/login",
            json={"email": account["email"], "password": account["password"]},
        )
        assert r.status_code == 200, r.text
        account["jwt"] = r.json()["token"]
        yield cluster, account
    finally:
        cluster.stop()


def _summary(output: str) -> dict[str, int]:
    def number(pattern: str) -> int:
        match = re.search(pattern, output)
        return int(match.group(1)) if match else -1

    return {
        "operations": number(r"Tested:\s+(\d+)"),
        "cases": number(r"(\d+) generated"),
        "failures": number(r"(\d+) unique failures?") if "unique failure" in output else 0,
        "errors": number(r"(\d+) errors?\b") if re.search(r"\d+ errors?\b", output) else 0,
    }


@pytest.mark.parametrize("who", ["api_key", "hub_ui_jwt", "anonymous"])
def test_schemathesis_finds_nothing(
    fuzz_target: tuple[Cluster, dict[str, str]], who: str, request: pytest.FixtureRequest
) -> None:
    cluster, account = fuzz_target
    env = {
        **os.environ,
        "PYTHONPATH": str(HERE.parents[1]),
        "SCHEMATHESIS_HOOKS": "tests.platform.schemathesis_hooks",
        "KATAVEN_FUZZ_TOKEN": {"api_key": account["key"], "hub_ui_jwt": account["jwt"]}.get(
            who, ""
        ),
    }
    examples = EXAMPLES if who == "api_key" else max(1, EXAMPLES // 4)
    command = [SCHEMATHESIS]
    if who != "anonymous":
        command += ["--config-file", str(HERE / "schemathesis.toml")]
    command += [
        "run", f"{cluster.urls[0]}/openapi.json",
        "--checks", "all", "--exclude-checks", "positive_data_acceptance",
        "--max-examples", str(examples), "--seed", str(SEED), "--workers", "1",
        "--request-timeout", "30", "--no-color",
    ]  # fmt: skip
    if who == "hub_ui_jwt":
        command += ["--header", f"X-Account-ID: {account['slug']}"]
    done = subprocess.run(
        command,
        env=env,
        cwd=cluster.logs,  # its cache of past crashes stays out of the work tree
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    output = done.stdout + done.stderr
    summary = _summary(output)
    line = (
        f"schemathesis [{who}]: {summary['operations']} operations, {summary['cases']} cases, "
        f"{summary['failures']} failures, {summary['errors']} errors (seed {SEED})"
    )
    request.node.user_properties.append(("schemathesis", line))
    assert done.returncode == 0, f"{line}\n{output[-20000:]}"
    assert summary["operations"] > 0
    assert summary["cases"] > 0
