"""What a model reads when something goes wrong: the server's message and status, the base
URL that could not be reached, or which arguments cannot work."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
from mcp_harness import Hub, free_port

UNKNOWN_CAMPAIGN = "camp_01NOSUCHCAMPAIGN000000000"


def _server_message(hub: Hub, path: str) -> tuple[int, str]:
    """The status and message the Hub gives for a request, read directly."""
    response = httpx.get(
        f"{hub.base_url}/api/v1{path}",
        headers={"Authorization": f"Bearer {hub.api_key}", "Accept": "application/json"},
    )
    return response.status_code, response.json()["detail"]


async def test_unknown_id_carries_the_servers_message(hub: Hub, connect_stdio: Any) -> None:
    status, message = _server_message(hub, f"/campaigns/{UNKNOWN_CAMPAIGN}")
    assert status == 404
    async with connect_stdio() as tools:
        text, structured = await tools.error("get_campaign_progress", campaign_id=UNKNOWN_CAMPAIGN)
        assert text.startswith(message)
        assert "HTTP 404" in text
        assert structured["error"]["status"] == 404
        assert structured["error"]["message"] == message
        assert structured["error"]["code"]
        text, _ = await tools.error("start_campaign", campaign_id=UNKNOWN_CAMPAIGN)
        assert text.startswith(message)


async def test_bad_csv_names_the_bad_rows(connect_stdio: Any) -> None:
    async with connect_stdio() as tools:
        agent = await tools.call("create_agent", name="CSV checker", status="active")
        provider = await tools.call("create_provider", provider="sandbox")
        number = await tools.call(
            "create_number", e164="+14155557001", provider="sandbox",
            credentials_id=provider["id"],
        )  # fmt: skip
        text, structured = await tools.error(
            "create_campaign", name="Bad rows", agent_id=agent["id"],
            phone_number_id=number["id"], contacts_csv="phone_number\nnot-a-number\n",
        )  # fmt: skip
        assert structured["error"]["status"] == 400
        assert "HTTP 400" in text
        assert "not-a-number" in text or "row" in text.lower()
        campaigns = await tools.call("list_campaigns")
        assert all(c["name"] != "Bad rows" for c in campaigns["campaigns"])


async def test_csv_as_text_or_path_but_not_both(connect_stdio: Any, tmp_path: Path) -> None:
    csv = tmp_path / "leads.csv"
    csv.write_text("phone_number,name\n+14155557101,Ada\n+14155557102,Alan\n")
    async with connect_stdio() as tools:
        agent = await tools.call("create_agent", name="Path reader", status="active")
        provider = await tools.call("create_provider", provider="sandbox")
        number = await tools.call(
            "create_number", e164="+14155557002", provider="sandbox",
            credentials_id=provider["id"],
        )  # fmt: skip
        common = {"agent_id": agent["id"], "phone_number_id": number["id"]}
        text, structured = await tools.error("create_campaign", name="Neither", **common)
        assert "contacts_csv" in text
        assert structured["error"]["type"] == "invalid_arguments"
        text, _ = await tools.error(
            "create_campaign", name="Both", contacts_csv="phone_number\n", contacts_path=str(csv),
            **common,
        )  # fmt: skip
        assert "contacts_csv" in text
        text, _ = await tools.error(
            "create_campaign", name="Missing", contacts_path=str(tmp_path / "nope.csv"), **common
        )
        assert "No such file" in text
        campaign = await tools.call(
            "create_campaign", name="From a file", contacts_path=str(csv), **common
        )
        assert campaign["contacts_total"] == 2


async def test_connection_error_names_the_base_url(connect_stdio: Any) -> None:
    dead = f"http://127.0.0.1:{free_port()}"
    async with connect_stdio(KATAVEN_BASE_URL=dead) as tools:
        text, structured = await tools.error("list_agents")
    assert dead in text
    assert "Could not reach the Kataven Hub" in text
    assert structured["error"] == {"type": "connection", "base_url": dead}


async def test_api_key_refused(hub: Hub, connect_stdio: Any) -> None:
    wrong = "sk_live_acme_" + "x" * 40
    async with connect_stdio(KATAVEN_API_KEY=wrong) as tools:
        text, structured = await tools.error("list_agents")
    assert structured["error"]["status"] == 401
    assert wrong not in text


async def test_cost_cap_only_from_the_dashboard(connect_stdio: Any) -> None:
    async with connect_stdio() as tools:
        limits = await tools.call("get_call_limits")
        assert limits["concurrent_max"] == 50
        text, structured = await tools.error("update_call_limits", calls_per_minute=5)
    assert structured["error"]["status"] == 403
    assert "HTTP 403" in text
