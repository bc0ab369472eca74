// Every resource of @kataven/server against a real `kataven-hub api` (embedded default).
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import {
  APIConnectionError,
  AuthenticationError,
  BadRequestError,
  ConflictError,
  CostCapError,
  Kataven,
  KatavenError,
  NotFoundError,
  PermissionDeniedError,
  RateLimitError,
  APIError,
} from "@kataven/server";
import { startHub } from "../../../test/hub.mjs";
import { startProxy } from "../../../test/proxy.mjs";

const SETTINGS = {
  KATAVEN_SANDBOX_RING_SECONDS: "0.1",
  KATAVEN_SANDBOX_TALK_SECONDS: "[0.2, 0.5]",
  KATAVEN_SANDBOX_OUTCOME_WEIGHTS: '{"completed": 1.0}',
  // The stream asks clients to reconnect often, so the suite exercises Last-Event-ID resumes.
  KATAVEN_CAMPAIGN_SSE_MAX_SECONDS: "1.5",
  KATAVEN_CAMPAIGN_SSE_SNAPSHOT_SECONDS: "0.5",
};
const TERMINAL = new Set(["completed", "busy", "no_answer", "failed", "canceled"]);

let hub;
let client;
let files;

before(async () => {
  hub = await startHub({
    settings: SETTINGS,
    accounts: { acme: {}, tiny: { "requests-per-minute": 2 }, capped: { "daily-calls-max": 0 } },
  });
  client = new Kataven({ apiKey: hub.apiKey, baseURL: hub.baseURL });
  files = mkdtempSync(join(tmpdir(), "kataven-node-files-"));
});

after(async () => {
  await hub?.stop();
});

const unique = (prefix) => `${prefix}_${Math.random().toString(36).slice(2, 8)}`;

async function until(check, what, seconds = 30) {
  const deadline = Date.now() + seconds * 1000;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function activeAgent(name = unique("agent")) {
  return client.agents.create({ name, status: "active", auth_mode: "public" });
}

async function sandboxLine(via = client) {
  const provider = await via.telephony.createProvider({ provider: "sandbox", label: "Sandbox" });
  const agent = await via.agents.create({ name: unique("line"), status: "active" });
  const e164 = `+1202555${String(Math.floor(Math.random() * 9000) + 1000)}`;
  const number = await via.telephony.createNumber({
    e164,
    provider: "sandbox",
    credentials_id: provider.id,
    agent_id: agent.id,
  });
  return { provider, agent, number };
}

describe("client construction", () => {
  test("reads KATAVEN_API_KEY and KATAVEN_BASE_URL", async () => {
    const saved = { ...process.env };
    try {
      process.env.KATAVEN_API_KEY = hub.apiKey;
      process.env.KATAVEN_BASE_URL = `${hub.baseURL}/`;
      const fromEnv = new Kataven();
      assert.equal(fromEnv.baseURL, hub.baseURL);
      assert.ok(Array.isArray(await fromEnv.agents.list()));
      delete process.env.KATAVEN_BASE_URL;
      assert.equal(new Kataven().baseURL, "http://localhost:8081");
      delete process.env.KATAVEN_API_KEY;
      assert.throws(() => new Kataven(), KatavenError);
    } finally {
      process.env = saved;
    }
  });
});

describe("agents", () => {
  test("create, get, list, update, delete", async () => {
    const name = unique("Ada");
    const agent = await client.agents.create({ name, greeting_message: "Hello" });
    assert.match(agent.id, /^agent_/);
    assert.equal((await client.agents.get(agent.id)).name, name);
    assert.ok((await client.agents.list()).some((a) => a.id === agent.id));
    const updated = await client.agents.update(agent.id, { description: "front desk" });
    assert.equal(updated.description, "front desk");
    assert.equal(await client.agents.delete(agent.id), undefined);
    await assert.rejects(client.agents.get(agent.id), NotFoundError);
  });

  test("tools, playbooks and FAQs attached and detached", async () => {
    const agent = await activeAgent();
    const tool = await client.tools.create({ name: unique("lookup_order"), category: "ecommerce" });
    const upserted = await client.agents.upsertTool(agent.id, {
      tool_name: tool.name,
      config: { region: "eu" },
      enabled: true,
    });
    assert.equal(upserted.tool_name, tool.name);
    const put = await client.agents.putTool(agent.id, { tool_name: tool.name, enabled: false });
    assert.equal(put.enabled, false);
    const tools = await client.agents.listTools(agent.id);
    assert.equal(tools.length, 1);
    assert.equal(tools[0].tool_name, tool.name);

    const playbook = await client.playbooks.create({ display_name: unique("Returns") });
    const faq = await client.faqs.create({ title: unique("Opening hours") });
    let read = await client.agents.attachPlaybook(agent.id, playbook.id);
    read = await client.agents.attachFaq(agent.id, faq.id);
    assert.deepEqual(
      read.playbooks.map((p) => p.id),
      [playbook.id],
    );
    assert.deepEqual(
      read.faqs.map((f) => f.id),
      [faq.id],
    );
    await client.agents.detachPlaybook(agent.id, playbook.id);
    await client.agents.detachFaq(agent.id, faq.id);
    const bare = await client.agents.get(agent.id);
    assert.equal(bare.playbooks.length, 0);
    assert.equal(bare.faqs.length, 0);
  });
});

describe("tools, playbooks, faqs", () => {
  test("tools: list with filters, get by name, update, delete", async () => {
    const name = unique("check_stock");
    const created = await client.tools.create({ name, category: "inventory", tags: ["stock"] });
    const page = await client.tools.list({ category: "inventory", limit: 5 });
    assert.ok(page.tools.some((t) => t.id === created.id));
    assert.equal(page.limit, 5);
    assert.equal((await client.tools.get(name)).id, created.id);
    const updated = await client.tools.update(name, { description: "How many are left" });
    assert.equal(updated.description, "How many are left");
    await client.tools.delete(created.id);
    await assert.rejects(client.tools.get(created.id), NotFoundError);
  });

  test("playbooks: create, list, get, update, delete", async () => {
    const created = await client.playbooks.create({ display_name: unique("Refunds"), tags: ["x"] });
    const page = await client.playbooks.list({ limit: 100 });
    assert.ok(page.playbooks.some((p) => p.id === created.id));
    assert.equal((await client.playbooks.get(created.id)).id, created.id);
    const updated = await client.playbooks.update(created.id, { description: "Refund rules" });
    assert.equal(updated.description, "Refund rules");
    await client.playbooks.delete(created.id);
    await assert.rejects(client.playbooks.get(created.id), NotFoundError);
  });

  test("faqs: create, list, get, update, delete", async () => {
    const created = await client.faqs.create({ title: unique("Shipping"), category: "orders" });
    const listed = await client.faqs.list({ category: "orders" });
    assert.ok(listed.faqs.some((f) => f.id === created.id));
    assert.equal((await client.faqs.get(created.id)).title, created.title);
    const updated = await client.faqs.update(created.id, { summary: "Two days" });
    assert.equal(updated.summary, "Two days");
    await client.faqs.delete(created.id);
    await assert.rejects(client.faqs.get(created.id), NotFoundError);
  });
});

describe("marketplace and integrations", () => {
  test("templates: list, get, install", async () => {
    const { templates } = await client.marketplace.list();
    assert.ok(templates.length > 0);
    const template = await client.marketplace.get(templates[0].id);
    assert.equal(template.id, templates[0].id);
    const installed = await client.marketplace.install(template.id, { name: unique("From template") });
    assert.ok(JSON.stringify(installed).includes("agent"));
  });

  test("integrations: list, get, install, uninstall, native tools, MCP connections", async () => {
    const { integrations } = await client.integrations.list();
    assert.ok(integrations.some((i) => i.id === "intg_slack"));
    const integration = await client.integrations.get("intg_slack");
    assert.deepEqual(integration.credential_keys, ["bot_token"]);
    const secret = "xoxb-1234-5678-abcdefgh";
    const installed = await client.integrations.install(integration.id, {
      credentials: { bot_token: secret },
    });
    assert.ok(!JSON.stringify(installed).includes(secret), "credentials are never returned");
    await client.integrations.uninstall(integration.id);
    assert.ok(Array.isArray((await client.integrations.nativeTools()).native_tools));
    assert.ok((await client.integrations.mcpConnections()) !== undefined);
  });
});

describe("telephony, calls, recordings, call limits, API keys", () => {
  test("providers and numbers", async () => {
    const { provider, agent, number } = await sandboxLine();
    assert.ok((await client.telephony.listProviders()).providers.some((p) => p.id === provider.id));
    assert.ok((await client.telephony.listNumbers()).numbers.some((n) => n.id === number.id));
    await client.telephony.updateNumber(number.id, { agent_id: null });
    const unpinned = (await client.telephony.listNumbers()).numbers.find((n) => n.id === number.id);
    assert.equal(unpinned.agent_id, null);
    await client.telephony.updateNumber(number.id, { agent_id: agent.id });
    await assert.rejects(client.telephony.deleteProvider(provider.id), ConflictError);
    await client.telephony.deleteNumber(number.id);
    await client.telephony.deleteProvider(provider.id);
    assert.ok(!(await client.telephony.listProviders()).providers.some((p) => p.id === provider.id));
  });

  test("a sandbox call: originate, get, list, then its recording", async () => {
    const { agent, number } = await sandboxLine();
    const call = await client.calls.originate({
      from_number: number.e164,
      to_number: "+14155550100",
      agent_id: agent.id,
    });
    const done = await until(async () => {
      const row = await client.calls.get(call.session_id);
      return TERMINAL.has(row.status) && row.recording_status === "ready" ? row : null;
    }, "the call to end with a recording");
    assert.equal(done.status, "completed");
    const listed = await client.calls.list({ limit: 10, direction: "outbound" });
    assert.ok(listed.calls.some((c) => c.session_id === call.session_id));
    const recording = await client.recordings.get(call.session_id);
    assert.match(recording.content_type, /audio/);
    const path = join(files, "call.wav");
    const bytes = await client.recordings.download(call.session_id, path);
    assert.ok(bytes > 44);
    assert.equal(statSync(path).size, bytes);
    assert.equal(readFileSync(path).subarray(0, 4).toString(), "RIFF");
  });

  test("call limits and API keys are readable", async () => {
    const limits = await client.callLimits.get();
    assert.equal(typeof limits.concurrent_max, "number");
    const keys = await client.apiKeys.list();
    assert.ok(keys.some((k) => k.name === "node-sdk"));
  });
});

describe("widget keys, settings and user tokens", () => {
  test("keys: create (pair, once), get, list, update, delete", async () => {
    const agent = await activeAgent();
    const created = await client.widgetKeys.create({
      name: "shop",
      domain_allowlist: ["https://shop.test"],
      agent_id: agent.id,
    });
    assert.match(created.public_key, /^pk_live_/);
    assert.match(created.secret_key, /^sk_live_/);
    assert.equal((await client.widgetKeys.get(created.id)).name, "shop");
    assert.ok((await client.widgetKeys.list()).some((k) => k.id === created.id));
    const updated = await client.widgetKeys.update(created.id, {
      domain_allowlist: ["*.shop.test"],
      agent_id: null,
    });
    assert.deepEqual(updated.domain_allowlist, ["*.shop.test"]);
    assert.equal(updated.agent_id, null);
    const token = await client.widgetAuth.createUserToken(created.secret_key, {
      external_user_id: "user-1",
      display_name: "Ada",
    });
    assert.ok(token.user_token.length > 20);
    assert.equal(token.expires_in, 300);
    await assert.rejects(
      client.widgetAuth.createUserToken("sk_live_acme_wrong", { external_user_id: "u" }),
      AuthenticationError,
    );
    // A key that was used is soft-disabled on delete; an unused one is removed.
    await client.widgetKeys.delete(created.id);
    assert.equal((await client.widgetKeys.get(created.id)).disabled, true);
    const unused = await client.widgetKeys.create({ name: "unused" });
    await client.widgetKeys.delete(unused.id);
    await assert.rejects(client.widgetKeys.get(unused.id), NotFoundError);
  });

  test("branding and per-agent policy", async () => {
    const branding = await client.widgetSettings.update({
      primary_color: "#0f766e",
      launcher_position: "bl",
    });
    assert.ok(branding !== undefined);
    const read = await client.widgetSettings.get();
    assert.equal(read.primary_color, "#0f766e");
    assert.equal(read.launcher_position, "bl");
    const agent = await activeAgent();
    const policy = await client.widgetSettings.updateAgent(agent.id, {
      widget_enabled: true,
      auth_mode: "both",
    });
    assert.equal(policy.widget_enabled, true);
    assert.equal((await client.widgetSettings.getAgent(agent.id)).auth_mode, "both");
    await assert.rejects(client.widgetSettings.update({ launcher_position: "middle" }), BadRequestError);
  });
});

describe("campaigns", () => {
  const csv = (n, start = 100) =>
    "phone_number,first_name\n" +
    Array.from({ length: n }, (_, i) => `+1415555${String(start + i).padStart(4, "0")},N${i}\n`).join("");

  test("create from a path, a Buffer and a Blob; contacts; pause, resume, stop, delete", async () => {
    const { agent, number } = await sandboxLine();
    const path = join(files, "leads.csv");
    writeFileSync(path, csv(3));
    const base = { agent_id: agent.id, phone_number_id: number.id };
    const fromPath = await client.campaigns.create({ ...base, name: "from path", contacts: path });
    const fromBuffer = await client.campaigns.create({
      ...base,
      name: "from buffer",
      contacts: Buffer.from(csv(4)),
      max_concurrent_calls: 1,
    });
    const fromBlob = await client.campaigns.create({
      ...base,
      name: "from blob",
      contacts: new Blob([csv(2)], { type: "text/csv" }),
    });
    assert.deepEqual(
      [fromPath.contacts_total, fromBuffer.contacts_total, fromBlob.contacts_total],
      [3, 4, 2],
    );
    assert.equal(fromBuffer.max_concurrent_calls, 1);
    const contacts = await client.campaigns.listContacts(fromPath.id, { limit: 2 });
    assert.equal(contacts.total, 3);
    assert.equal(contacts.contacts.length, 2);
    assert.ok((await client.campaigns.list()).campaigns.some((c) => c.id === fromBlob.id));
    assert.equal((await client.campaigns.get(fromBlob.id)).status, "draft");

    assert.equal((await client.campaigns.start(fromBuffer.id)).status, "running");
    assert.equal((await client.campaigns.pause(fromBuffer.id)).status, "paused");
    assert.equal((await client.campaigns.resume(fromBuffer.id)).status, "running");
    await assert.rejects(client.campaigns.delete(fromBuffer.id), ConflictError);
    const stopped = await client.campaigns.stop(fromBuffer.id);
    assert.equal(stopped.status, "completed");
    assert.ok(stopped.stopped_at);
    for (const id of [fromPath.id, fromBuffer.id, fromBlob.id]) await client.campaigns.delete(id);
    await assert.rejects(client.campaigns.get(fromPath.id), NotFoundError);
  });

  test("a bad CSV is a 400 naming the rows, and stores nothing", async () => {
    const { agent, number } = await sandboxLine();
    const before = (await client.campaigns.list()).campaigns.length;
    const error = await client.campaigns
      .create({
        name: "bad",
        agent_id: agent.id,
        phone_number_id: number.id,
        contacts: Buffer.from("phone_number\nnot-a-number\n"),
      })
      .catch((e) => e);
    assert.ok(error instanceof BadRequestError, String(error));
    assert.equal(error.status, 400);
    assert.equal((await client.campaigns.list()).campaigns.length, before);
  });

  test("a sandbox campaign followed to the end with streamEvents, across dropped connections", async () => {
    const { agent, number } = await sandboxLine();
    const campaign = await client.campaigns.create({
      name: "followed",
      agent_id: agent.id,
      phone_number_id: number.id,
      contacts: Buffer.from(csv(6, 200)),
      max_concurrent_calls: 2,
    });
    // The proxy cuts the first two event streams after a few events: the iterator must resume
    // with Last-Event-ID and see every numbered event exactly once.
    let streams = 0;
    const proxy = await startProxy(hub.baseURL, (req) =>
      req.url.endsWith("/events") && ++streams <= 2 ? { cutAfterEvents: 3 } : "pass",
    );
    try {
      const viaProxy = new Kataven({ apiKey: hub.apiKey, baseURL: proxy.url });
      await viaProxy.campaigns.start(campaign.id);
      const events = [];
      for await (const event of viaProxy.campaigns.streamEvents(campaign.id)) events.push(event);
      const last = events.at(-1);
      assert.equal(last.event, "end");
      const numbered = events.filter((e) => e.id !== null).map((e) => Number(e.id));
      assert.deepEqual(numbered, [...new Set(numbered)].sort((a, b) => a - b), "each once, in order");
      const contactEvents = events.filter((e) => e.event === "contact");
      const finished = new Set(
        contactEvents.filter((e) => e.data.status === "completed").map((e) => e.data.contact_id ?? e.data.id),
      );
      assert.equal(finished.size, 6, JSON.stringify(contactEvents.slice(-3)));
      assert.ok(events.some((e) => e.event === "status" && e.data.status === "running"));
      const resumed = proxy.seen.filter((r) => r.url.endsWith("/events") && r.headers["last-event-id"]);
      assert.ok(resumed.length >= 2, "reconnected with Last-Event-ID");
      assert.equal((await client.campaigns.get(campaign.id)).status, "completed");

      // Resuming from an id replays only what came after it, then ends.
      const middle = String(numbered[Math.floor(numbered.length / 2)]);
      const replay = [];
      for await (const event of client.campaigns.streamEvents(campaign.id, { lastEventId: middle })) {
        replay.push(event);
      }
      const replayed = replay.filter((e) => e.id !== null).map((e) => Number(e.id));
      assert.deepEqual(replayed, numbered.filter((n) => n > Number(middle)));
      assert.equal(replay.at(-1).event, "end");
    } finally {
      await proxy.close();
    }
  });

  test("streamEvents of an unknown campaign throws NotFoundError", async () => {
    const iterator = client.campaigns.streamEvents("camp_missing");
    await assert.rejects(iterator.next(), NotFoundError);
  });
});

describe("retries and idempotency", () => {
  test("a lost response is retried with the same Idempotency-Key and creates exactly one row", async () => {
    let posts = 0;
    const proxy = await startProxy(hub.baseURL, (req) =>
      req.method === "POST" && req.url === "/api/v1/agents" && ++posts === 1 ? "lose-response" : "pass",
    );
    try {
      const viaProxy = new Kataven({ apiKey: hub.apiKey, baseURL: proxy.url, maxRetries: 2 });
      const name = unique("Exactly once");
      const agent = await viaProxy.agents.create({ name });
      const attempts = proxy.seen.filter((r) => r.method === "POST");
      assert.equal(attempts.length, 2);
      const [first, second] = attempts;
      assert.ok(first.headers["idempotency-key"]);
      assert.equal(second.headers["idempotency-key"], first.headers["idempotency-key"]);
      assert.equal(first.status, 201, "the server did create it the first time");
      assert.equal(second.replayed, true, "the retry got the stored answer");
      const rows = (await client.agents.list()).filter((a) => a.name === name);
      assert.equal(rows.length, 1);
      assert.equal(rows[0].id, agent.id);
    } finally {
      await proxy.close();
    }
  });

  test("a campaign upload from a file path survives a lost response: one campaign", async () => {
    const { agent, number } = await sandboxLine();
    const path = join(files, "retry.csv");
    writeFileSync(path, "phone_number\n+14155550190\n+14155550191\n");
    let posts = 0;
    const proxy = await startProxy(hub.baseURL, (req) =>
      req.method === "POST" && req.url === "/api/v1/campaigns" && ++posts === 1 ? "lose-response" : "pass",
    );
    try {
      const viaProxy = new Kataven({ apiKey: hub.apiKey, baseURL: proxy.url });
      const name = unique("Upload once");
      const campaign = await viaProxy.campaigns.create({
        name,
        agent_id: agent.id,
        phone_number_id: number.id,
        contacts: path,
      });
      const [first, second] = proxy.seen.filter((r) => r.method === "POST");
      assert.equal(first.status, 201);
      assert.equal(second.headers["idempotency-key"], first.headers["idempotency-key"]);
      assert.equal(second.replayed, true);
      const rows = (await client.campaigns.list()).campaigns.filter((c) => c.name === name);
      assert.deepEqual(
        rows.map((c) => [c.id, c.contacts_total]),
        [[campaign.id, 2]],
      );
    } finally {
      await proxy.close();
    }
  });

  test("without retries the lost response is an APIConnectionError", async () => {
    const proxy = await startProxy(hub.baseURL, (req) => (req.method === "POST" ? "lose-response" : "pass"));
    try {
      const viaProxy = new Kataven({ apiKey: hub.apiKey, baseURL: proxy.url, maxRetries: 0 });
      await assert.rejects(viaProxy.agents.create({ name: unique("lost") }), APIConnectionError);
    } finally {
      await proxy.close();
    }
  });
});

describe("typed errors", () => {
  test("401, 403, 404, 409, 400 carry status, message, code and requestId", async () => {
    const anonymous = new Kataven({ apiKey: "sk_live_acme_nope", baseURL: hub.baseURL });
    const unauthorized = await anonymous.agents.list().catch((e) => e);
    assert.ok(unauthorized instanceof AuthenticationError);
    assert.ok(unauthorized instanceof APIError);
    assert.equal(unauthorized.status, 401);
    assert.equal(unauthorized.code, "unauthorized");
    assert.ok(unauthorized.requestId);

    // Changing call limits is for Hub admins; an API key is refused.
    const forbidden = await client
      .request("PATCH", "/api/v1/call-limits", { body: { concurrent_max: 1 } })
      .catch((e) => e);
    assert.ok(forbidden instanceof PermissionDeniedError, String(forbidden));
    assert.equal(forbidden.status, 403);

    const missing = await client.agents.get("agent_missing").catch((e) => e);
    assert.ok(missing instanceof NotFoundError);
    assert.equal(missing.code, "not_found");
    assert.ok(missing.message.length > 0);

    const { provider } = await sandboxLine();
    const inUse = await client.telephony.deleteProvider(provider.id).catch((e) => e);
    assert.ok(inUse instanceof ConflictError, String(inUse));
    assert.equal(inUse.code, "provider_in_use");

    const invalid = await client.agents.create({ name: "" }).catch((e) => e);
    assert.ok(invalid instanceof BadRequestError);
    assert.equal(invalid.code, "invalid_request");
  });

  test("a cost cap is a CostCapError (a RateLimitError) with retryAfter", async () => {
    // The account `capped` allows no calls a day.
    const capped = new Kataven({ apiKey: hub.apiKeys.capped, baseURL: hub.baseURL, retry: true });
    const { agent, number } = await sandboxLine(capped);
    const error = await capped.calls
      .originate({ from_number: number.e164, to_number: "+14155550111", agent_id: agent.id })
      .catch((e) => e);
    assert.ok(error instanceof CostCapError, String(error));
    assert.ok(error instanceof RateLimitError);
    assert.equal(error.status, 429);
    assert.equal(error.code, "call_limit_reached");
    assert.ok(error.retryAfter > 60, "until the day turns over: not slept through even with retry");
    assert.equal((await capped.calls.list()).calls.length, 0);
  });

  test("a request rate limit is a RateLimitError with retryAfter", async () => {
    const tiny = new Kataven({ apiKey: hub.apiKeys.tiny, baseURL: hub.baseURL });
    const error = await until(
      () => tiny.agents.list().then(() => null, (e) => e),
      "the request limit to apply",
    );
    assert.ok(error instanceof RateLimitError, String(error));
    assert.ok(!(error instanceof CostCapError));
    assert.equal(error.code, "rate_limited");
    assert.ok(error.retryAfter >= 1 && error.retryAfter <= 60);
  });
});
