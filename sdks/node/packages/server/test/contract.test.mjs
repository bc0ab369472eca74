// The SDK against the server's OpenAPI document: every operation under /api/v1 has a method
// (matched by HTTP method and path template, not by operation id), and the generated types
// are current. Adding a resource: its methods below, one line each.
import assert from "node:assert/strict";
import { before, test } from "node:test";
import { Kataven } from "@kataven/server";
import { loadDocument, staleTargets } from "../../../scripts/openapi.mjs";

const ID = "x1";
/** "METHOD /path/template" → a call of the SDK method that serves it. */
const METHODS = {
  "GET /api/v1/agents": (c) => c.agents.list(),
  "POST /api/v1/agents": (c) => c.agents.create({ name: "a" }),
  "GET /api/v1/agents/{agent_id}": (c) => c.agents.get(ID),
  "PATCH /api/v1/agents/{agent_id}": (c) => c.agents.update(ID, {}),
  "DELETE /api/v1/agents/{agent_id}": (c) => c.agents.delete(ID),
  "GET /api/v1/agents/{agent_id}/tools": (c) => c.agents.listTools(ID),
  "POST /api/v1/agents/{agent_id}/tools": (c) => c.agents.upsertTool(ID, { tool_name: "t" }),
  "PUT /api/v1/agents/{agent_id}/tools": (c) => c.agents.putTool(ID, { tool_name: "t" }),
  "POST /api/v1/agents/{agent_id}/playbooks": (c) => c.agents.attachPlaybook(ID, ID),
  "DELETE /api/v1/agents/{agent_id}/playbooks/{playbook_id}": (c) => c.agents.detachPlaybook(ID, ID),
  "POST /api/v1/agents/{agent_id}/faqs": (c) => c.agents.attachFaq(ID, ID),
  "DELETE /api/v1/agents/{agent_id}/faqs/{faq_id}": (c) => c.agents.detachFaq(ID, ID),
  "GET /api/v1/agents/{agent_id}/widget-settings": (c) => c.widgetSettings.getAgent(ID),
  "PATCH /api/v1/agents/{agent_id}/widget-settings": (c) => c.widgetSettings.updateAgent(ID, {}),
  "GET /api/v1/tools": (c) => c.tools.list(),
  "POST /api/v1/tools": (c) => c.tools.create({ name: "t", category: "c" }),
  "GET /api/v1/tools/{tool_id}": (c) => c.tools.get(ID),
  "PUT /api/v1/tools/{tool_id}": (c) => c.tools.update(ID, {}),
  "DELETE /api/v1/tools/{tool_id}": (c) => c.tools.delete(ID),
  "GET /api/v1/playbooks": (c) => c.playbooks.list(),
  "POST /api/v1/playbooks": (c) => c.playbooks.create({ display_name: "p" }),
  "GET /api/v1/playbooks/{playbook_id}": (c) => c.playbooks.get(ID),
  "PUT /api/v1/playbooks/{playbook_id}": (c) => c.playbooks.update(ID, {}),
  "DELETE /api/v1/playbooks/{playbook_id}": (c) => c.playbooks.delete(ID),
  "GET /api/v1/faqs": (c) => c.faqs.list(),
  "POST /api/v1/faqs": (c) => c.faqs.create({ title: "f" }),
  "GET /api/v1/faqs/{faq_id}": (c) => c.faqs.get(ID),
  "PUT /api/v1/faqs/{faq_id}": (c) => c.faqs.update(ID, {}),
  "DELETE /api/v1/faqs/{faq_id}": (c) => c.faqs.delete(ID),
  "GET /api/v1/marketplace/templates": (c) => c.marketplace.list(),
  "GET /api/v1/marketplace/templates/{template_id}": (c) => c.marketplace.get(ID),
  "POST /api/v1/marketplace/templates/{template_id}/install": (c) => c.marketplace.install(ID),
  "GET /api/v1/integrations": (c) => c.integrations.list(),
  "GET /api/v1/integrations/{integration_id}": (c) => c.integrations.get(ID),
  "POST /api/v1/integrations/{integration_id}/install": (c) =>
    c.integrations.install(ID, { credentials: {} }),
  "POST /api/v1/integrations/{integration_id}/uninstall": (c) => c.integrations.uninstall(ID),
  "GET /api/v1/native-tools": (c) => c.integrations.nativeTools(),
  "GET /api/v1/mcp-connections": (c) => c.integrations.mcpConnections(),
  "GET /api/v1/telephony/providers": (c) => c.telephony.listProviders(),
  "POST /api/v1/telephony/providers": (c) => c.telephony.createProvider({ provider: "sandbox" }),
  "DELETE /api/v1/telephony/providers/{provider_id}": (c) => c.telephony.deleteProvider(ID),
  "GET /api/v1/telephony/numbers": (c) => c.telephony.listNumbers(),
  "POST /api/v1/telephony/numbers": (c) =>
    c.telephony.createNumber({ e164: "+12025550123", provider: "sandbox", credentials_id: ID }),
  "PATCH /api/v1/telephony/numbers/{number_id}": (c) => c.telephony.updateNumber(ID, {}),
  "DELETE /api/v1/telephony/numbers/{number_id}": (c) => c.telephony.deleteNumber(ID),
  "POST /api/v1/calls/originate": (c) =>
    c.calls.originate({ from_number: "+12025550123", to_number: "+14155550100", agent_id: ID }),
  "GET /api/v1/calls": (c) => c.calls.list(),
  "GET /api/v1/calls/{session_id}": (c) => c.calls.get(ID),
  "POST /api/v1/calls/{session_id}/hangup": (c) => c.calls.hangup(ID),
  "GET /api/v1/sessions/{session_id}/recording": (c) => c.recordings.get(ID),
  "GET /api/v1/call-limits": (c) => c.callLimits.get(),
  "GET /api/v1/api-keys": (c) => c.apiKeys.list(),
  "GET /api/v1/campaigns": (c) => c.campaigns.list({ status: "draft" }),
  "POST /api/v1/campaigns/preflight": (c) =>
    c.campaigns.preflight({
      name: "c",
      agent_id: ID,
      phone_number_id: ID,
      contacts: Buffer.from("phone_number\n"),
    }),
  "PATCH /api/v1/campaigns/{campaign_id}": (c) => c.campaigns.update(ID, { name: "c" }),
  "POST /api/v1/campaigns/{campaign_id}/contacts": (c) =>
    c.campaigns.addContacts(ID, Buffer.from("phone_number\n")),
  "GET /api/v1/campaigns/{campaign_id}/contacts.csv": (c) => c.campaigns.export(ID),
  "POST /api/v1/campaigns": (c) =>
    c.campaigns.create({
      name: "c",
      agent_id: ID,
      phone_number_id: ID,
      contacts: Buffer.from("phone_number\n"),
    }),
  "GET /api/v1/campaigns/{campaign_id}": (c) => c.campaigns.get(ID),
  "DELETE /api/v1/campaigns/{campaign_id}": (c) => c.campaigns.delete(ID),
  "GET /api/v1/campaigns/{campaign_id}/contacts": (c) => c.campaigns.listContacts(ID),
  "GET /api/v1/campaigns/{campaign_id}/events": async (c) => {
    for await (const _ of c.campaigns.streamEvents(ID));
  },
  "POST /api/v1/campaigns/{campaign_id}/start": (c) => c.campaigns.start(ID),
  "POST /api/v1/campaigns/{campaign_id}/pause": (c) => c.campaigns.pause(ID),
  "POST /api/v1/campaigns/{campaign_id}/resume": (c) => c.campaigns.resume(ID),
  "POST /api/v1/campaigns/{campaign_id}/stop": (c) => c.campaigns.stop(ID),
  "GET /api/v1/dnc": (c) => c.dnc.list(),
  "POST /api/v1/dnc": (c) => c.dnc.add({ phone_number: "+14155550100" }),
  "DELETE /api/v1/dnc/{phone_number}": (c) => c.dnc.delete("+14155550100"),
  "POST /api/v1/dnc/import": (c) => c.dnc.importCsv(Buffer.from("phone_number\n")),
  "GET /api/v1/webhook-endpoints": (c) => c.webhookEndpoints.list(),
  "POST /api/v1/webhook-endpoints": (c) =>
    c.webhookEndpoints.create({ url: "https://example.com/hooks", events: ["*"] }),
  "GET /api/v1/webhook-endpoints/{endpoint_id}": (c) => c.webhookEndpoints.get(ID),
  "PATCH /api/v1/webhook-endpoints/{endpoint_id}": (c) => c.webhookEndpoints.update(ID, {}),
  "DELETE /api/v1/webhook-endpoints/{endpoint_id}": (c) => c.webhookEndpoints.delete(ID),
  "POST /api/v1/webhook-endpoints/{endpoint_id}/rotate-secret": (c) =>
    c.webhookEndpoints.rotateSecret(ID),
  "POST /api/v1/webhook-endpoints/{endpoint_id}/test": (c) => c.webhookEndpoints.test(ID),
  "GET /api/v1/webhook-endpoints/{endpoint_id}/deliveries": (c) =>
    c.webhookEndpoints.listDeliveries(ID),
  "POST /api/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/retry": (c) =>
    c.webhookEndpoints.retryDelivery(ID, ID),
  "GET /api/v1/audit-events": (c) => c.auditEvents.list(),
  "GET /api/v1/usage": (c) => c.usage.get(),
  "GET /api/v1/widget-keys": (c) => c.widgetKeys.list(),
  "POST /api/v1/widget-keys": (c) => c.widgetKeys.create({ name: "k" }),
  "GET /api/v1/widget-keys/{key_id}": (c) => c.widgetKeys.get(ID),
  "PATCH /api/v1/widget-keys/{key_id}": (c) => c.widgetKeys.update(ID, {}),
  "DELETE /api/v1/widget-keys/{key_id}": (c) => c.widgetKeys.delete(ID),
  "GET /api/v1/widget-settings": (c) => c.widgetSettings.get(),
  "PATCH /api/v1/widget-settings": (c) => c.widgetSettings.update({}),
  "POST /api/v1/widget/auth/user-token": (c) =>
    c.widgetAuth.createUserToken("sk_live_x_y", { external_user_id: "u" }),
};

/** Operations the SDK leaves out on purpose, with the reason. */
const ELSEWHERE = {
  "POST /api/v1/api-keys": "Hub dashboard only (spec 12): needs an admin session",
  "PATCH /api/v1/api-keys/{key_id}": "Hub dashboard only (spec 12): needs an admin session",
  "DELETE /api/v1/api-keys/{key_id}": "Hub dashboard only (spec 12): needs an admin session",
  "PATCH /api/v1/call-limits": "Hub admins only: an API key is refused (403)",
  "GET /api/v1/widget/config": "visitor browsers: @kataven/client",
  "POST /api/v1/widget/auth/guest": "visitor browsers: @kataven/client",
  "POST /api/v1/widget/auth/exchange": "visitor browsers: @kataven/client",
  "POST /api/v1/widget/auth/refresh": "visitor browsers: @kataven/client",
};

let document;
before(async () => {
  document = await loadDocument();
});

function operations() {
  const out = [];
  for (const [path, item] of Object.entries(document.paths)) {
    if (!path.startsWith("/api/v1/")) continue;
    for (const method of ["get", "post", "put", "patch", "delete"]) {
      if (item[method]) out.push(`${method.toUpperCase()} ${path}`);
    }
  }
  return out;
}

function recordingClient(seen) {
  return new Kataven({
    apiKey: "sk_live_contract_test",
    baseURL: "http://127.0.0.1:9",
    maxRetries: 0,
    fetch: async (url, init = {}) => {
      seen.push({ method: init.method ?? "GET", url: new URL(url), body: init.body });
      if (String(url).endsWith("/events")) {
        const body = "id: 1\nevent: end\ndata: {}\n\n";
        return new Response(body, { headers: { "content-type": "text/event-stream" } });
      }
      return new Response('{"url": "http://127.0.0.1:9/file"}', {
        headers: { "content-type": "application/json" },
      });
    },
  });
}

test("every operation under /api/v1 has an SDK method (or a stated reason)", () => {
  const missing = operations().filter((op) => !(op in METHODS) && !(op in ELSEWHERE));
  assert.deepEqual(missing, [], "operations without an SDK method: add them to a resource");
  const known = new Set(operations());
  const gone = [...Object.keys(METHODS), ...Object.keys(ELSEWHERE)].filter((op) => !known.has(op));
  assert.deepEqual(gone, [], "mapped operations the server no longer has");
});

test("each method sends its operation's HTTP method and path", async () => {
  for (const [operation, call] of Object.entries(METHODS)) {
    const seen = [];
    await call(recordingClient(seen));
    const [method, template] = operation.split(" ");
    const pattern = new RegExp(`^${template.replace(/\{\w+\}/g, "[^/]+")}$`);
    const first = seen[0];
    assert.ok(first, `${operation}: no request`);
    assert.equal(first.method, method, operation);
    assert.match(first.url.pathname, pattern, operation);
  }
});

/** The top-level fields an operation's request body declares (JSON or multipart). */
function bodyFields(operation) {
  const content = operation.requestBody?.content ?? {};
  let schema = (content["application/json"] ?? content["multipart/form-data"])?.schema;
  const ref = schema?.$ref?.match(/^#\/components\/schemas\/(.+)$/)?.[1];
  if (ref) schema = document.components.schemas[ref];
  return new Set(Object.keys(schema?.properties ?? {}));
}

function sentFields(body) {
  if (body instanceof FormData) return [...new Set(body.keys())];
  if (typeof body === "string") return Object.keys(JSON.parse(body));
  return [];
}

// The server answers 400 to a query parameter or body field it does not declare.
test("each method sends only the query parameters and body fields its operation declares", async () => {
  for (const [operation, call] of Object.entries(METHODS)) {
    const seen = [];
    await call(recordingClient(seen));
    const [method, template] = operation.split(" ");
    const spec = document.paths[template][method.toLowerCase()];
    const declared = new Set(
      (spec.parameters ?? []).filter((p) => p.in === "query").map((p) => p.name),
    );
    for (const name of seen[0].url.searchParams.keys()) {
      assert.ok(declared.has(name), `${operation}: query parameter ${name} is not declared`);
    }
    const fields = bodyFields(spec);
    for (const name of sentFields(seen[0].body)) {
      assert.ok(fields.has(name), `${operation}: body field ${name} is not declared`);
    }
  }
});

test("the generated types match the OpenAPI document", async () => {
  assert.deepEqual(await staleTargets(document), [], "run 'npm run generate' in sdks/node");
});
