"""Every resource through the SDK against a real `kataven-hub api` process (sync client)."""

from __future__ import annotations

import secrets
import time
import wave
from collections.abc import Callable
from pathlib import Path

import kataven
import pytest
from kataven import KatavenClient
from sdk_support import Hub, unique_e164


def line(client: KatavenClient) -> tuple[str, str, str]:
    """A sandbox carrier credential, an active agent and a number pinned to it."""
    provider = client.telephony.create_provider("sandbox", label="Sandbox")
    agent = client.agents.create(name="Caller", status="active", greeting_message="Hello")
    number = client.telephony.create_number(
        unique_e164(), "sandbox", provider["id"], agent_id=agent["id"]
    )
    return agent["id"], number["id"], number["e164"]


def wait_for(client: KatavenClient, session_id: str, statuses: set[str]) -> kataven.types.Call:
    deadline = time.time() + 30
    while time.time() < deadline:
        call = client.calls.get(session_id)
        if call["status"] in statuses and call.get("recording_status") != "pending":
            return call
        time.sleep(0.2)
    raise AssertionError(f"call {session_id} did not reach {statuses}")


class TestAgentsAndKnowledge:
    def test_agent_crud_tools_playbooks_faqs(self, client: KatavenClient) -> None:
        agent = client.agents.create(name="Front desk", description="first")
        assert agent["name"] == "Front desk"
        assert client.agents.get(agent["id"])["description"] == "first"
        assert client.agents.update(agent["id"], description="second")["description"] == "second"
        assert agent["id"] in {a["id"] for a in client.agents.list()}

        tool_name = "lookup_" + secrets.token_hex(3)
        tool = client.tools.create(name=tool_name, category="custom", description="find")
        assert client.tools.get(tool_name)["id"] == tool["id"]
        assert client.tools.update(tool["id"], description="found")["description"] == "found"
        page = client.tools.list(search=tool_name, limit=1)
        assert [t["name"] for t in page["tools"]] == [tool_name]
        every = list(client.tools.iter(page_size=3))
        assert len(every) == client.tools.list(limit=1)["total"]
        assert len({t["id"] for t in every}) == len(every)
        row = client.agents.upsert_tool(agent["id"], tool_name, config={"k": 1}, enabled=True)
        assert (row["tool_name"], row["config"]) == (tool_name, {"k": 1})
        assert [t["tool_name"] for t in client.agents.list_tools(agent["id"])] == [tool_name]

        playbook = client.playbooks.create("Returns " + secrets.token_hex(3), description="d")
        assert client.playbooks.get(playbook["id"])["display_name"] == playbook["display_name"]
        assert client.playbooks.update(playbook["id"], description="e")["description"] == "e"
        assert playbook["id"] in {p["id"] for p in client.playbooks.iter(page_size=2)}
        assert client.playbooks.list(limit=1)["limit"] == 1
        client.agents.attach_playbook(agent["id"], playbook["id"])
        client.agents.detach_playbook(agent["id"], playbook["id"])

        faq = client.faqs.create("Opening hours " + secrets.token_hex(3), summary="9 to 5")
        assert client.faqs.get(faq["id"])["summary"] == "9 to 5"
        assert client.faqs.update(faq["id"], summary="10 to 6")["summary"] == "10 to 6"
        assert faq["id"] in {f["id"] for f in client.faqs.iter()}
        assert client.faqs.list()["count"] >= 1
        client.agents.attach_faq(agent["id"], faq["id"])
        client.agents.detach_faq(agent["id"], faq["id"])

        client.faqs.delete(faq["id"])
        client.playbooks.delete(playbook["id"])
        client.agents.delete(agent["id"])
        client.tools.delete(tool["id"])
        with pytest.raises(kataven.NotFoundError):
            client.agents.get(agent["id"])
        with pytest.raises(kataven.NotFoundError):
            client.faqs.get(faq["id"])

    def test_bad_input_is_bad_request_with_the_servers_message(self, client: KatavenClient) -> None:
        with pytest.raises(kataven.BadRequestError) as info:
            client.agents.create(name="")
        assert info.value.status_code == 400
        assert info.value.code == "invalid_request"
        assert "name" in info.value.message
        assert info.value.request_id

    def test_marketplace_and_integrations(self, client: KatavenClient) -> None:
        templates = client.marketplace.list()
        assert templates["count"] == len(templates["templates"]) > 0
        first = templates["templates"][0]
        assert client.marketplace.get(first["id"])["id"] == first["id"]
        agent = client.marketplace.install(first["id"], name="From template")
        assert agent["name"] == "From template"
        integrations = client.integrations.list()["integrations"]
        assert integrations
        one = client.integrations.get(integrations[0]["id"])
        assert one["id"] == integrations[0]["id"]
        assert client.integrations.uninstall(one["id"])["id"] == one["id"]
        assert "native_tools" in client.integrations.native_tools()
        assert isinstance(client.integrations.mcp_connections(), dict)
        with pytest.raises(kataven.BadRequestError):
            client.integrations.install(one["id"], credentials={})


class TestTelephonyCallsRecordings:
    def test_numbers_providers_originate_and_recording(
        self, client: KatavenClient, tmp_path: Path
    ) -> None:
        agent_id, number_id, e164 = line(client)
        assert number_id in {n["id"] for n in client.telephony.list_numbers()["numbers"]}
        assert [n["id"] for n in client.telephony.list_numbers(agent_id=agent_id)["numbers"]] == [
            number_id
        ]
        client.telephony.update_number(number_id, agent_id=None)
        assert client.telephony.list_numbers(agent_id=agent_id)["numbers"] == []
        client.telephony.update_number(number_id, agent_id=agent_id)
        providers = client.telephony.list_providers()["providers"]
        assert any(p["provider"] == "sandbox" for p in providers)

        completed = None
        for _ in range(8):  # the sandbox answers 80 % of calls
            call = client.calls.originate(e164, unique_e164(), agent_id)
            assert call["status"] in {"queued", "ringing"}
            assert client.calls.get(call["session_id"])["to_number"] == call["to_number"]
            done = wait_for(client, call["session_id"], {"completed", "busy"})
            if done["status"] == "completed":
                completed = done
                break
        assert completed is not None
        sid = completed["session_id"]
        assert sid in {c["session_id"] for c in client.calls.list(limit=100)["calls"]}
        assert sid in {c["session_id"] for c in client.calls.iter(page_size=2)}

        row = client.recordings.get(sid)
        assert row["content_type"] == "audio/wav"
        seen: list[tuple[int, int | None]] = []
        written = client.recordings.download(
            sid, tmp_path / "call.wav", progress=lambda d, t: seen.append((d, t))
        )
        assert written == (tmp_path / "call.wav").stat().st_size > 44
        assert seen[-1][0] == written
        with wave.open(str(tmp_path / "call.wav")) as w:
            assert w.getnframes() > 0
        with pytest.raises(kataven.NotFoundError):
            client.recordings.get("sess_missing")

        spare = client.telephony.create_provider("sandbox", label="Spare")
        extra = client.telephony.create_number(unique_e164(), "sandbox", spare["id"])
        with pytest.raises(kataven.ConflictError):
            client.telephony.delete_provider(spare["id"])  # a number still uses it
        client.telephony.delete_number(extra["id"])
        client.telephony.delete_provider(spare["id"])
        assert spare["id"] not in {p["id"] for p in client.telephony.list_providers()["providers"]}

    def test_call_limits_and_keys(self, client: KatavenClient) -> None:
        limits = client.call_limits.get()
        assert limits["concurrent_max"] == 100
        with pytest.raises(kataven.PermissionDeniedError) as info:
            client.call_limits.update(concurrent_max=1)
        assert info.value.message.startswith("Requires Hub UI auth: ")
        keys = client.api_keys.list()
        assert [k["name"] for k in keys] == ["sdk-tests"]
        assert all("secret" not in k and "key" not in k for k in keys)


class TestWidget:
    def test_widget_keys_settings_and_user_token(self, hub: Hub, client: KatavenClient) -> None:
        agent = client.agents.create(name="Widget agent", status="active")
        pair = client.widget_keys.create("acme.com", domain_allowlist=["https://acme.com"])
        assert pair["secret_key"]
        assert client.widget_keys.get(pair["id"])["name"] == "acme.com"
        assert pair["id"] in {k["id"] for k in client.widget_keys.list()}
        updated = client.widget_keys.update(pair["id"], agent_id=agent["id"])
        assert updated["agent_id"] == agent["id"]
        assert client.widget_settings.update(primary_color="#112233")["primary_color"] == "#112233"
        assert client.widget_settings.get()["primary_color"] == "#112233"
        settings = client.widget_settings.update_agent(agent["id"], widget_enabled=True)
        assert settings["widget_enabled"] is True
        assert client.widget_settings.get_agent(agent["id"])["widget_enabled"] is True

        with KatavenClient(pair["secret_key"], base_url=hub.url) as backend:
            token = backend.widget_auth.create_user_token("user-4821", display_name="Ada")
        assert token["user_token"]
        assert token["expires_in"] > 0
        client.widget_keys.delete(pair["id"])  # used (it minted a token): disabled, kept
        assert client.widget_keys.get(pair["id"])["disabled"] is True
        with (
            KatavenClient(pair["secret_key"], base_url=hub.url) as backend,
            pytest.raises(kataven.AuthenticationError),
        ):
            backend.widget_auth.create_user_token("user-4821")


class TestCampaigns:
    def test_sandbox_campaign_to_the_end(self, client: KatavenClient, csv_path: Path) -> None:
        agent_id, number_id, _ = line(client)
        campaign = client.campaigns.create(
            "Spring", agent_id, number_id, csv_path, max_concurrent_calls=3
        )
        assert campaign["status"] == "draft"
        assert client.campaigns.get(campaign["id"])["name"] == "Spring"
        assert campaign["id"] in {c["id"] for c in client.campaigns.list()["campaigns"]}
        assert campaign["id"] in {c["id"] for c in client.campaigns.iter()}
        assert client.campaigns.list_contacts(campaign["id"], limit=2)["total"] == 6
        assert client.campaigns.start(campaign["id"])["status"] == "running"
        events = list(client.campaigns.stream_events(campaign["id"]))
        ids = [int(e.id) for e in events if e.id is not None]
        assert ids == list(range(1, len(ids) + 1))
        assert events[-1].event == "end"
        assert events[-1].data == {"status": "completed"}
        assert any(e.event == "message" and e.data["total"] == 6 for e in events)
        contacts = list(client.campaigns.iter_contacts(campaign["id"], page_size=4))
        assert len(contacts) == 6
        assert {c["status"] for c in contacts} <= {"completed", "failed"}
        done = client.campaigns.list_contacts(campaign["id"], status="completed")["contacts"]
        assert all(c["status"] == "completed" for c in done)
        assert client.campaigns.get(campaign["id"])["status"] == "completed"
        replay = list(client.campaigns.stream_events(campaign["id"], last_event_id=str(ids[-3])))
        assert [e.id for e in replay if e.id] == [str(i) for i in ids[-2:]]
        client.campaigns.delete(campaign["id"])
        with pytest.raises(kataven.NotFoundError):
            client.campaigns.get(campaign["id"])

    def test_lifecycle_and_upload_forms(self, client: KatavenClient, csv_path: Path) -> None:
        agent_id, number_id, _ = line(client)
        data = csv_path.read_bytes()
        from_bytes = client.campaigns.create("Bytes", agent_id, number_id, data)
        with csv_path.open("rb") as f:
            from_file = client.campaigns.create("File", agent_id, number_id, f)
        for c in (from_bytes, from_file):
            assert client.campaigns.list_contacts(c["id"])["total"] == 6
        cid = from_bytes["id"]
        client.campaigns.start(cid)
        assert client.campaigns.pause(cid)["status"] == "paused"
        assert client.campaigns.resume(cid)["status"] == "running"
        assert client.campaigns.stop(cid)["status"] in {"stopped", "completed"}
        with pytest.raises(kataven.ConflictError):
            client.campaigns.start(cid)
        with pytest.raises(kataven.BadRequestError):
            client.campaigns.create("Bad", agent_id, number_id, b"no_phone_column\n1\n")
        with pytest.raises(FileNotFoundError):
            client.campaigns.create("Missing", agent_id, number_id, csv_path.with_name("nope.csv"))


def test_real_rate_limit_and_cost_cap(hub: Hub, fresh_key: str) -> None:
    slug = next(s for s, k in hub.keys.items() if k == fresh_key)
    with KatavenClient(fresh_key, base_url=hub.url) as client:
        agent_id, _, e164 = line(client)
        hub.cli("limits", "set", "--account", slug, "--concurrent-max", "0")
        cap = _first_error(lambda: client.calls.originate(e164, unique_e164(), agent_id))
        assert isinstance(cap, kataven.CostCapError)
        assert (cap.status_code, cap.code) == (429, "call_limit_reached")
        assert cap.retry_after is not None
        hub.cli("limits", "set", "--account", slug, "--requests-per-minute", "2")
        limited = _first_error(client.agents.list)
        assert type(limited) is kataven.RateLimitError
        assert limited.code == "rate_limited"
        assert limited.retry_after is not None
        assert 0 < limited.retry_after <= 60


def _first_error(call: Callable[[], object]) -> kataven.APIStatusError:
    """Call until the API refuses (limits may be cached for a few seconds after a change)."""
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            call()
        except kataven.APIStatusError as exc:
            return exc
        time.sleep(0.5)
    raise AssertionError("the API never refused")


def test_wrong_key_is_authentication_error(hub: Hub) -> None:
    with (
        KatavenClient("sk_live_nope_" + "x" * 40, base_url=hub.url) as c,
        pytest.raises(kataven.AuthenticationError) as info,
    ):
        c.agents.list()
    assert info.value.status_code == 401


def test_unreachable_server_is_connection_error() -> None:
    from sdk_support import free_port

    url = f"http://127.0.0.1:{free_port()}"
    with (
        KatavenClient("k", base_url=url, max_retries=1) as c,
        pytest.raises(kataven.APIConnectionError),
    ):
        c.agents.list()
