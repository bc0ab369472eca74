"""The Webhooks screen against a real server: an endpoint pointing at a small receiver on
loopback, a test ping that arrives signed with the secret shown once, and the delivery log."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import Hub, shot, sign_in
from playwright.sync_api import Page, expect


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes


@dataclass
class Receiver:
    url: str
    status: int = 200
    requests: list[Received] = field(default_factory=list)


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    box: list[Receiver] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("content-length", "0")))
            box[0].requests.append(
                Received({k.lower(): v for k, v in self.headers.items()}, body)
            )
            self.send_response(box[0].status)
            self.send_header("content-length", "0")
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    box.append(Receiver(url=f"http://127.0.0.1:{server.server_address[1]}/hooks"))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield box[0]
    server.shutdown()
    server.server_close()


def _verify(secret: str, r: Received) -> bool:
    key = base64.b64decode(secret.removeprefix("whsec_"))
    signed = f"{r.headers['webhook-id']}.{r.headers['webhook-timestamp']}.".encode() + r.body
    expected = base64.b64encode(hmac.new(key, signed, hashlib.sha256).digest()).decode()
    sent = [s.split(",", 1)[1] for s in r.headers["webhook-signature"].split()]
    return any(hmac.compare_digest(expected, s) for s in sent)


def test_webhook_endpoint_ping_delivery_log_and_retry(
    page: Page, hub: Hub, receiver: Receiver
) -> None:
    sign_in(page)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks").click()
    expect(page.get_by_role("heading", name="Webhooks", exact=True)).to_be_visible()
    page.get_by_text("Add an endpoint").click()
    form = page.get_by_role("form", name="Add a webhook endpoint")
    form.get_by_label("Endpoint URL").fill(receiver.url)
    form.get_by_label("Description").fill("e2e receiver")
    # Only call events: untick "all", tick two.
    form.get_by_label("All events").uncheck()
    expect(form.get_by_role("button", name="Add endpoint")).to_be_disabled()
    form.get_by_label("call.completed").check()
    form.get_by_label("call.failed").check()
    form.get_by_role("button", name="Add endpoint").click()

    secret = page.get_by_test_id("secret").inner_text().strip()
    assert secret.startswith("whsec_")
    card = page.get_by_role("article", name=f"Endpoint {receiver.url}")
    expect(card.get_by_text("Events: call.completed, call.failed")).to_be_visible()
    with hub.api() as api:
        listed = api.get("/api/v1/webhook-endpoints").json()["webhook_endpoints"]
    mine = next(e for e in listed if e["url"] == receiver.url)
    assert mine["events"] == ["call.completed", "call.failed"]
    assert "secret" not in mine

    # The ping goes out whatever the filter, and settles as delivered in the log.
    card.get_by_role("button", name="Send test ping").click()
    row = card.get_by_test_id("delivery").first
    expect(row).to_contain_text("ping")
    expect(row).to_contain_text("delivered", timeout=30_000)
    expect(row).to_contain_text("HTTP 200")
    expect(row.get_by_role("cell").nth(3)).to_have_text("1")
    shot(page, "webhooks")
    assert len(receiver.requests) == 1
    ping = receiver.requests[0]
    assert json.loads(ping.body)["type"] == "ping"
    assert _verify(secret, ping), "the ping is signed with the secret shown once"

    # A failing receiver: retry shows the new attempt and its response code.
    receiver.status = 503
    row.get_by_role("button", name="Retry").click()
    expect(row).to_contain_text("HTTP 503", timeout=30_000)
    expect(row.get_by_role("cell").nth(3)).to_have_text("2")
    expect(row).to_contain_text("pending")
    expect(row.get_by_role("cell").nth(5)).to_have_text(re.compile(r"^(in \d+ (s|min)|due now)$"))
    assert len(receiver.requests) == 2
    assert receiver.requests[1].headers["webhook-id"] == ping.headers["webhook-id"]

    # Edit the events to all, then disable: the test ping is no longer offered.
    card.get_by_role("button", name="Edit").click()
    edit = card.get_by_role("form", name=f"Edit {receiver.url}")
    edit.get_by_label("All events").check()
    edit.get_by_role("button", name="Save").click()
    expect(card.get_by_text("Events: All events")).to_be_visible()
    card.get_by_role("button", name="Disable").click()
    expect(card.get_by_role("button", name="Enable")).to_be_visible()
    expect(card.get_by_role("button", name="Send test ping")).to_be_disabled()

    # Rotating shows a new secret once.
    card.get_by_role("button", name="Rotate secret").click()
    page.get_by_role("dialog").get_by_role("button", name="Rotate").click()
    expect(page.get_by_test_id("secret")).not_to_have_text(secret)
    expect(page.get_by_test_id("secret")).to_contain_text("whsec_")
    with hub.api() as api:
        after = api.get(f"/api/v1/webhook-endpoints/{mine['id']}").json()
    assert after["disabled"] is True
    assert after["events"] == ["*"]
