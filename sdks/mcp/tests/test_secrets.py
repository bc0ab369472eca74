"""No secret ever reaches a model or a log: credentials installed through the API, credentials
handed to tools, the API key, the HTTP bearer token. A widget key's secret appears once, in
the result of the tool that created it, and never again."""

from __future__ import annotations

import secrets
from typing import Any

import pytest
from mcp_harness import HttpServer, Hub, Tools, Transcript
from scenario import flow

READS: list[tuple[str, dict[str, Any]]] = [
    ("list_providers", {}),
    ("list_integrations", {}),
    ("get_integration", {"integration_id": "stripe"}),
    ("get_integration", {"integration_id": "slack"}),
    ("get_integration", {"integration_id": "shopify"}),
    ("list_widget_keys", {}),
    ("list_api_keys", {}),
    ("list_numbers", {}),
    ("get_call_limits", {}),
    ("get_widget_settings", {}),
    ("list_native_tools", {}),
    ("list_mcp_connections", {}),
    ("list_tools", {}),
    ("list_playbooks", {}),
    ("list_faqs", {}),
    ("list_templates", {}),
    ("list_campaigns", {}),
    ("list_calls", {}),
    ("list_agents", {}),
]


def _token(prefix: str) -> str:
    return prefix + secrets.token_hex(16)


@pytest.fixture(scope="module")
def installed(hub: Hub) -> dict[str, str]:
    """Credentials and keys installed through the API, before any tool runs."""
    found = {
        "twilio_auth_token": secrets.token_hex(16),
        "stripe_secret_key": _token("sk_test_"),
        "slack_bot_token": _token("xoxb-"),
        "shopify_access_token": _token("shpat_"),
    }
    hub.api(
        "POST",
        "/telephony/providers",
        json={
            "provider": "twilio",
            "label": "Production Twilio",
            "credentials": {
                "account_sid": "AC" + "1" * 32,
                "auth_token": found["twilio_auth_token"],
            },
        },
    )
    hub.api(
        "POST",
        "/integrations/stripe/install",
        json={"credentials": {"secret_key": found["stripe_secret_key"]}},
    )
    hub.api(
        "POST",
        "/integrations/slack/install",
        json={"credentials": {"bot_token": found["slack_bot_token"]}},
    )
    hub.api(
        "POST",
        "/integrations/shopify/install",
        json={
            "credentials": {
                "shop_domain": "acme.myshopify.com",
                "access_token": found["shopify_access_token"],
            }
        },
    )
    key = hub.api(
        "POST", "/widget-keys", json={"name": "acme.com", "domain_allowlist": ["acme.com"]}
    )
    found["widget_secret_key"] = key["secret_key"]
    found["widget_key_id"] = key["id"]
    hook = hub.api("POST", "/webhook-endpoints", json={"url": "http://127.0.0.1:9/hooks"})
    found["webhook_secret"] = hook["secret"]
    found["webhook_endpoint_id"] = hook["id"]
    return found


async def _exercise(tools: Tools, installed: dict[str, str], tag: str) -> dict[str, str]:
    """Every read a model might make, the tools that take secrets, then the whole scenario.
    Returns the secrets handed to tools in this run."""
    for name, arguments in READS:
        await tools.call(name, **arguments)
    await tools.call("get_widget_key", widget_key_id=installed["widget_key_id"])

    given = {"auth_token": secrets.token_hex(16), "secret_key": _token("sk_test_given")}
    provider = await tools.call(
        "create_provider",
        provider="twilio",
        label=f"Given {tag}",
        credentials={"account_sid": "AC" + "2" * 32, "auth_token": given["auth_token"]},
    )
    assert set(provider["credential_keys"]) == {"account_sid", "auth_token"}
    integration = await tools.call(
        "install_integration",
        integration_id="stripe",
        credentials={"secret_key": given["secret_key"]},
    )
    assert "secret_key" in integration["credential_keys_set"]
    # The echo of a secret argument: the server may quote a bad value in an error.
    text, _ = await tools.error(
        "install_integration", integration_id="stripe", credentials={"nope": given["secret_key"]}
    )
    assert given["secret_key"] not in text

    created = await tools.call("create_widget_key", name=f"Site {tag}")
    assert created["secret_key"].startswith("sk_live_")
    given["widget_secret_key"] = created["secret_key"]
    keys = await tools.call("list_widget_keys", limit=100)
    assert any(k["id"] == created["id"] for k in keys["widget_keys"])
    await tools.call("get_widget_key", widget_key_id=created["id"])

    await tools.call("get_webhook_endpoint", endpoint_id=installed["webhook_endpoint_id"])
    hook = await tools.call(
        "create_webhook_endpoint", url="http://127.0.0.1:9/hooks", disabled=True
    )
    assert hook["secret"].startswith("whsec_")
    given["webhook_secret"] = hook["secret"]
    listed = await tools.call("list_webhook_endpoints", limit=100)
    assert hook["id"] in {e["id"] for e in listed["webhook_endpoints"]}
    await tools.call("get_webhook_endpoint", endpoint_id=hook["id"])
    await tools.call("update_webhook_endpoint", endpoint_id=hook["id"], description="scan")
    rotated = await tools.call("rotate_webhook_secret", endpoint_id=hook["id"])
    assert rotated["secret"].startswith("whsec_")
    given["rotated_webhook_secret"] = rotated["secret"]
    await tools.call("list_webhook_deliveries", endpoint_id=hook["id"])
    await tools.call("list_audit_events", resource_id=hook["id"])

    await flow(tools, f"secrets-{tag}")
    return given


def _assert_absent(transcript: Transcript, values: dict[str, str], *, once: dict[str, str]) -> None:
    logs = transcript.log_text()
    for label, value in values.items():
        seen_in = [r for r in transcript.results if value in r]
        if label in once:
            assert len(seen_in) == 1, f"{label} should appear in its creation result only"
            assert f'"tool": "{once[label]}"' in seen_in[0]
        else:
            assert not seen_in, f"{label} appears in a tool result: {seen_in[0][:300]}"
        assert value not in logs, f"{label} appears in a log"


@pytest.mark.parametrize("http_server", ["debug"], indirect=True)
async def test_no_secret_in_any_result_or_log(
    hub: Hub,
    installed: dict[str, str],
    connect_stdio: Any,
    connect_http: Any,
    http_server: HttpServer,
    transcript: Transcript,
) -> None:
    # Debug logging, so that the scan below reads everything the servers could log.
    async with connect_stdio("--log-level", "DEBUG") as tools:
        over_stdio = await _exercise(tools, installed, "stdio")
    assert http_server.token is not None
    async with connect_http(http_server, token=http_server.token) as tools:
        over_http = await _exercise(tools, installed, "http")

    assert len(transcript.results) > 2 * (len(READS) + 20)
    assert len(transcript.log_text()) > 1000  # the debug logs of both servers
    values = {k: v for k, v in installed.items() if not k.endswith("_id")}
    values |= {"api_key": hub.api_key, "mcp_token": http_server.token}
    values |= {f"stdio_{k}": v for k, v in over_stdio.items()}
    values |= {f"http_{k}": v for k, v in over_http.items()}
    revealed_by = {
        "widget_secret_key": "create_widget_key",
        "webhook_secret": "create_webhook_endpoint",
        "rotated_webhook_secret": "rotate_webhook_secret",
    }
    once = {f"{way}_{k}": tool for k, tool in revealed_by.items() for way in ("stdio", "http")}
    _assert_absent(transcript, values, once=once)
