"""The embeddable widget in a real browser: headless Chromium (Debian's package) via Playwright.

The API runs for real (uvicorn on a free port, SQLite, the built-in issuer off as in
production) and a small page server on another port embeds `/widget/v1.js`. The page is
reachable as http://localhost:<port> (in the key's allowlist, `localhost:*`) and as
http://127.0.0.1:<port> (not in it): the same page, two origins.

Chromium is required: without /usr/bin/chromium this test fails (run `make browser-deps`).
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
from playwright.async_api import Browser, Page, Request, Response, async_playwright, expect

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SESSION_TTL = 63  # the widget refreshes a minute before expiry: after ~3 s here
BRAND = {
    "primary_color": "#0f766e",
    "accent_color": "#134e4a",
    "launcher_label": "Ask Ada",
    "launcher_position": "bl",
    "privacy_notice": "Calls may be recorded for quality.",
}
GREETING = "Hi, I am Ada. How can I help?"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class LiveHub:
    api: str
    pages_port: int
    headers: dict[str, str]
    public_key: str
    secret_key: str
    agent_id: str
    disabled_agent_id: str

    def page_url(self, host: str, **params: str) -> str:
        query = "&".join(f"{k}={v}" for k, v in {"pk": self.public_key, **params}.items())
        return f"http://{host}:{self.pages_port}/?{query}"


def _env(data_dir: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATAVEN_")}
    env.update(
        KATAVEN_ENV="testing",
        KATAVEN_DATA_DIR=str(data_dir),
        KATAVEN_API_KEY_PEPPER="browser-test-pepper-0123456789",
        KATAVEN_BUILTIN_ISSUER_ENABLED="false",
        KATAVEN_BOOTSTRAP_DEMO_ACCOUNT="false",
        KATAVEN_LOG_LEVEL="WARNING",
        KATAVEN_WIDGET_SESSION_TTL_SECONDS=str(SESSION_TTL),
    )
    return env


def _cli(env: dict[str, str], *args: str) -> dict[str, str]:
    exe = str(Path(sys.executable).with_name("kataven-hub"))
    done = subprocess.run(
        [exe, *args, "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def _start_api(env: dict[str, str], cwd: Path, port: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "uvicorn", "kataven_hub.main:create_app", "--factory",
               "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning"]  # fmt: skip
    with open(cwd / "api.log", "wb") as log:  # the child keeps its own descriptor
        return subprocess.Popen(command, env=env, cwd=cwd, stdout=log, stderr=log)


class _Pages(BaseHTTPRequestHandler):
    api = ""

    def do_GET(self) -> None:
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        options = {"publicKey": query.get("pk", ""), "agentId": query.get("agent")}
        if query.get("user_token"):
            options["userToken"] = query["user_token"]
        html = f"""<!doctype html><html><head><meta charset="utf-8"><title>Acme shop</title></head>
<body><h1>Acme shop</h1>
<script src="{self.api}/widget/v1.js"></script>
<script>
  window.sessions = [];
  window.widgetErrors = [];
  document.addEventListener("kataven:session", (e) => window.sessions.push(e.detail));
  document.addEventListener("kataven:error", (e) => window.widgetErrors.push(e.detail));
  Kataven.init({json.dumps(options)});
</script></body></html>""".encode()
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(html)))
        self.end_headers()
        self.wfile.write(html)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def pages_server() -> Iterator[tuple[int, type[_Pages]]]:
    handler = type("Pages", (_Pages,), {})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server.server_address[1], handler
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
async def live_hub(
    tmp_path_factory: pytest.TempPathFactory, pages_server: tuple[int, type[_Pages]]
) -> AsyncIterator[LiveHub]:
    data_dir = tmp_path_factory.mktemp("live-hub")
    env = _env(data_dir)
    await asyncio.to_thread(
        _cli, env, "accounts", "create", "web", "--owner-email", "owner@web.test"
    )
    key = await asyncio.to_thread(_cli, env, "keys", "create", "--account", "web", "--name", "e2e")
    api_key = next(v for v in key.values() if isinstance(v, str) and v.startswith("sk_live_"))
    port = _free_port()
    server = _start_api(env, data_dir, port)
    api = f"http://127.0.0.1:{port}"
    try:
        async with httpx.AsyncClient(base_url=api, timeout=10) as http:
            deadline = time.monotonic() + 30
            while True:
                try:
                    if (await http.get("/healthz")).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                assert server.poll() is None, (data_dir / "api.log").read_text()[-2000:]
                assert time.monotonic() < deadline, "the API did not start within 30 s"
                await asyncio.sleep(0.2)
            headers = {"Authorization": f"Bearer {api_key}"}
            r = await http.patch("/api/v1/widget-settings", json=BRAND, headers=headers)
            assert r.status_code == 200, r.text
            agents = []
            for name in ("Ada", "Off"):
                r = await http.post(
                    "/api/v1/agents",
                    json={"name": name, "status": "active", "auth_mode": "public",
                          "greeting_message": GREETING},
                    headers=headers,
                )  # fmt: skip
                assert r.status_code == 201, r.text
                agents.append(r.json()["id"])
            r = await http.patch(
                f"/api/v1/agents/{agents[0]}/widget-settings",
                json={"widget_enabled": True},
                headers=headers,
            )
            assert r.status_code == 200, r.text
            r = await http.post(
                "/api/v1/widget-keys",
                json={"name": "shop", "domain_allowlist": ["localhost:*"]},
                headers=headers,
            )
            assert r.status_code == 201, r.text
            widget_key = r.json()
        pages_port, handler = pages_server
        handler.api = api
        yield LiveHub(
            api=api,
            pages_port=pages_port,
            headers=headers,
            public_key=widget_key["public_key"],
            secret_key=widget_key["secret_key"],
            agent_id=agents[0],
            disabled_agent_id=agents[1],
        )
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(
            "The widget browser test needs Chromium at /usr/bin/chromium: run `make browser-deps` "
            "(apt-get install chromium)."
        )
    async with async_playwright() as p:
        instance = await p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        await instance.close()


@pytest.fixture
async def page(browser: Browser) -> AsyncIterator[Page]:
    context = await browser.new_context()
    page = await context.new_page()
    page.set_default_timeout(15_000)
    yield page
    await context.close()


def _widget_calls(page: Page) -> list[tuple[str, int | None]]:
    """(path, status) of the widget API calls the page makes; status None when the browser
    withheld the response (CORS) or the call failed."""
    calls: list[tuple[str, int | None]] = []

    def record(request: Request) -> None:
        if "/api/v1/widget/" in request.url:
            calls.append((urlsplit(request.url).path, None))

    def settle(response: Response) -> None:
        path = urlsplit(response.url).path
        if (path, None) in calls:
            calls[calls.index((path, None))] = (path, response.status)

    page.on("request", record)
    page.on("response", settle)
    return calls


async def _verify(hub: LiveHub, token: str) -> dict[str, object]:
    async with httpx.AsyncClient(base_url=hub.api) as http:
        jwks = (await http.get("/.well-known/jwks.json")).json()
    kid = jwt.get_unverified_header(token)["kid"]
    key = next(k for k in jwt.PyJWKSet.from_dict(jwks).keys if k.key_id == kid)
    return jwt.decode(
        token, key.key, algorithms=["RS256"], audience="kataven-widget", issuer="kataven-hub/widget"
    )


class TestWidgetInBrowser:
    async def test_allowed_origin_gets_branded_launcher_and_guest_session(
        self, live_hub: LiveHub, page: Page
    ) -> None:
        calls = _widget_calls(page)
        await page.goto(live_hub.page_url("localhost", agent=live_hub.agent_id))
        host = page.locator("#kataven-widget")
        launcher = page.locator("#kataven-widget .kv-launcher")
        await expect(launcher).to_be_visible()
        await expect(launcher).to_have_text("Ask Ada")
        await expect(launcher).to_have_css("background-color", "rgb(15, 118, 110)")
        await expect(host).to_have_attribute("data-state", "ready")
        box = await launcher.bounding_box()
        viewport = page.viewport_size
        assert box is not None
        assert viewport is not None
        assert box["x"] < viewport["width"] / 2
        assert box["y"] > viewport["height"] / 2
        assert await page.evaluate("Kataven.getSession()") is None  # guests connect on open

        await launcher.click()
        await expect(page.locator("#kataven-widget .kv-greeting")).to_have_text(GREETING)
        await expect(page.locator("#kataven-widget .kv-privacy")).to_have_text(
            BRAND["privacy_notice"]
        )
        await expect(page.locator("#kataven-widget .kv-title")).to_have_text("Ada")
        await expect(host).to_have_attribute("data-session", "guest")
        # No call runtime is configured: the opened panel says so, in guest mode too.
        await expect(host).to_have_attribute("data-voice", "not-connected")
        await expect(page.locator("#kataven-widget .kv-status")).to_contain_text(
            "Voice is not connected yet"
        )
        await expect(page.locator("#kataven-widget .kv-status")).to_contain_text(
            "KATAVEN_CALL_PROCESSOR_STREAM_URL"
        )
        session = await page.evaluate("Kataven.getSession()")
        claims = await _verify(live_hub, session["token"])
        assert claims["mode"] == "guest"
        assert claims["agent_id"] == live_hub.agent_id
        assert claims["account"] == "web"
        assert ("/api/v1/widget/auth/guest", 200) in calls
        assert await page.evaluate("window.sessions.length") == 1

        # Kept fresh: refreshed before expiry, same visitor, new token.
        await page.wait_for_function(
            "(t) => Kataven.getSession() && Kataven.getSession().token !== t", arg=session["token"]
        )
        fresh = await page.evaluate("Kataven.getSession()")
        assert fresh["visitorId"] == session["visitorId"]
        assert fresh["sessionId"] == session["sessionId"]
        assert ("/api/v1/widget/auth/refresh", 200) in calls

    async def test_disallowed_origin_is_refused_and_gets_no_token(
        self, live_hub: LiveHub, page: Page
    ) -> None:
        calls = _widget_calls(page)
        await page.goto(live_hub.page_url("127.0.0.1", agent=live_hub.agent_id))
        host = page.locator("#kataven-widget")
        await expect(host).to_have_attribute("data-state", "refused")
        notice = page.locator("#kataven-widget .kv-notice")
        await expect(notice).to_be_visible()
        await expect(notice).to_have_text("This website is not allowed to use this widget.")
        await expect(page.locator("#kataven-widget .kv-launcher")).to_be_hidden()
        assert await page.evaluate("Kataven.getSession()") is None
        assert await page.evaluate("window.sessions.length") == 0
        assert not [c for c in calls if c[0].startswith("/api/v1/widget/auth/")]
        assert ("/api/v1/widget/config", None) in calls  # refused: nothing readable
        # Even a direct call from this page's scripts cannot read a token.
        result = await page.evaluate(
            """async ([api, pk, agent]) => {
                try {
                    const r = await fetch(`${api}/api/v1/widget/auth/guest?client_key=${pk}`, {
                        method: "POST", headers: {"Content-Type": "application/json"},
                        body: JSON.stringify({agent_id: agent})});
                    return "read " + r.status;
                } catch (e) { return "blocked"; }
            }""",
            [live_hub.api, live_hub.public_key, live_hub.agent_id],
        )
        assert result == "blocked"

    async def test_disabled_widget_shows_a_message(self, live_hub: LiveHub, page: Page) -> None:
        await page.goto(live_hub.page_url("localhost", agent=live_hub.disabled_agent_id))
        await expect(page.locator("#kataven-widget")).to_have_attribute("data-state", "disabled")
        await expect(page.locator("#kataven-widget .kv-notice")).to_have_text(
            "The assistant is disabled on this site."
        )
        await expect(page.locator("#kataven-widget .kv-launcher")).to_be_hidden()
        assert await page.evaluate("Kataven.getSession()") is None

    async def test_user_token_is_exchanged_at_init(self, live_hub: LiveHub, page: Page) -> None:
        async with httpx.AsyncClient(base_url=live_hub.api) as http:
            r = await http.post(
                "/api/v1/widget/auth/user-token",
                json={"external_user_id": "cust-1", "display_name": "Grace"},
                headers={"Authorization": f"Bearer {live_hub.secret_key}"},
            )
        assert r.status_code == 200, r.text
        url = live_hub.page_url(
            "localhost", agent=live_hub.agent_id, user_token=r.json()["user_token"]
        )
        await page.goto(url)
        await expect(page.locator("#kataven-widget")).to_have_attribute("data-session", "user")
        session = await page.evaluate("Kataven.getSession()")
        claims = await _verify(live_hub, session["token"])
        assert claims["mode"] == "user"
        assert claims["sub"] == "cust-1"
