"""The main flows of the Hub dashboard, end to end (see conftest.py for the setup)."""

from __future__ import annotations

import re
import time

from conftest import ADMIN, MEMBER, OWNER, PASSWORD, SSO_USER, Console, Hub, shot, sign_in
from playwright.sync_api import Page, expect


def _csv(rows: list[str]) -> str:
    return "\n".join(["phone_number,first_name", *rows]) + "\n"


class TestSignIn:
    def test_wrong_password_shows_the_server_message_then_signs_in(
        self, page: Page, console: Console
    ) -> None:
        console.allow(401)
        page.goto("/campaigns")
        expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fcampaigns"))
        shot(page, "sign-in")
        # Keyboard only: the form is reachable and submits with Enter.
        page.get_by_label("Email", exact=True).focus()
        page.keyboard.type(OWNER)
        page.keyboard.press("Tab")
        page.keyboard.type("not the password")
        page.keyboard.press("Enter")
        expect(page.get_by_role("alert")).to_contain_text("password")
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.keyboard.press("Enter")
        expect(page).to_have_url(re.compile(r"/campaigns$"))
        expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()
        page.reload()
        expect(page.get_by_role("heading", name="Campaigns")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()
        expect(page).to_have_url(re.compile(r"/sign-in"))

    def test_expired_session_returns_to_sign_in_and_back(
        self, page: Page, console: Console
    ) -> None:
        console.allow(401)
        sign_in(page)
        page.goto("/telephony")
        expect(page.get_by_role("heading", name="Telephony")).to_be_visible()
        # The server stops accepting the token (as when it expires or its key rotates).
        page.evaluate(
            """() => { const s = JSON.parse(localStorage.getItem('kataven.session'));
                       s.token = s.token.slice(0, -4) + 'AAAA';
                       localStorage.setItem('kataven.session', JSON.stringify(s)); }"""
        )
        page.reload()
        expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Ftelephony"))
        expect(page.get_by_text("Your session expired")).to_be_visible()
        page.get_by_label("Email", exact=True).fill(OWNER)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.get_by_role("button", name="Sign in", exact=True).click()
        expect(page).to_have_url(re.compile(r"/telephony$"))
        expect(page.get_by_role("heading", name="Carrier credentials")).to_be_visible()

    def test_single_sign_on_with_pkce(self, page: Page, hub: Hub) -> None:
        page.goto("/settings")
        expect(page).to_have_url(re.compile(r"/sign-in\?next=%2Fsettings"))
        page.get_by_role("button", name="Sign in with single sign-on").click()
        expect(page).to_have_url(re.compile(r"/settings$"))
        expect(page.get_by_text(f"{SSO_USER} · admin")).to_be_visible()
        expect(page.get_by_role("heading", name="Settings", exact=True)).to_be_visible()
        exchanged = hub.issuer.exchanged[-1]
        assert exchanged["code_verifier"]
        assert exchanged["redirect_uri"] == f"{hub.url}/auth/callback"
        page.get_by_role("button", name="Sign out").click()
        expect(page.get_by_role("button", name="Sign in with single sign-on")).to_be_visible()

    def test_account_switcher(self, page: Page, hub: Hub) -> None:
        sign_in(page)
        expect(page.get_by_role("link", name="Seed agent")).to_be_visible()
        page.get_by_label("Account", exact=True).select_option("beta")
        expect(page.get_by_text("No agents yet")).to_be_visible()
        expect(page.get_by_text(f"{OWNER} · admin")).to_be_visible()
        shot(page, "agents-empty")
        page.get_by_label("Account", exact=True).select_option("acme")
        expect(page.get_by_role("link", name="Seed agent")).to_be_visible()


class TestAgents:
    def test_create_and_edit_an_agent(self, page: Page) -> None:
        sign_in(page)
        page.get_by_label("New agent name", exact=True).fill("Ada")
        page.get_by_role("button", name="Create agent").click()
        expect(page.get_by_role("heading", name=re.compile("^Ada"))).to_be_visible()
        page.get_by_label("Greeting", exact=True).fill("Hi, I am Ada.")
        page.get_by_label("Status", exact=True).select_option("active")
        page.get_by_label("LLM model", exact=True).select_option("gpt-4o-mini")
        page.get_by_role("button", name="Save changes").click()
        expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
        expect(page.get_by_role("heading", name=re.compile("^Ada"))).to_contain_text("active")
        # Tools: enable the first one.
        first_tool = page.get_by_role("checkbox", name=re.compile("^Enable ")).first
        first_tool.check()
        expect(first_tool).to_be_checked()
        # Playbooks and FAQs: attach the first built-in of each.
        page.get_by_label("Attach a playbook", exact=True).select_option(index=1)
        page.get_by_role("button", name="Attach playbook").click()
        expect(page.get_by_role("button", name=re.compile("^Detach playbook"))).to_have_count(1)
        page.get_by_label("Attach an FAQ", exact=True).select_option(index=1)
        page.get_by_role("button", name="Attach FAQ").click()
        expect(page.get_by_role("button", name=re.compile("^Detach FAQ"))).to_have_count(1)
        page.reload()
        expect(page.get_by_label("Greeting", exact=True)).to_have_value("Hi, I am Ada.")
        expect(page.get_by_role("checkbox", name=re.compile("^Enable ")).first).to_be_checked()
        expect(page.get_by_role("button", name=re.compile("^Detach playbook"))).to_have_count(1)
        shot(page, "agent-detail")
        page.get_by_role("link", name="← Agents").click()
        page.get_by_label("Search agents", exact=True).fill("ada")
        expect(page.get_by_role("link", name="Ada", exact=True)).to_be_visible()
        expect(page.get_by_role("link", name="Seed agent")).to_have_count(0)
        shot(page, "agents")

    def test_install_a_template(self, page: Page) -> None:
        sign_in(page, path="/marketplace")
        expect(page.get_by_role("heading", name="Marketplace")).to_be_visible()
        cards = page.get_by_role("button", name=re.compile("^Install "))
        expect(cards.first).to_be_visible()
        assert cards.count() >= 8
        shot(page, "marketplace")
        name = (cards.first.get_attribute("aria-label") or "").removeprefix("Install ")
        cards.first.click()
        expect(page).to_have_url(re.compile(r"/agents/agent_"))
        expect(page.get_by_role("heading", name=re.compile(re.escape(name)))).to_contain_text(
            "draft"
        )
        expect(page.get_by_text("Installed from template")).to_be_visible()

    def test_knowledge_faq_lifecycle(self, page: Page) -> None:
        sign_in(page, path="/knowledge/faqs")
        page.get_by_role("button", name="New FAQ").click()
        page.get_by_label("Title", exact=True).fill("Zeppelin mooring")
        page.get_by_label("Answer", exact=True).fill("Nine to five, Monday to Friday.")
        page.get_by_role("button", name="Save FAQ").click()
        page.get_by_label("Search FAQs", exact=True).fill("zeppelin")
        page.get_by_role("button", name="Edit Zeppelin mooring").click()
        page.get_by_role("button", name="Delete FAQ").click()
        page.get_by_role("dialog").get_by_role("button", name="Delete FAQ").click()
        expect(page.get_by_text("No FAQ matches")).to_be_visible()
        page.get_by_role("link", name="Playbooks").click()
        expect(page.get_by_role("button", name=re.compile("^Edit ")).first).to_be_visible()
        shot(page, "knowledge")


class TestTelephonyAndCalls:
    def test_add_a_sandbox_number_and_place_a_test_call(self, page: Page) -> None:
        sign_in(page, path="/telephony")
        page.get_by_label("Carrier", exact=True).select_option("sandbox")
        page.get_by_label("Label", exact=True).fill("My sandbox")
        page.get_by_role("button", name="Add credentials").click()
        expect(page.get_by_role("listitem").filter(has_text="My sandbox")).to_be_visible()
        page.get_by_label("Phone number (E.164)", exact=True).fill("+15550100042")
        page.get_by_label("Carrier credentials", exact=True).select_option(
            label="My sandbox (sandbox)"
        )
        page.get_by_label("Pin to agent", exact=True).select_option(label="Seed agent")
        page.get_by_role("button", name="Add number").click()
        row = page.get_by_role("row").filter(has_text="+15550100042")
        expect(row).to_be_visible()
        expect(page.get_by_label("Agent for +15550100042", exact=True)).to_have_value(
            re.compile("^agent_")
        )
        shot(page, "telephony")

        page.get_by_role("link", name="Calls").click()
        page.get_by_text("Place a test call").click()
        page.get_by_label("From number", exact=True).select_option("+15550100042")
        page.get_by_label("To number (E.164)", exact=True).fill("+15550109999")
        page.get_by_label("Agent", exact=True).last.select_option(label="Seed agent")
        page.get_by_role("button", name="Call", exact=True).click()
        expect(page).to_have_url(re.compile(r"/calls/sess_"))
        expect(page.get_by_role("heading", name=re.compile("^Call"))).to_contain_text(
            "completed", timeout=30_000
        )
        audio = page.get_by_label("Call recording", exact=True)
        expect(audio).to_be_visible(timeout=30_000)
        playing = page.evaluate(
            """async () => { const a = document.querySelector('audio'); await a.play();
                             await new Promise(r => setTimeout(r, 400));
                             return { t: a.currentTime, paused: a.paused, d: a.duration }; }"""
        )
        assert playing["t"] > 0, playing
        assert playing["d"] > 0, playing
        expect(page.get_by_label("Status timeline", exact=True).locator("li.done")).to_have_count(3)
        shot(page, "call-detail")
        page.get_by_role("link", name="← Calls").click()
        page.get_by_label("Status", exact=True).select_option("completed")
        expect(page.get_by_role("row").filter(has_text="+15550109999").first).to_be_visible()
        page.get_by_label("Direction", exact=True).select_option("inbound")
        expect(page.get_by_text("No calls match these filters.")).to_be_visible()
        # Agent and days are the server's filters too (days sent as RFC 3339 instants).
        page.get_by_label("Direction", exact=True).select_option("outbound")
        today = page.evaluate("() => new Date().toLocaleDateString('en-CA')")
        page.get_by_label("From date", exact=True).fill(today)
        page.get_by_label("To date (inclusive)", exact=True).fill(today)
        expect(page.get_by_role("row").filter(has_text="+15550109999").first).to_be_visible()
        filters = page.get_by_role("group", name="Filters")
        filters.get_by_label("Agent", exact=True).select_option(label="Seed agent")
        page.get_by_label("To date (inclusive)", exact=True).fill("2099-01-02")
        with page.expect_request(re.compile(r"/api/v1/calls\?.*from=209[89]-")) as sent:
            page.get_by_label("From date", exact=True).fill("2099-01-01")
        query = sent.value.url
        assert "agent_id=" in query and "&to=2099-01-0" in query, query
        expect(page.get_by_text("No calls match these filters.")).to_be_visible()
        shot(page, "calls")


class TestCampaigns:
    def test_bad_row_fix_start_and_watch_it_complete(self, page: Page, console: Console) -> None:
        console.allow(400)
        sign_in(page, path="/campaigns/new")
        page.get_by_label("Name", exact=True).fill("Spring renewals")
        page.get_by_label("Agent", exact=True).select_option(label="Seed agent (active)")
        page.get_by_label("Calls at once", exact=True).fill("3")
        rows = [f"+1415555020{i},Person {i}" for i in range(5)]
        bad = [*rows[:3], "not-a-number,Broken", *rows[3:]]
        page.get_by_label("Contacts CSV", exact=True).fill(_csv(bad))
        expect(page.get_by_text("6 rows; columns: phone_number, first_name")).to_be_visible()
        page.get_by_role("button", name="Create campaign").click()
        bad_row = page.locator("tr.bad-row")
        expect(bad_row).to_have_count(1)
        expect(bad_row).to_contain_text("line 5")
        expect(bad_row).to_contain_text("not a valid phone number")
        expect(page.get_by_role("alert")).to_contain_text("Invalid CSV")
        shot(page, "campaign-new-error")
        page.get_by_label("Contacts CSV", exact=True).fill(_csv(rows))
        expect(page.locator("tr.bad-row")).to_have_count(0)
        page.get_by_role("button", name="Create campaign").click()
        expect(page).to_have_url(re.compile(r"/campaigns/camp_"))
        expect(page.get_by_role("heading", name=re.compile("Spring renewals"))).to_contain_text(
            "draft"
        )
        expect(page.locator('[data-status="pending"] .count')).to_have_text("5")
        page.get_by_role("button", name="Start").click()
        expect(page.get_by_role("heading", name=re.compile("Spring renewals"))).to_contain_text(
            "running"
        )
        # Live: the counts, the progress bar and the rows move without a reload.
        expect(page.locator('[data-status="completed"] .count')).to_have_text("5", timeout=60_000)
        expect(page.get_by_role("heading", name=re.compile("Spring renewals"))).to_contain_text(
            "completed"
        )
        expect(page.get_by_text("5 of 5 contacts done (100%)")).to_be_visible()
        assert page.locator("progress").evaluate("p => p.value") == 1
        expect(
            page.get_by_role("region", name="Contacts")
            .locator("tbody tr")
            .filter(has_text="completed")
        ).to_have_count(5)
        label = (
            page.get_by_role("img", name=re.compile("Dials per minute")).get_attribute("aria-label")
            or ""
        )
        assert (
            re.search(r"this minute: [1-9]", label)
            or "peak" in page.locator("figcaption").inner_text()
        )
        shot(page, "campaign-live")
        page.get_by_role("link", name="← Campaigns").click()
        expect(page.get_by_role("row").filter(has_text="Spring renewals")).to_contain_text(
            "completed"
        )
        shot(page, "campaigns")

    def test_pause_resume_and_stop_another(self, page: Page, hub: Hub) -> None:
        numbers = "\n".join(f"+1415556{i:04d}" for i in range(40))
        with hub.api() as api:
            r = api.post(
                "/api/v1/campaigns",
                data={
                    "name": "Slow lane",
                    "agent_id": hub.seed["agent_id"],
                    "phone_number_id": hub.seed["number_id"],
                    "max_concurrent_calls": "1",
                },
                files={"contacts": ("c.csv", f"phone_number\n{numbers}\n", "text/csv")},
            )
            assert r.status_code == 201, r.text
            campaign_id = r.json()["id"]
        sign_in(page, path=f"/campaigns/{campaign_id}")
        heading = page.get_by_role("heading", name=re.compile("Slow lane"))
        page.get_by_role("button", name="Start").click()
        expect(heading).to_contain_text("running")
        page.get_by_role("button", name="Pause").click()
        expect(heading).to_contain_text("paused")
        expect(page.get_by_role("button", name="Resume")).to_be_visible()
        shot(page, "campaign-paused")
        page.get_by_role("button", name="Resume").click()
        expect(heading).to_contain_text("running")
        expect(page.locator('[data-status="completed"] .count')).not_to_have_text(
            "0", timeout=30_000
        )
        page.get_by_role("button", name="Stop").click()
        dialog = page.get_by_role("dialog")
        expect(dialog).to_contain_text("Pending contacts are cancelled")
        dialog.get_by_role("button", name="Stop campaign").click()
        expect(heading).to_contain_text("completed")
        expect(page.locator('[data-status="cancelled"] .count')).not_to_have_text("0")
        with hub.api() as api:
            assert api.get(f"/api/v1/campaigns/{campaign_id}").json()["stopped_at"] is not None


class TestWidget:
    def test_create_a_key_and_copy_the_snippet(self, page: Page, hub: Hub) -> None:
        sign_in(page, path="/web-widget")
        page.get_by_label("Key name", exact=True).fill("Shop")
        page.get_by_label("Allowed sites", exact=True).fill("shop.acme.test, localhost:*")
        page.get_by_role("button", name="Create widget key").click()
        public = page.get_by_role("region", name="Public key (for the page)").get_by_test_id(
            "secret"
        )
        expect(public).to_contain_text("pk_live_")
        secret = page.get_by_role("region", name=re.compile("^Secret key")).get_by_test_id("secret")
        expect(secret).to_contain_text("sk_live_")
        public_key = public.inner_text().strip()
        row = page.get_by_role("row").filter(has_text="Shop")
        expect(row).to_contain_text(public_key[-8:])
        expect(page.get_by_label("Allowed sites for Shop", exact=True)).to_have_value(
            "shop.acme.test, localhost:*"
        )
        page.get_by_role("button", name="Copy snippet").click()
        expect(page.get_by_text("Copied")).to_be_visible()
        copied = page.evaluate("navigator.clipboard.readText()")
        assert public_key in copied
        assert f"{hub.url}/widget/v1.js" in copied
        # Branding: the launcher preview follows the form before saving.
        page.get_by_label("Launcher label", exact=True).fill("Ask Ada")
        expect(page.locator(".launcher")).to_contain_text("Ask Ada")
        page.get_by_role("button", name="Save branding").click()
        expect(page.get_by_role("status").filter(has_text="Saved.")).to_be_visible()
        page.get_by_label("Available in the widget", exact=True).check()
        expect(page.get_by_label("Available in the widget", exact=True)).to_be_checked()
        shot(page, "widget")
        with hub.api() as api:
            assert api.get("/api/v1/widget-settings").json()["launcher_label"] == "Ask Ada"


class TestSettings:
    def test_admin_creates_and_revokes_an_api_key(self, page: Page, hub: Hub) -> None:
        sign_in(page, email=ADMIN, path="/settings")
        page.get_by_label("Key name", exact=True).fill("ci")
        page.get_by_role("button", name="Create API key").click()
        secret = page.get_by_role("region", name="API key “ci”").get_by_test_id("secret")
        expect(secret).to_contain_text("sk_live_acme_")
        key = secret.inner_text().strip()
        with hub.api() as api:
            assert (
                api.get("/api/v1/agents", headers={"Authorization": f"Bearer {key}"}).status_code
                == 200
            )
        row = page.get_by_role("row").filter(has_text="ci").filter(has_text=key[-8:])
        row.get_by_role("button", name="Revoke").click()
        page.get_by_role("dialog").get_by_role("button", name="Revoke").click()
        expect(page.get_by_role("row").filter(has_text=key[-8:])).to_contain_text("revoked")
        deadline = time.monotonic() + 40  # API key caches expire within API_KEY_CACHE_SECONDS
        with hub.api() as api:
            while (
                api.get("/api/v1/agents", headers={"Authorization": f"Bearer {key}"}).status_code
                != 401
            ):
                assert time.monotonic() < deadline, "the revoked key still works"
                time.sleep(1)
        expect(page.get_by_label("Calls at once", exact=True)).to_be_enabled()
        expect(page.get_by_text(re.compile(r"\d+ of 20 used")).first).to_be_visible()
        shot(page, "settings")

    def test_member_is_refused(self, page: Page) -> None:
        sign_in(page, email=MEMBER, path="/settings")
        expect(page.get_by_text(f"{MEMBER} · member")).to_be_visible()
        expect(page.get_by_role("note").first).to_contain_text(
            "Only the account's owners and admins"
        )
        expect(page.get_by_role("button", name="Create API key")).to_be_disabled()
        expect(page.get_by_label("Calls at once", exact=True)).to_be_disabled()
        expect(page.get_by_role("button", name="Save limits")).to_have_count(0)
        shot(page, "settings-member")


SCREENS = [
    ("/agents", "Agents"),
    ("/marketplace", "Marketplace"),
    ("/knowledge", "Knowledge"),
    ("/telephony", "Telephony"),
    ("/calls", "Calls"),
    ("/campaigns", "Campaigns"),
    ("/web-widget", "Widget"),
    ("/do-not-call", "Do not call"),
    ("/webhooks", "Webhooks"),
    ("/settings", "Settings"),
]


class TestLayout:
    def test_every_screen_fits_a_phone(self, page: Page) -> None:
        page.set_viewport_size({"width": 390, "height": 844})
        sign_in(page)
        for path, heading in SCREENS:
            page.goto(path)
            expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
            page.wait_for_load_state("networkidle")
            overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 1, f"{path} scrolls sideways by {overflow}px at 390px"
            shot(page, f"phone{path.replace('/', '-')}")

    def test_api_paths_are_not_the_app(self, page: Page, hub: Hub) -> None:
        for path in ("/api/v1/nothing", "/widget/nothing.js", "/twilio/nothing"):
            r = page.request.get(f"{hub.url}{path}", headers={"Accept": "application/json"})
            assert r.status == 404
            assert r.json()["code"] == "not_found"
        r = page.request.get(f"{hub.url}/campaigns/camp_x/anything")
        assert r.status == 200
        assert '<div id="root">' in r.text()
