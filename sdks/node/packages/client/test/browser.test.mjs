// @kataven/client in headless Chromium (Debian's /usr/bin/chromium, driven by playwright-core)
// against a real `kataven-hub api`. One page server, two origins: http://localhost:<port> is in
// the widget key's allowlist (`localhost:*`), http://127.0.0.1:<port> is not.
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { dirname, join, normalize } from "node:path";
import { after, before, describe, test } from "node:test";
import { fileURLToPath } from "node:url";
import { Kataven } from "@kataven/server";
import { chromium } from "playwright-core";
import { startHub } from "../../../test/hub.mjs";

const CHROMIUM = "/usr/bin/chromium";
const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-background-networking",
  "--disable-component-update",
  "--no-first-run",
];
const DIST = join(dirname(dirname(fileURLToPath(import.meta.url))), "dist/esm");
const PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Acme shop</title></head>
<body><h1>Acme shop</h1><script type="module">
  import * as widget from "/client/index.js";
  window.widget = widget;
  window.ready = true;
</script></body></html>`;

let hub;
let pages;
let pagesPort;
let browser;
let profile;
let setup;

before(async () => {
  if (!existsSync(CHROMIUM)) {
    throw new Error("The browser test needs Chromium at /usr/bin/chromium: run 'make browser-deps'");
  }
  // Sessions live 63 s: with the one-minute margin the client refreshes after ~3 s.
  hub = await startHub({ settings: { KATAVEN_WIDGET_SESSION_TTL_SECONDS: "63" } });
  const admin = new Kataven({ apiKey: hub.apiKey, baseURL: hub.baseURL });
  await admin.widgetSettings.update({ primary_color: "#0f766e", launcher_label: "Ask Ada" });
  const agent = await admin.agents.create({ name: "Ada", status: "active", auth_mode: "public" });
  await admin.widgetSettings.updateAgent(agent.id, { widget_enabled: true, auth_mode: "both" });
  const off = await admin.agents.create({ name: "Off", status: "active", auth_mode: "public" });
  const key = await admin.widgetKeys.create({ name: "shop", domain_allowlist: ["localhost:*"] });
  setup = { admin, agent, off, key };

  pages = createServer((req, res) => {
    const url = new URL(req.url, "http://pages");
    if (url.pathname === "/") {
      res.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      return res.end(PAGE);
    }
    const file = normalize(join(DIST, url.pathname.replace(/^\/client\//, "")));
    if (!url.pathname.startsWith("/client/") || !file.startsWith(DIST) || !existsSync(file)) {
      res.writeHead(404);
      return res.end();
    }
    res.writeHead(200, { "content-type": "text/javascript; charset=utf-8" });
    res.end(readFileSync(file));
  });
  await new Promise((ok) => pages.listen(0, "127.0.0.1", ok));
  pagesPort = pages.address().port;
  profile = mkdtempSync(join(tmpdir(), "kataven-chromium-"));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
  });
});

after(async () => {
  await browser?.close();
  pages?.close();
  await hub?.stop();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** A fresh page of the shop served from `host`, with the client loaded; responses are recorded. */
async function openShop(host) {
  const page = await browser.newPage();
  const responses = [];
  const failed = [];
  page.on("response", (response) => {
    if (!response.url().includes("/api/v1/widget/")) return;
    responses.push({ url: response.url(), status: response.status(), headers: response.headers() });
  });
  page.on("requestfailed", (request) => {
    if (request.url().includes("/api/v1/widget/")) failed.push(request.url());
  });
  await page.goto(`http://${host}:${pagesPort}/`);
  await page.waitForFunction(() => window.ready === true);
  return { page, responses, failed };
}

describe("@kataven/client in Chromium", () => {
  test("an allowed origin gets a guest session, its config, and a refresh before expiry", async () => {
    const { page } = await openShop("localhost");
    const result = await page.evaluate(
      async ({ publicKey, agentId, baseURL }) => {
        const session = await window.widget.createWidgetSession({ publicKey, agentId, baseURL });
        const first = { ...session.data };
        const config = await session.config();
        const refreshed = await new Promise((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error("no refresh within 15 s")), 15000);
          session.on("refresh", (data) => {
            clearTimeout(timer);
            resolve(data);
          });
          session.on("error", (e) => reject(e));
        });
        const current = session.token;
        session.close();
        return { first, config, refreshed, current };
      },
      { publicKey: setup.key.public_key, agentId: setup.agent.id, baseURL: hub.baseURL },
    );
    assert.equal(result.first.mode, "guest");
    assert.equal(result.first.agent_id, setup.agent.id);
    assert.equal(result.first.token.split(".").length, 3, "a JWT");
    assert.match(result.first.refresh_token, /^rt_live_/);
    assert.equal(result.config.widget_enabled, true);
    assert.equal(result.config.agent.name, "Ada");
    assert.equal(result.config.branding.launcher_label, "Ask Ada");
    assert.deepEqual([...result.config.auth_modes].sort(), ["guest", "user"]);
    // Rotated: a new JWT and a new refresh token for the same visitor session.
    assert.notEqual(result.refreshed.token, result.first.token);
    assert.notEqual(result.refreshed.refresh_token, result.first.refresh_token);
    assert.equal(result.refreshed.session_id, result.first.session_id);
    assert.equal(result.refreshed.visitor_id, result.first.visitor_id);
    assert.equal(result.current, result.refreshed.token);
    assert.ok(Date.parse(result.refreshed.expires_at) > Date.parse(result.first.expires_at));
    await page.close();
  });

  test("a refused origin gets origin_not_allowed and no token", async () => {
    const { page, responses, failed } = await openShop("127.0.0.1");
    const result = await page.evaluate(
      async ({ publicKey, agentId, baseURL }) => {
        try {
          const session = await window.widget.createWidgetSession({ publicKey, agentId, baseURL });
          return { token: session.token };
        } catch (error) {
          return { name: error.name, code: error.code, status: error.status, message: error.message };
        }
      },
      { publicKey: setup.key.public_key, agentId: setup.agent.id, baseURL: hub.baseURL },
    );
    assert.equal(result.token, undefined);
    assert.equal(result.name, "WidgetError");
    assert.equal(result.code, "origin_not_allowed");
    assert.match(result.message, /127\.0\.0\.1.*allowlist/);
    // The preflight was refused without a CORS grant: the guest call failed in the browser and
    // no answer (let alone a token) reached the page.
    assert.ok(failed.some((url) => url.includes("/api/v1/widget/auth/guest")), JSON.stringify(failed));
    for (const response of responses) {
      assert.equal(response.headers["access-control-allow-origin"], undefined, response.url);
    }
    await page.close();
  });

  test("a disabled widget is a clear widget_disabled error, and config says why", async () => {
    const { page } = await openShop("localhost");
    const result = await page.evaluate(
      async ({ publicKey, agentId, baseURL }) => {
        const config = await window.widget.getWidgetConfig({ publicKey, agentId, baseURL });
        try {
          await window.widget.createWidgetSession({ publicKey, agentId, baseURL });
          return { config, error: null };
        } catch (error) {
          return { config, error: { code: error.code, status: error.status, message: error.message } };
        }
      },
      { publicKey: setup.key.public_key, agentId: setup.off.id, baseURL: hub.baseURL },
    );
    assert.equal(result.config.widget_enabled, false);
    assert.equal(result.config.unavailable_reason, "widget_disabled");
    assert.deepEqual(result.error, {
      code: "widget_disabled",
      status: 403,
      message: "The widget is disabled for this agent",
    });
    await page.close();
  });

  test("a user token from the backend is exchanged for a signed-in session", async () => {
    const { user_token } = await setup.admin.widgetAuth.createUserToken(setup.key.secret_key, {
      external_user_id: "user-4821",
      display_name: "Ada Lovelace",
    });
    const { page } = await openShop("localhost");
    const run = (userToken) =>
      page.evaluate(
        async ({ publicKey, agentId, baseURL, userToken }) => {
          try {
            const session = await window.widget.createWidgetSession({ publicKey, agentId, baseURL, userToken });
            session.close();
            return { mode: session.mode, visitorId: session.visitorId };
          } catch (error) {
            return { code: error.code, status: error.status };
          }
        },
        { publicKey: setup.key.public_key, agentId: setup.agent.id, baseURL: hub.baseURL, userToken },
      );
    const first = await run(user_token);
    assert.equal(first.mode, "user");
    assert.ok(first.visitorId);
    const again = await run(user_token);
    assert.equal(again.status, 400, "a user token works once");
    await page.close();
  });
});
