"""The dashboard in a real browser: Debian's Chromium driven by Playwright, against a real
`kataven-hub api` started here (embedded default: SQLite, in-process counters, the sandbox
carrier, the built-in issuer) serving the built dashboard (web/dist) at `/`.

Accounts and users are made with the operator command, as an operator would: `acme` (owner,
admin and member users, generous request limits) and `beta` (the owner is an admin there too,
for the account switcher). Each test gets a fresh browser context; console errors fail it, and
a screenshot of each screen is kept under web/test-artifacts/screenshots/.

Needs /usr/bin/chromium (`make browser-deps`) and a build (`npm run build` in web/); without
them the tests fail, never skip.
"""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest
from oidc_issuer import CLIENT_ID, FakeIssuer
from playwright.sync_api import (
    Browser,
    BrowserContext,
    ConsoleMessage,
    Page,
    Playwright,
    expect,
    sync_playwright,
)

# The machine running the suite may be busy: give each expectation more than the default 5 s.
expect.set_options(timeout=15_000)

WEB = Path(__file__).resolve().parents[2]
DIST = WEB / "dist"
ARTIFACTS = WEB / "test-artifacts" / "screenshots"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]
PASSWORD = "correct horse battery staple"
OWNER = "owner@acme.test"
ADMIN = "admin@acme.test"
MEMBER = "member@acme.test"
SSO_USER = "sso@acme.test"


@dataclass
class Hub:
    url: str
    api_key: str
    data_dir: Path
    issuer: FakeIssuer
    seed: dict[str, str] = field(default_factory=dict)

    def api(self) -> httpx.Client:
        return httpx.Client(
            base_url=self.url,
            headers={"Authorization": f"Bearer {self.api_key}", "Accept": "application/json"},
            timeout=15,
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _cli(env: dict[str, str], *args: str) -> dict[str, object]:
    exe = str(Path(sys.executable).with_name("kataven-hub"))
    done = subprocess.run(
        [exe, *args, "--json"], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)  # type: ignore[no-any-return]


@pytest.fixture(scope="session")
def issuer() -> Iterator[FakeIssuer]:
    with FakeIssuer(SSO_USER) as fake:
        yield fake


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory, issuer: FakeIssuer) -> Iterator[Hub]:
    assert CHROMIUM.exists(), "Chromium is required at /usr/bin/chromium: run 'make browser-deps'"
    assert (DIST / "index.html").is_file(), "No dashboard build: run 'npm run build' in web/"
    data_dir = tmp_path_factory.mktemp("hub")
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATAVEN_")}
    port = _free_port()
    env.update(
        KATAVEN_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",  # signed recording URLs point here
        KATAVEN_ENV="testing",
        KATAVEN_DATA_DIR=str(data_dir),
        KATAVEN_API_KEY_PEPPER="dashboard-e2e-pepper-0123456789",
        KATAVEN_BUILTIN_ISSUER_ENABLED="true",
        KATAVEN_BOOTSTRAP_DEMO_ACCOUNT="false",
        KATAVEN_SANDBOX_CARRIER_ENABLED="true",
        KATAVEN_SANDBOX_OUTCOME_WEIGHTS='{"completed": 1.0}',
        KATAVEN_SANDBOX_RING_SECONDS="0.3",
        KATAVEN_SANDBOX_TALK_SECONDS="[1.0, 2.0]",
        KATAVEN_CAMPAIGN_MIN_RETRY_DELAY_SECONDS="1",
        KATAVEN_CAMPAIGN_SSE_SNAPSHOT_SECONDS="1",
        KATAVEN_DASHBOARD_DIR=str(DIST),
        # A failed webhook delivery waits a minute before its next try: the log holds still.
        KATAVEN_WEBHOOKS_RETRY_BASE_SECONDS="60",
        KATAVEN_LOG_LEVEL="WARNING",
        # Single sign-on beside the password login: the fake issuer of oidc_issuer.py.
        KATAVEN_OIDC_ISSUER_URL=issuer.url,
        KATAVEN_OIDC_AUDIENCE=CLIENT_ID,
        KATAVEN_OIDC_DASHBOARD_CLIENT_ID=CLIENT_ID,
    )
    _cli(
        env,
        "accounts",
        "create",
        "acme",
        "--name",
        "Acme",
        "--owner-email",
        OWNER,
        "--owner-password",
        PASSWORD,
    )
    _cli(env, "accounts", "create", "beta", "--name", "Beta")
    _cli(env, "users", "add", "--email", OWNER, "--account", "beta", "--role", "admin")
    _cli(env, "users", "add", "--email", SSO_USER, "--account", "acme", "--role", "admin")
    _cli(
        env,
        "users",
        "add",
        "--email",
        ADMIN,
        "--password",
        PASSWORD,
        "--account",
        "acme",
        "--role",
        "admin",
    )
    _cli(
        env,
        "users",
        "add",
        "--email",
        MEMBER,
        "--password",
        PASSWORD,
        "--account",
        "acme",
        "--role",
        "member",
    )
    limits = {
        "--requests-per-minute": "100000",
        "--requests-per-hour": "1000000",
        "--requests-per-day": "10000000",
        "--concurrent-requests": "1000",
        "--concurrent-max": "20",
        "--calls-per-minute": "600",
    }
    _cli(env, "limits", "set", "--account", "acme", *(x for kv in limits.items() for x in kv))
    key = _cli(env, "keys", "create", "--account", "acme", "--name", "e2e")
    api_key = next(v for v in key.values() if isinstance(v, str) and v.startswith("sk_live_"))
    exe = str(Path(sys.executable).with_name("kataven-hub"))
    log = open(data_dir / "api.log", "wb")  # noqa: SIM115 (the child writes to it until the end)
    server = subprocess.Popen(
        [exe, "api", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=data_dir,
        stdout=log,
        stderr=log,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert server.poll() is None, (data_dir / "api.log").read_text()[-3000:]
            assert time.monotonic() < deadline, "the API did not start within 60 s"
            time.sleep(0.2)
        hub = Hub(url=url, api_key=api_key, data_dir=data_dir, issuer=issuer)
        _seed(hub)
        yield hub
    finally:
        server.terminate()
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.close()


def _seed(hub: Hub) -> None:
    """What several flows start from: an active agent, sandbox credentials and a caller number."""
    with hub.api() as api:
        r = api.post(
            "/api/v1/agents",
            json={
                "name": "Seed agent",
                "status": "active",
                "greeting_message": "Hello from the seed agent.",
            },
        )
        assert r.status_code == 201, r.text
        hub.seed["agent_id"] = r.json()["id"]
        r = api.post(
            "/api/v1/telephony/providers",
            json={"provider": "sandbox", "label": "Seed sandbox", "credentials": {}},
        )
        assert r.status_code == 201, r.text
        hub.seed["credentials_id"] = r.json()["id"]
        r = api.post(
            "/api/v1/telephony/numbers",
            json={
                "e164": "+15550100000",
                "provider": "sandbox",
                "credentials_id": hub.seed["credentials_id"],
                "agent_id": hub.seed["agent_id"],
            },
        )
        assert r.status_code == 201, r.text
        hub.seed["number_id"] = r.json()["id"]
        r = api.post(
            "/api/v1/faqs",
            json={
                "title": "Refund policy",
                "summary": "Refunds within 30 days",
                "content": "We refund any plan within 30 days.",
            },
        )
        assert r.status_code == 201, r.text


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


class Console:
    """Console errors and uncaught page errors of one test. A test that provokes an HTTP error
    on purpose (a wrong password, a bad CSV) names its status: Chromium logs every failed
    response as a console error."""

    def __init__(self) -> None:
        self.errors: list[str] = []
        self.allowed: set[int] = set()

    def allow(self, *statuses: int) -> None:
        self.allowed.update(statuses)

    def on_console(self, message: ConsoleMessage) -> None:
        if message.type != "error":
            return
        status = re.search(r"status of (\d{3})", message.text)
        if status and int(status.group(1)) in self.allowed:
            return
        self.errors.append(f"console: {message.text} ({message.location.get('url')})")


@pytest.fixture
def console() -> Console:
    return Console()


@pytest.fixture
def context(browser: Browser, hub: Hub, console: Console) -> Iterator[BrowserContext]:
    context = browser.new_context(base_url=hub.url, viewport={"width": 1280, "height": 900})
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=hub.url)
    context.set_default_timeout(15_000)
    yield context
    context.close()
    assert console.errors == [], "\n".join(console.errors)


@pytest.fixture
def page(context: BrowserContext, console: Console) -> Page:
    page = context.new_page()
    page.on("console", console.on_console)
    page.on("pageerror", lambda e: console.errors.append(f"page error: {e}"))
    return page


def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def sign_in(page: Page, email: str = OWNER, password: str = PASSWORD, path: str = "/") -> None:
    page.goto(path)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in", exact=True).click()
    page.get_by_role("button", name="Sign out").wait_for()
