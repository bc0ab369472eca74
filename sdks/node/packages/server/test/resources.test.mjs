// Every resource of @kataven/server against a real `kataven-hub api` (embedded default).
import assert from "node:assert/strict";
import { createHmac } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { createServer as createHttpServer } from "node:http";
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

/** A local webhook receiver: every POST is kept ({ headers, body }) and answered 200. */
async function startReceiver() {
  const received = [];
  const server = createHttpServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString("utf8") });
      res.writeHead(200, { "content-type": "text/plain" }).end("ok");
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  const url = `http://127.0.0.1:${server.address().port}/hooks`;
  return { url, received, close: () => new Promise((ok) => server.close(ok)) };
}

/** Standard Webhooks: which of the `v1,…` signatures of a delivery `secret` produced. */
function signedWith(secret, delivery) {
  const id = delivery.headers["webhook-id"];
  const timestamp = delivery.headers["webhook-timestamp"];
  const key = Buffer.from(secret.replace(/^whsec_/, ""), "base64");
  const expected =
    "v1," + createHmac("sha256", key).update(`${id}.${timestamp}.${delivery.body}`).digest("base64");
  return delivery.headers["webhook-signature"].split(" ").includes(expected);
}

describe("webhook endpoints and the audit log", () => {
  let receiver;
  before(async () => {
    receiver = await startReceiver();
  });
  after(async () => {
    await receiver?.close();
  });

  test("create, get, list, update, test (signed), deliveries, retry, rotate, disable, delete", async () => {
    const created = await client.webhookEndpoints.create({
      url: receiver.url,
      events: ["call.completed"],
      description: "node sdk",
    });
    assert.match(created.secret, /^whsec_/);
    assert.deepEqual([created.url, created.disabled], [receiver.url, false]);
    const id = created.id;
    assert.equal((await client.webhookEndpoints.get(id)).description, "node sdk");
    const listed = (await client.webhookEndpoints.list()).webhook_endpoints;
    assert.ok(listed.some((e) => e.id === id));
    assert.ok(listed.every((e) => !("secret" in e)), "the secret is shown once");
    const updated = await client.webhookEndpoints.update(id, { events: ["*"], description: "all" });
    assert.deepEqual([updated.events, updated.description], [["*"], "all"]);

    // A ping, signed with the secret, delivered; then sent again with the same event id.
    const ping = await client.webhookEndpoints.test(id);
    assert.deepEqual([ping.endpoint_id, ping.event_type, ping.status], [id, "ping", "pending"]);
    const first = await until(
      () => receiver.received.find((r) => r.headers["webhook-id"] === ping.event_id),
      "the ping",
    );
    assert.ok(signedWith(created.secret, first), first.headers["webhook-signature"]);
    assert.equal(JSON.parse(first.body).type, "ping");
    const delivered = await until(async () => {
      const page = await client.webhookEndpoints.listDeliveries(id, { status: "delivered" });
      return page.deliveries.find((d) => d.id === ping.id);
    }, "the delivery marked delivered");
    assert.deepEqual([delivered.response_status, delivered.attempts], [200, 1]);
    const retried = await client.webhookEndpoints.retryDelivery(id, ping.id);
    assert.deepEqual([retried.id, retried.event_id, retried.status], [ping.id, ping.event_id, "pending"]);
    await until(
      () => receiver.received.filter((r) => r.headers["webhook-id"] === ping.event_id).length === 2,
      "the retried ping",
    );

    // After a rotation deliveries carry both signatures.
    const rotated = await client.webhookEndpoints.rotateSecret(id);
    assert.match(rotated.secret, /^whsec_/);
    assert.notEqual(rotated.secret, created.secret);
    assert.ok(rotated.previous_secret_expires_at);
    const second = await client.webhookEndpoints.test(id);
    const signed = await until(
      () => receiver.received.find((r) => r.headers["webhook-id"] === second.event_id),
      "the ping after rotation",
    );
    assert.ok(signedWith(rotated.secret, signed), "signed with the new secret");
    assert.ok(signedWith(created.secret, signed), "and with the previous one");
    assert.equal(signedWith("whsec_" + Buffer.alloc(24).toString("base64"), signed), false);

    assert.equal((await client.webhookEndpoints.update(id, { disabled: true })).disabled, true);
    const disabled = await client.webhookEndpoints.test(id).catch((e) => e);
    assert.ok(disabled instanceof ConflictError, String(disabled));
    assert.equal(disabled.code, "webhook_endpoint_disabled");
    await assert.rejects(client.webhookEndpoints.retryDelivery(id, "whd_missing"), APIError);

    // Every write above is in the audit log, under the endpoint's id.
    const audit = await until(async () => {
      const page = await client.auditEvents.list({ resource_type: "webhook-endpoints", resource_id: id });
      return page.audit_events.some((e) => e.method === "PATCH") && page;
    }, "the audit entries");
    assert.ok(audit.audit_events.every((e) => e.resource_id === id));
    assert.ok(audit.audit_events.every((e) => e.actor_type && e.route.startsWith("/api/v1/webhook-endpoints")));
    const later = new Date(Date.now() + 3_600_000).toISOString();
    assert.deepEqual((await client.auditEvents.list({ from: later })).audit_events, []);
    assert.equal((await client.auditEvents.list({ limit: 1 })).audit_events.length, 1);

    await client.webhookEndpoints.delete(id);
    await assert.rejects(client.webhookEndpoints.get(id), NotFoundError);
    await assert.rejects(client.webhookEndpoints.delete(id), NotFoundError);
  });

  test("a bad URL or an undeclared field is a 400, and nothing is stored", async () => {
    const before = (await client.webhookEndpoints.list()).webhook_endpoints.length;
    for (const input of [
      { url: "ftp://example.com/hooks", events: ["*"] },
      { url: receiver.url, events: ["no.such_event"] },
      { url: receiver.url, events: ["*"], colour: "red" },
    ]) {
      const error = await client.webhookEndpoints.create(input).catch((e) => e);
      assert.ok(error instanceof BadRequestError, `${JSON.stringify(input)}: ${error}`);
    }
    assert.equal((await client.webhookEndpoints.list()).webhook_endpoints.length, before);
  });
});

describe("usage, call filters and the do-not-call list", () => {
  test("calls.list filters and usage count a finished sandbox call", async () => {
    const { agent, number } = await sandboxLine();
    const since = new Date(Date.now() - 60_000).toISOString();
    const call = await client.calls.originate({
      from_number: number.e164,
      to_number: "+14155550142",
      agent_id: agent.id,
    });
    await until(async () => TERMINAL.has((await client.calls.get(call.session_id)).status), "the call's end");
    const filters = { agent_id: agent.id, direction: "outbound", status: "completed", from: since };
    const found = (await client.calls.list(filters)).calls;
    assert.deepEqual(found.map((c) => c.session_id), [call.session_id]);
    assert.deepEqual((await client.calls.list({ ...filters, direction: "inbound" })).calls, []);
    const hourEarlier = new Date(Date.parse(since) - 3_600_000).toISOString();
    assert.deepEqual((await client.calls.list({ ...filters, from: hourEarlier, to: since })).calls, []);
    await assert.rejects(client.calls.list({ status: "no-such-status" }), BadRequestError);
    await assert.rejects(client.calls.hangup(call.session_id), ConflictError);
    await assert.rejects(client.calls.hangup("sess_missing"), NotFoundError);

    const usage = await client.usage.get({ granularity: "hour", from: since });
    assert.equal(usage.granularity, "hour");
    const total = usage.rows.reduce((sum, row) => sum + row.outbound_calls, 0);
    assert.ok(total >= 1, JSON.stringify(usage.rows));
    assert.ok((await client.usage.get()).rows.length >= 30, "a row per day, zeros included");
    await assert.rejects(client.usage.get({ from: "yesterday" }), BadRequestError);
  });

  test("dnc: add, list, import (all or nothing), enforced by originate and preflight, delete", async () => {
    const listed = "+14155550177";
    const entry = await client.dnc.add({ phone_number: listed, reason: "asked" });
    assert.deepEqual([entry.phone_number, entry.reason], [listed, "asked"]);
    assert.equal((await client.dnc.add({ phone_number: listed })).phone_number, listed);
    assert.equal((await client.dnc.list({ phone_number: listed })).total, 1);

    const imported = await client.dnc.importCsv(
      Buffer.from("phone_number,reason\n+14155550178,moved\n+14155550178,\n4155550179,\n"),
      { default_region: "US", reason: "imported" },
    );
    assert.deepEqual(
      [imported.rows, imported.added, imported.duplicates_skipped],
      [2, 2, 1],
    );
    const all = await client.dnc.list({ limit: 1000 });
    const byNumber = Object.fromEntries(all.numbers.map((n) => [n.phone_number, n.reason]));
    assert.deepEqual(
      [byNumber["+14155550178"], byNumber["+14155550179"]],
      ["moved", "imported"],
    );
    const path = join(files, "dnc-bad.csv");
    writeFileSync(path, "phone_number\n+14155550180\nnot-a-number\n");
    await assert.rejects(client.dnc.importCsv(path), BadRequestError);
    assert.equal((await client.dnc.list({ phone_number: "+14155550180" })).total, 0, "nothing listed");

    const { agent, number } = await sandboxLine();
    const refused = await client.calls
      .originate({ from_number: number.e164, to_number: listed, agent_id: agent.id })
      .catch((e) => e);
    assert.ok(refused instanceof PermissionDeniedError, String(refused));
    const report = await client.campaigns.preflight({
      name: "dnc check",
      agent_id: agent.id,
      phone_number_id: number.id,
      contacts: Buffer.from(`phone_number\n${listed}\n+14155550181\n`),
    });
    assert.deepEqual([report.accepted, report.do_not_call, report.contacts_total], [true, 1, 2]);

    await client.dnc.delete(listed);
    assert.equal((await client.dnc.list({ phone_number: listed })).total, 0);
    await assert.rejects(client.dnc.delete(listed), NotFoundError);
    for (const n of ["+14155550178", "+14155550179"]) await client.dnc.delete(n);
  });
});

describe("campaign controls", () => {
  const rows = (...numbers) => "phone_number,first_name\n" + numbers.map((n) => `${n},N\n`).join("");

  test("preflight stores nothing and reports bad rows and repeats", async () => {
    const { agent, number } = await sandboxLine();
    const before = (await client.campaigns.list()).campaigns.length;
    const input = {
      name: "checked",
      agent_id: agent.id,
      phone_number_id: number.id,
      retry_on: ["busy", "no_answer"],
      calling_window: { start: "09:00", end: "20:00", days: ["mon", "tue"], timezone: "UTC" },
    };
    const good = await client.campaigns.preflight({
      ...input,
      contacts: Buffer.from(rows("+14155550301", "+14155550302", "+14155550301")),
    });
    assert.deepEqual([good.accepted, good.valid, good.duplicates, good.invalid_total], [true, 2, 1, 0]);
    const bad = await client.campaigns.preflight({
      ...input,
      contacts: Buffer.from(rows("+14155550303", "nope")),
    });
    assert.equal(bad.accepted, false);
    assert.equal(bad.invalid_total, 1);
    assert.ok(bad.error);
    const badField = await client.campaigns
      .preflight({ ...input, retry_on: ["never"], contacts: Buffer.from(rows("+14155550304")) })
      .catch((e) => e);
    assert.ok(badField instanceof BadRequestError, String(badField));
    assert.equal((await client.campaigns.list()).campaigns.length, before);
  });

  test("create with controls, update, add contacts, list by status, export to text and file", async () => {
    const { agent, number } = await sandboxLine();
    const campaign = await client.campaigns.create({
      name: "controlled",
      agent_id: agent.id,
      phone_number_id: number.id,
      retry_on: ["busy", "no_answer"],
      calling_window: { start: "09:00", end: "20:00", timezone: "recipient" },
      default_timezone: "America/New_York",
      contacts: Buffer.from(rows("+14155550401", "+14155550402")),
    });
    assert.deepEqual(campaign.retry_on, ["busy", "no_answer"]);
    assert.equal(campaign.calling_window.start, "09:00");
    assert.equal(campaign.default_timezone, "America/New_York");

    const updated = await client.campaigns.update(campaign.id, {
      name: "controlled 2",
      max_concurrent_calls: 3,
      calling_window: null,
      retry_on: ["failed"],
    });
    assert.deepEqual(
      [updated.name, updated.max_concurrent_calls, updated.calling_window, updated.retry_on],
      ["controlled 2", 3, null, ["failed"]],
    );
    await assert.rejects(client.campaigns.update(campaign.id, { colour: "red" }), BadRequestError);

    const added = await client.campaigns.addContacts(
      campaign.id,
      Buffer.from("phone_number\n4155550403\n+14155550401\n"),
      { default_region: "US" },
    );
    assert.deepEqual([added.added, added.duplicates_skipped, added.campaign.contacts_total], [1, 1, 3]);
    await assert.rejects(
      client.campaigns.addContacts(campaign.id, Buffer.from("phone_number\nnope\n")),
      BadRequestError,
    );
    assert.equal((await client.campaigns.get(campaign.id)).contacts_total, 3);

    const drafts = (await client.campaigns.list({ status: "draft" })).campaigns;
    assert.ok(drafts.some((c) => c.id === campaign.id));
    assert.ok(drafts.every((c) => c.status === "draft"));
    assert.ok(!(await client.campaigns.list({ status: "running" })).campaigns.some((c) => c.id === campaign.id));

    const text = await client.campaigns.export(campaign.id);
    const lines = text.trim().split(/\r?\n/);
    assert.match(lines[0], /^phone_number,first_name,contact_id,status/);
    assert.deepEqual(
      lines.slice(1).map((l) => l.split(",")[0]).sort(),
      ["+14155550401", "+14155550402", "+14155550403"],
    );
    const path = join(files, "export.csv");
    const written = await client.campaigns.export(campaign.id, path);
    assert.equal(written, statSync(path).size);
    assert.equal(readFileSync(path, "utf8"), text);
    await assert.rejects(client.campaigns.export("camp_missing"), NotFoundError);

    await client.campaigns.start(campaign.id);
    const running = await client.campaigns.update(campaign.id, { name: "late" }).catch((e) => e);
    assert.ok(running instanceof ConflictError, String(running));
    await client.campaigns.stop(campaign.id);
  });
});

describe("calls.hangup of a call in flight", () => {
  let longHub;
  before(async () => {
    longHub = await startHub({
      settings: {
        KATAVEN_SANDBOX_RING_SECONDS: "0.1",
        KATAVEN_SANDBOX_TALK_SECONDS: "[120, 120]",
        KATAVEN_SANDBOX_OUTCOME_WEIGHTS: '{"completed": 1.0}', // always answered
      },
    });
  });
  after(async () => {
    await longHub?.stop();
  });

  test("ends the call through the carrier; a second hang-up is a ConflictError", async () => {
    const via = new Kataven({ apiKey: longHub.apiKey, baseURL: longHub.baseURL });
    const { agent, number } = await sandboxLine(via);
    const call = await via.calls.originate({
      from_number: number.e164,
      to_number: "+14155550199",
      agent_id: agent.id,
    });
    await until(async () => (await via.calls.get(call.session_id)).status === "in_progress", "the answer");
    const answer = await via.calls.hangup(call.session_id);
    assert.equal(answer.session_id, call.session_id);
    assert.ok(!TERMINAL.has(answer.status), answer.status);
    const ended = await until(async () => {
      const now = await via.calls.get(call.session_id);
      return TERMINAL.has(now.status) && now;
    }, "the call's end", 20);
    assert.equal(ended.status, "completed");
    await assert.rejects(via.calls.hangup(call.session_id), ConflictError);
  });
});
