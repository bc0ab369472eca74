"""The installed `kataven` command as a subprocess against the real server."""

from __future__ import annotations

import json
import os
import subprocess
import time
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
    listed = kataven(hub, api_key, "agents", "list", "--json")  # the flag anywhere
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
    resumed = kataven(hub, api_key, "--json", "campaigns", "watch", cid, "--after", str(ids[-2]))
    tail = [json.loads(line) for line in resumed.stdout.splitlines()]
    assert tail[-1]["event"] == "end"
    assert [int(e["id"]) for e in tail if e["id"]] == ids[-1:]

    contacts = kataven(hub, api_key, "--json", "campaigns", "contacts", cid, "--all")
    assert sorted(c["status"] for c in json.loads(contacts.stdout))[0] in {"completed", "failed"}
    assert len(json.loads(contacts.stdout)) == 5  # --all: the rows, not the envelope
    dialled = kataven(hub, api_key, "--json", "calls", "list", "--campaign", cid, "--all")
    assert {c["campaign_id"] for c in json.loads(dialled.stdout)} == {cid}
    assert len(json.loads(dialled.stdout)) >= 5
    url = kataven(hub, api_key, "--json", "recordings", "get", ended["session_id"])
    assert json.loads(url.stdout)["url"]
    table = kataven(hub, api_key, "calls", "get", ended["session_id"])
    assert ended["session_id"] in table.stdout
    assert "completed" in table.stdout


def test_more_nouns(hub: Hub, api_key: str) -> None:
    integrations = kataven(hub, api_key, "--json", "integrations", "list")
    assert integrations.returncode == 0
    assert json.loads(integrations.stdout)["integrations"]
    branding = kataven(
        hub, api_key, "--json", "widget-settings", "update", "--launcher-position", "bl",
        "--set", "launcher_label=Talk to us",
    )  # fmt: skip
    assert json.loads(branding.stdout)["launcher_position"] == "bl"
    assert json.loads(branding.stdout)["launcher_label"] == "Talk to us"
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


def test_catalog_commands(hub: Hub, api_key: str, tmp_path: Path) -> None:
    """Tools, playbooks, FAQs, agents' links, marketplace and integrations: JSON options
    inline and from @file, --all, tables, and the usage errors of a bad JSON option."""
    schema = {"type": "object", "properties": {"order": {"type": "string"}}}
    (tmp_path / "schema.json").write_text(json.dumps(schema))
    tool = json.loads(kataven(
        hub, api_key, "--json", "tools", "create", "--name", "cli_lookup", "--category", "custom",
        "--schema", f"@{tmp_path / 'schema.json'}", "--implementation-type", "http",
        "--implementation-config", '{"url": "https://example.com/orders", "method": "POST"}',
        "--tag", "orders", "--tag", "cli",
    ).stdout)  # fmt: skip
    assert tool["schema"] == schema
    assert tool["implementation_config"]["method"] == "POST"
    assert tool["tags"] == ["orders", "cli"]
    updated = kataven(hub, api_key, "--json", "tools", "update", tool["id"], "--description", "d")
    assert json.loads(updated.stdout)["description"] == "d"
    every = json.loads(kataven(hub, api_key, "--json", "tools", "list", "--all").stdout)
    assert isinstance(every, list)
    assert "cli_lookup" in {t["name"] for t in every}
    table = kataven(hub, api_key, "tools", "list", "--search", "cli_lookup")
    assert tool["id"] in table.stdout
    assert "implementation_type" in table.stdout
    assert table.stderr == ""
    paged = kataven(hub, api_key, "playbooks", "list", "--limit", "1")
    assert paged.stdout.count("pb_") == 1
    assert "--offset 1 for more, --all for every row" in paged.stderr
    for bad in ("[1, 2]", f"@{tmp_path / 'missing.json'}"):
        refused = kataven(hub, api_key, "tools", "update", tool["id"], "--schema", bad)
        assert refused.returncode == 2, (bad, refused.stderr)
        assert "--schema" in refused.stderr
        assert "Traceback" not in refused.stderr

    (tmp_path / "refunds.md").write_text("Offer a refund within 30 days.\n")
    playbook = json.loads(kataven(
        hub, api_key, "--json", "playbooks", "create", "--display-name", "Cli Refunds",
        "--content", f"@{tmp_path / 'refunds.md'}", "--tool", "cli_lookup", "--category", "support",
    ).stdout)  # fmt: skip
    assert playbook["content"] == "Offer a refund within 30 days.\n"
    assert playbook["tool_names"] == ["cli_lookup"]
    renamed = kataven(
        hub, api_key, "--json", "playbooks", "update", playbook["id"], "--display-name", "Refunds 2"
    )
    assert json.loads(renamed.stdout)["display_name"] == "Refunds 2"
    books = json.loads(kataven(hub, api_key, "--json", "playbooks", "list", "--all").stdout)
    assert playbook["id"] in {b["id"] for b in books}

    faq = json.loads(kataven(
        hub, api_key, "--json", "faqs", "create", "--title", "Opening hours", "--summary", "9-5",
        "--content", "Weekdays 9 to 5.", "--category", "general", "--tag", "hours",
    ).stdout)  # fmt: skip
    changed = kataven(hub, api_key, "--json", "faqs", "update", faq["id"], "--summary", "8-6")
    assert json.loads(changed.stdout)["summary"] == "8-6"
    faq_table = kataven(hub, api_key, "faqs", "get", faq["id"])
    assert "8-6" in faq_table.stdout
    assert "Opening hours" in faq_table.stdout

    agent = json.loads(
        kataven(hub, api_key, "--json", "agents", "create", "--name", "Links").stdout
    )
    kataven(hub, api_key, "agents", "attach-faq", agent["id"], faq["id"])
    linked = kataven(
        hub, api_key, "--json", "agents", "attach-playbook", agent["id"], playbook["id"]
    )
    assert playbook["id"] in json.dumps(json.loads(linked.stdout))
    detached = kataven(hub, api_key, "agents", "detach-faq", agent["id"], faq["id"])
    assert (detached.returncode, detached.stdout.strip()) == (0, f"detached faq {faq['id']}")
    attached = kataven(
        hub, api_key, "--json", "agents", "upsert-tool", agent["id"], "cli_lookup",
        "--config", '{"timeout_seconds": 5}',
    )  # fmt: skip
    assert json.loads(attached.stdout)["config"] == {"timeout_seconds": 5}
    assert "cli_lookup" in kataven(hub, api_key, "agents", "tools", agent["id"]).stdout
    renamed_agent = kataven(hub, api_key, "--json", "agents", "update", agent["id"], "--name", "L2")
    assert json.loads(renamed_agent.stdout)["name"] == "L2"

    for noun, item in (("faqs", faq["id"]), ("playbooks", playbook["id"]), ("tools", tool["id"])):
        deleted = kataven(hub, api_key, noun, "delete", item)
        assert (deleted.returncode, deleted.stdout.strip()) == (0, f"deleted {item}")
    gone = kataven(hub, api_key, "tools", "get", tool["id"])
    assert gone.returncode == 1
    assert gone.stderr.startswith("Error: ")
    assert gone.stderr.count("\n") == 1

    templates = json.loads(kataven(hub, api_key, "--json", "marketplace", "list").stdout)
    first = templates["templates"][0]
    shown = kataven(hub, api_key, "marketplace", "get", first["id"])
    assert first["name"] in shown.stdout
    installed = kataven(
        hub, api_key, "--json", "marketplace", "install", first["id"], "--name", "From template"
    )
    assert json.loads(installed.stdout)["name"] == "From template"

    (tmp_path / "slack.json").write_text('{"bot_token": "xoxb-1234-5678-abcdefABCDEF"}')
    slack = kataven(hub, api_key, "--json", "integrations", "install", "intg_slack",
                    "--credentials", f"@{tmp_path / 'slack.json'}")  # fmt: skip
    assert json.loads(slack.stdout)["installed"] is True
    assert "xoxb-1234" not in slack.stdout  # credentials are never echoed
    assert "True" in kataven(hub, api_key, "integrations", "get", "intg_slack").stdout
    off = kataven(hub, api_key, "--json", "integrations", "uninstall", "intg_slack")
    assert json.loads(off.stdout)["installed"] is False
    native = json.loads(kataven(hub, api_key, "--json", "integrations", "native-tools").stdout)
    assert native["native_tools"]
    mcp = kataven(hub, api_key, "--json", "integrations", "mcp-connections")
    assert json.loads(mcp.stdout)["mcp_connections"] == []


def test_settings_commands(hub: Hub, api_key: str) -> None:
    """API keys, widget keys and user tokens, widget settings, call caps, campaigns --all."""
    keys = kataven(hub, api_key, "--json", "api-keys", "list")
    assert api_key[-8:] in {k["last8"] for k in json.loads(keys.stdout)}
    assert api_key[-8:] in kataven(hub, api_key, "api-keys", "list").stdout

    agent = json.loads(kataven(hub, api_key, "--json", "agents", "create", "--name", "Web").stdout)
    pair = json.loads(kataven(
        hub, api_key, "--json", "widget-keys", "create", "--name", "site", "--domain",
        "example.com", "--agent", agent["id"],
    ).stdout)  # fmt: skip
    assert pair["domain_allowlist"] == ["example.com"]
    token = kataven(
        hub, pair["secret_key"], "--json", "widget-auth", "user-token", "u-1", "--email", "a@b.co"
    )
    assert token.returncode == 0, token.stderr
    assert json.loads(token.stdout)["user_token"].count(".") == 2
    disabled = kataven(hub, api_key, "--json", "widget-keys", "update", pair["id"], "--disable")
    assert json.loads(disabled.stdout)["disabled"] is True
    listed = kataven(hub, api_key, "widget-keys", "list")
    assert pair["id"] in listed.stdout
    assert "True" in listed.stdout
    read_back = kataven(hub, api_key, "--json", "widget-keys", "get", pair["id"])
    assert pair["secret_key"] not in read_back.stdout  # the secret is shown once, at creation
    assert kataven(hub, api_key, "widget-keys", "delete", pair["id"]).returncode == 0

    enabled = kataven(hub, api_key, "--json", "widget-settings", "update-agent", agent["id"],
                      "--enable", "--auth-mode", "both")  # fmt: skip
    assert (
        json.loads(enabled.stdout)["widget_enabled"],
        json.loads(enabled.stdout)["auth_mode"],
    ) == (True, "both")
    assert (
        "widget_enabled"
        in kataven(hub, api_key, "widget-settings", "get-agent", agent["id"]).stdout
    )
    branding = json.loads(kataven(hub, api_key, "--json", "widget-settings", "get").stdout)
    assert "launcher_position" in branding

    caps = json.loads(kataven(hub, api_key, "--json", "call-limits", "get").stdout)
    assert "concurrent_max" in json.dumps(caps)
    refused = kataven(hub, api_key, "call-limits", "update", "--concurrent-max", "3")
    assert refused.returncode == 1
    assert refused.stderr.startswith("Error: Requires Hub UI auth")
    assert refused.stderr.count("\n") == 1

    runs = json.loads(kataven(hub, api_key, "--json", "campaigns", "list", "--all").stdout)
    assert isinstance(runs, list)


def test_webhooks_dnc_audit_usage_commands(hub: Hub, api_key: str, tmp_path: Path) -> None:
    created = kataven(
        hub, api_key, "--json", "webhook-endpoints", "create",
        "--url", "http://127.0.0.1:9/hooks", "--event", "call.completed", "--disabled",
    )  # fmt: skip
    assert created.returncode == 0, created.stderr
    endpoint = json.loads(created.stdout)
    assert endpoint["secret"].startswith("whsec_")
    table = kataven(hub, api_key, "webhook-endpoints", "list")
    assert endpoint["id"] in table.stdout
    assert "whsec_" not in table.stdout
    updated = kataven(
        hub, api_key, "--json", "webhook-endpoints", "update", endpoint["id"], "--enable"
    )
    assert json.loads(updated.stdout)["disabled"] is False
    rotated = json.loads(
        kataven(hub, api_key, "--json", "webhook-endpoints", "rotate-secret", endpoint["id"]).stdout
    )
    assert rotated["secret"] not in (endpoint["secret"], "")
    ping = json.loads(
        kataven(hub, api_key, "--json", "webhook-endpoints", "test", endpoint["id"]).stdout
    )
    assert ping["event_type"] == "ping"
    deliveries = kataven(hub, api_key, "--json", "webhook-endpoints", "deliveries", endpoint["id"])
    assert ping["id"] in {d["id"] for d in json.loads(deliveries.stdout)["deliveries"]}
    retried = kataven(
        hub, api_key, "--json", "webhook-endpoints", "retry", endpoint["id"], ping["id"]
    )
    assert json.loads(retried.stdout)["status"] == "pending"
    deleted = kataven(hub, api_key, "webhook-endpoints", "delete", endpoint["id"])
    assert deleted.stdout == f"deleted {endpoint['id']}\n"
    gone = kataven(hub, api_key, "webhook-endpoints", "get", endpoint["id"])
    assert gone.returncode == 1
    assert gone.stderr.startswith("Error: ")

    number = unique_e164()
    added = kataven(hub, api_key, "--json", "dnc", "add", number, "--reason", "asked")
    assert json.loads(added.stdout)["reason"] == "asked"
    listed = kataven(hub, api_key, "dnc", "list", "--number", number)
    assert number in listed.stdout
    csv = tmp_path / "dnc.csv"
    csv.write_text(f"phone_number\n{unique_e164()}\n")
    imported = kataven(hub, api_key, "--json", "dnc", "import", "--csv", str(csv))
    assert json.loads(imported.stdout)["added"] == 1
    assert kataven(hub, api_key, "dnc", "delete", number).stdout == f"deleted {number}\n"
    again = kataven(hub, api_key, "dnc", "delete", number)
    assert again.returncode == 1

    methods: set[str] = set()
    for _ in range(30):  # the audit log is written just after each answer
        audit = kataven(
            hub, api_key, "--json", "audit-events", "list", "--resource-id", endpoint["id"]
        )
        methods = {e["method"] for e in json.loads(audit.stdout)["audit_events"]}
        if methods >= {"POST", "DELETE"}:
            break
        time.sleep(0.3)
    assert methods >= {"POST", "DELETE"}
    usage = kataven(hub, api_key, "--json", "usage", "get", "--granularity", "hour")
    assert json.loads(usage.stdout)["granularity"] == "hour"
    bad = kataven(hub, api_key, "usage", "get", "--granularity", "week")
    assert bad.returncode == 1
