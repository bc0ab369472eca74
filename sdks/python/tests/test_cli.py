"""The installed `kataven` command as a subprocess against the real server."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

from sdk_support import KATAVEN, Hub, unique_e164


def kataven(
    hub: Hub, key: str, *args: str, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATAVEN_")}
    env["KATAVEN_API_KEY"] = key
    return subprocess.run(
        [KATAVEN, "--base-url", hub.url, *args], env=env, capture_output=True, text=True,
        timeout=timeout,
    )  # fmt: skip


def test_json_tables_and_exit_codes(hub: Hub, api_key: str) -> None:
    created = kataven(
        hub, api_key, "--json", "agents", "create", "--name", "Cli", "--set", "status=active"
    )
    assert created.returncode == 0, created.stderr
    agent = json.loads(created.stdout)
    assert (agent["name"], agent["status"]) == ("Cli", "active")
    listed = kataven(hub, api_key, "--json", "agents", "list")
    assert agent["id"] in {a["id"] for a in json.loads(listed.stdout)}
    table = kataven(hub, api_key, "agents", "list")
    assert table.returncode == 0
    assert agent["id"] in table.stdout
    assert "name" in table.stdout

    missing = kataven(hub, api_key, "agents", "get", "agent_nope")
    assert missing.returncode == 1
    assert missing.stderr == "Error: Agent 'agent_nope' not found\n"
    assert missing.stdout == ""
    denied = kataven(hub, "sk_live_bad_" + "x" * 40, "agents", "list")
    assert denied.returncode == 1
    assert denied.stderr.count("\n") == 1
    assert "Traceback" not in denied.stderr
    usage = kataven(hub, api_key, "agents", "frobnicate")
    assert usage.returncode == 2
    assert "No such command" in usage.stderr
    bad_set = kataven(hub, api_key, "agents", "create", "--name", "x", "--set", "novalue")
    assert bad_set.returncode == 2
    help_ = kataven(hub, api_key, "--help")
    assert help_.returncode == 0
    assert "--install-completion" in help_.stdout


def test_originate_wait_download_and_watch(hub: Hub, api_key: str, tmp_path: Path) -> None:
    provider = json.loads(
        kataven(hub, api_key, "--json", "telephony", "add-provider", "--provider", "sandbox").stdout
    )
    agent = json.loads(
        kataven(
            hub, api_key, "--json", "agents", "create", "--name", "Dialer", "--set", "status=active"
        ).stdout
    )
    number = json.loads(kataven(
        hub, api_key, "--json", "telephony", "add-number", "--e164", unique_e164(),
        "--provider", "sandbox", "--credentials", provider["id"], "--agent", agent["id"],
    ).stdout)  # fmt: skip

    ended = None
    for _ in range(8):
        r = kataven(hub, api_key, "--json", "calls", "originate", "--from", number["e164"],
                    "--to", unique_e164(), "--agent", agent["id"], "--wait")  # fmt: skip
        assert r.returncode == 0, r.stderr
        statuses = [json.loads(line)["status"] for line in r.stdout.splitlines()]
        assert statuses[-1] in {"completed", "busy"}
        assert len(statuses) == len(set(statuses))
        if statuses[-1] == "completed":
            ended = json.loads(r.stdout.splitlines()[-1])
            break
    assert ended is not None
    import time

    for _ in range(50):
        rec = kataven(
            hub,
            api_key,
            "recordings",
            "download",
            ended["session_id"],
            "-o",
            str(tmp_path / "c.wav"),
        )
        if rec.returncode == 0:
            break
        time.sleep(0.2)
    assert rec.returncode == 0, rec.stderr
    assert (tmp_path / "c.wav").read_bytes()[:4] == b"RIFF"

    csv = tmp_path / "leads.csv"
    csv.write_text("phone_number\n" + "".join(f"{unique_e164()}\n" for _ in range(5)))
    watched = kataven(
        hub, api_key, "campaigns", "create", "--name", "Watch", "--agent", agent["id"],
        "--number", number["id"], "--csv", str(csv), "--start", "--watch",
    )  # fmt: skip
    assert watched.returncode == 0, watched.stderr
    assert "completed" in watched.stdout
    assert "5/5" in watched.stderr  # the progress bar, drawn on stderr

    campaigns = json.loads(kataven(hub, api_key, "--json", "campaigns", "list").stdout)["campaigns"]
    cid = next(c["id"] for c in campaigns if c["name"] == "Watch")
    again = kataven(hub, api_key, "--json", "campaigns", "watch", cid)
    assert again.returncode == 0
    events = [json.loads(line) for line in again.stdout.splitlines()]
    assert events[-1]["event"] == "end"
    ids = [int(e["id"]) for e in events if e["id"]]
    assert ids == list(range(1, len(ids) + 1))


def test_more_nouns(hub: Hub, api_key: str) -> None:
    integrations = kataven(hub, api_key, "--json", "integrations", "list")
    assert integrations.returncode == 0
    assert json.loads(integrations.stdout)["integrations"]
    branding = kataven(
        hub, api_key, "--json", "widget-settings", "update", "--set", "launcher_position=bl"
    )
    assert json.loads(branding.stdout)["launcher_position"] == "bl"
    capped = kataven(hub, api_key, "call-limits", "update", "--set", "concurrent_max=1")
    assert capped.returncode == 1
    assert capped.stderr.startswith("Error: Requires Hub UI auth: API keys cannot do this.")
    assert capped.stderr.count("\n") == 1  # one line
    provider = json.loads(
        kataven(hub, api_key, "--json", "telephony", "add-provider", "--provider", "sandbox").stdout
    )
    agent = json.loads(kataven(hub, api_key, "--json", "agents", "create", "--name", "Pin").stdout)
    e164 = unique_e164()
    number = json.loads(kataven(
        hub, api_key, "--json", "telephony", "add-number", "--e164", e164, "--provider", "sandbox",
        "--credentials", provider["id"], "--agent", agent["id"],
    ).stdout)  # fmt: skip
    assert number["agent_id"] == agent["id"]
    assert (
        kataven(hub, api_key, "telephony", "update-number", number["id"], "--unpin").returncode == 0
    )
    numbers = json.loads(kataven(hub, api_key, "--json", "telephony", "numbers").stdout)["numbers"]
    assert next(n for n in numbers if n["id"] == number["id"])["agent_id"] is None
    table = kataven(hub, api_key, "telephony", "numbers")
    assert number["id"] in table.stdout  # ids are never cut in tables
    assert kataven(hub, api_key, "telephony", "delete-number", number["id"]).returncode == 0
    gone = kataven(hub, api_key, "telephony", "delete-number", number["id"])
    assert gone.returncode == 1
    assert gone.stderr.startswith("Error: ")
