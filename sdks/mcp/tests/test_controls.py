"""The tools over webhook endpoints, do-not-call, usage, the audit log, hang-up and the
campaign controls, driven over stdio against the real Hub."""

from __future__ import annotations

import asyncio
import secrets
from pathlib import Path
from typing import Any

from mcp_harness import Tools


def _e164() -> str:
    return "+1415" + str(secrets.randbelow(8) + 2) + f"{secrets.randbelow(10**6):06d}"


async def _line(tools: Tools) -> tuple[str, str]:
    agent = await tools.call("create_agent", name="Controls", status="active")
    provider = await tools.call("create_provider", provider="sandbox")
    number = await tools.call(
        "create_number", e164=_e164(), provider="sandbox", credentials_id=provider["id"]
    )
    return agent["id"], number["id"]


async def test_webhooks_dnc_usage_audit(connect_stdio: Any) -> None:
    async with connect_stdio() as tools:
        hook = await tools.call(
            "create_webhook_endpoint", url="http://127.0.0.1:9/hooks", events=["call.completed"]
        )
        assert hook["secret"].startswith("whsec_")
        got = await tools.call("get_webhook_endpoint", endpoint_id=hook["id"])
        assert (got["events"], "secret" in got) == (["call.completed"], False)
        ping = await tools.call("send_test_webhook", endpoint_id=hook["id"])
        assert ping["event_type"] == "ping"
        log = await tools.call("list_webhook_deliveries", endpoint_id=hook["id"])
        assert ping["id"] in {d["id"] for d in log["deliveries"]}
        again = await tools.call(
            "retry_webhook_delivery", endpoint_id=hook["id"], delivery_id=ping["id"]
        )
        assert again["status"] == "pending"
        off = await tools.call("update_webhook_endpoint", endpoint_id=hook["id"], disabled=True)
        assert off["disabled"] is True
        text, _ = await tools.error("send_test_webhook", endpoint_id=hook["id"])
        assert "disabled" in text.lower()
        assert (await tools.call("delete_webhook_endpoint", endpoint_id=hook["id"]))["deleted"]
        await tools.error("get_webhook_endpoint", endpoint_id=hook["id"])

        number = _e164()
        entry = await tools.call("add_dnc_number", phone_number=number, reason="asked")
        assert entry["reason"] == "asked"
        found = await tools.call("list_dnc_numbers", phone_number=number)
        assert [n["phone_number"] for n in found["numbers"]] == [number]
        imported = await tools.call("import_dnc_csv", csv=f"phone_number\n{_e164()}\n")
        assert imported["added"] == 1
        await tools.call("delete_dnc_number", phone_number=number)
        assert (await tools.call("list_dnc_numbers", phone_number=number))["numbers"] == []

        usage = await tools.call("get_usage", granularity="hour")
        assert usage["granularity"] == "hour"
        methods: set[str] = set()
        for _ in range(75):  # the audit log is written just after each answer
            audit = await tools.call("list_audit_events", resource_id=hook["id"], limit=10)
            methods = {e["method"] for e in audit["audit_events"]}
            if methods >= {"POST", "PATCH", "DELETE"}:
                break
            await asyncio.sleep(0.2)
        assert methods >= {"POST", "PATCH", "DELETE"}


async def test_hangup_and_campaign_controls(connect_stdio: Any, tmp_path: Path) -> None:
    async with connect_stdio() as tools:
        agent_id, number_id = await _line(tools)
        text, _ = await tools.error("hangup_call", session_id="sess_nope")
        assert "not found" in text.lower()
        calls = await tools.call("list_calls", agent_id=agent_id, since="2999-01-01T00:00:00Z")
        assert calls["calls"] == []

        blocked = _e164()
        await tools.call("add_dnc_number", phone_number=blocked)
        csv = f"phone_number\n{_e164()}\n{_e164()}\n{blocked}\n"
        window = {"start": "09:00", "end": "20:00", "timezone": "UTC"}
        report = await tools.call(
            "get_campaign_preflight", name="P", agent_id=agent_id, phone_number_id=number_id,
            contacts_csv=csv, calling_window=window, retry_on=["busy"],
        )  # fmt: skip
        assert (report["accepted"], report["valid"], report["do_not_call"]) == (True, 2, 1)
        campaign = await tools.call(
            "create_campaign", name="C", agent_id=agent_id, phone_number_id=number_id,
            contacts_csv=csv, calling_window=window, default_timezone="Europe/Paris",
        )  # fmt: skip
        assert campaign["calling_window"]["start"] == "09:00"
        drafts = await tools.call("list_campaigns", status="draft", limit=100)
        assert campaign["id"] in {c["id"] for c in drafts["campaigns"]}
        updated = await tools.call(
            "update_campaign", campaign_id=campaign["id"], name="C2", any_time=True
        )
        assert (updated["name"], updated["calling_window"]) == ("C2", None)
        added = await tools.call(
            "add_campaign_contacts",
            campaign_id=campaign["id"],
            contacts_csv=f"phone_number\n{_e164()}\n",
        )
        assert added["added"] == 1
        inline = await tools.call("export_campaign_contacts", campaign_id=campaign["id"])
        assert len(inline["csv"].strip().splitlines()) == 5  # header and four contacts
        target = tmp_path / "export.csv"
        saved = await tools.call(
            "export_campaign_contacts", campaign_id=campaign["id"], path=str(target)
        )
        assert saved["bytes"] == inline["bytes"] == target.stat().st_size
