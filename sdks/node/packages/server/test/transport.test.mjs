// Transport edge cases against a scripted loopback HTTP server: retries, backoff, 429 with
// `retry: true`, idempotency keys, timeouts and aborts. (The real server is in resources.test.)
import assert from "node:assert/strict";
import { createServer } from "node:http";
import { after, before, test } from "node:test";
import {
  APIConnectionError,
  APITimeoutError,
  APIUserAbortError,
  BadRequestError,
  InternalServerError,
  Kataven,
  RateLimitError,
  ServiceUnavailableError,
} from "@kataven/server";
import { freePort } from "../../../test/hub.mjs";

/** Each request takes the next scripted answer: { status, headers, body, delayMs }. */
let script = [];
let seen = [];
let server;
let baseURL;

before(async () => {
  server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body, at: Date.now() });
      const answer = script.shift() ?? { status: 200, body: { ok: true } };
      const send = () => {
        const type = answer.type ?? "application/json";
        res.writeHead(answer.status, { "content-type": type, ...answer.headers });
        const body = typeof answer.body === "string" ? answer.body : JSON.stringify(answer.body ?? {});
        if (answer.hold) res.write(body); // and then say nothing more
        else res.end(body);
      };
      if (answer.delayMs) setTimeout(send, answer.delayMs);
      else send();
    });
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  baseURL = `http://127.0.0.1:${server.address().port}`;
});

after(() => {
  server.closeAllConnections();
  server.close();
});

function reset(...answers) {
  script = answers;
  seen = [];
}

const problem = (status, code, detail) => ({
  status,
  type: "application/problem+json",
  body: { type: "about:blank", title: code, status, detail, code, request_id: `req_${status}` },
});

test("5xx is retried with backoff; a write keeps one Idempotency-Key across attempts", async () => {
  reset(problem(503, "service_unavailable", "busy"), problem(502, "bad_gateway", "x"), {
    status: 201,
    body: { id: "agent_1" },
  });
  const client = new Kataven({ apiKey: "sk_live_t_k", baseURL, maxRetries: 2 });
  const agent = await client.agents.create({ name: "Ada" });
  assert.deepEqual(agent, { id: "agent_1" });
  assert.equal(seen.length, 3);
  const keys = new Set(seen.map((r) => r.headers["idempotency-key"]));
  assert.equal(keys.size, 1);
  assert.match([...keys][0], /^[0-9a-f-]{36}$/);
  assert.ok(seen[1].at - seen[0].at >= 300, "backed off before retrying");
  assert.equal(seen[0].headers.authorization, "Bearer sk_live_t_k");
  assert.equal(seen[0].headers.accept, "application/json");
  assert.deepEqual(JSON.parse(seen[0].body), { name: "Ada" });
});

test("each call gets its own key; a caller's idempotencyKey is used as given; GET has none", async () => {
  reset({ status: 201 }, { status: 201 }, { status: 200, body: [] });
  const client = new Kataven({ apiKey: "k", baseURL });
  await client.agents.create({ name: "a" });
  await client.agents.create({ name: "a" }, { idempotencyKey: "mine-1" });
  await client.agents.list();
  assert.notEqual(seen[0].headers["idempotency-key"], undefined);
  assert.equal(seen[1].headers["idempotency-key"], "mine-1");
  assert.equal(seen[2].headers["idempotency-key"], undefined);
});

test("retries stop at maxRetries and surface the typed error", async () => {
  reset(...Array.from({ length: 5 }, () => problem(500, "internal_error", "boom")));
  const client = new Kataven({ apiKey: "k", baseURL, maxRetries: 1 });
  const error = await client.agents.list().catch((e) => e);
  assert.ok(error instanceof InternalServerError);
  assert.equal(error.message, "boom");
  assert.equal(error.requestId, "req_500");
  assert.equal(seen.length, 2);
});

test("a 4xx is not retried", async () => {
  reset(problem(400, "invalid_request", "name: required"));
  const client = new Kataven({ apiKey: "k", baseURL });
  await assert.rejects(client.agents.create({ name: "" }), BadRequestError);
  assert.equal(seen.length, 1);
});

test("a plain-text error body becomes the message", async () => {
  reset({ status: 503, type: "text/plain; charset=utf-8", body: "Redis is down", headers: { "x-request-id": "r1" } });
  const client = new Kataven({ apiKey: "k", baseURL, maxRetries: 0 });
  const error = await client.agents.list().catch((e) => e);
  assert.ok(error instanceof ServiceUnavailableError);
  assert.equal(error.message, "Redis is down");
  assert.equal(error.requestId, "r1");
});

test("429 is not retried by default: RateLimitError with retryAfter", async () => {
  reset({ ...problem(429, "rate_limited", "per-minute (60) exceeded"), headers: { "retry-after": "7" } });
  const client = new Kataven({ apiKey: "k", baseURL });
  const error = await client.agents.list().catch((e) => e);
  assert.ok(error instanceof RateLimitError);
  assert.equal(error.retryAfter, 7);
  assert.equal(seen.length, 1);
});

test("with retry: true a 429 sleeps Retry-After (+ jitter) and retries, at most 3 times", async () => {
  const limited = () => ({ ...problem(429, "rate_limited", "slow down"), headers: { "retry-after": "1" } });
  reset(limited(), limited(), { status: 201, body: { id: "ok" } });
  const client = new Kataven({ apiKey: "k", baseURL, retry: true });
  assert.deepEqual(await client.agents.create({ name: "a" }), { id: "ok" });
  assert.equal(seen.length, 3);
  for (const i of [1, 2]) {
    const gap = seen[i].at - seen[i - 1].at;
    assert.ok(gap >= 1000 && gap < 1400, `slept Retry-After plus at most a tenth: ${gap} ms`);
  }
  assert.equal(new Set(seen.map((r) => r.headers["idempotency-key"])).size, 1);

  reset(limited(), limited(), limited(), limited(), limited());
  await assert.rejects(client.agents.list(), RateLimitError);
  assert.equal(seen.length, 4, "one try and three retries");
});

test("timeout per attempt: APITimeoutError after the retries", async () => {
  reset({ status: 200, delayMs: 1500 }, { status: 200, delayMs: 1500 });
  const client = new Kataven({ apiKey: "k", baseURL, timeout: 200, maxRetries: 1 });
  const started = Date.now();
  const error = await client.agents.list().catch((e) => e);
  assert.ok(error instanceof APITimeoutError, String(error));
  assert.ok(error instanceof APIConnectionError);
  assert.equal(seen.length, 2);
  assert.ok(Date.now() - started < 1500);
});

test("an AbortSignal cancels the request, and the wait between retries", async () => {
  reset({ status: 200, delayMs: 2000 });
  const client = new Kataven({ apiKey: "k", baseURL });
  const controller = new AbortController();
  setTimeout(() => controller.abort(), 100);
  await assert.rejects(client.agents.list({ signal: controller.signal }), APIUserAbortError);

  reset(problem(503, "service_unavailable", "busy"), problem(503, "service_unavailable", "busy"));
  const waiting = new AbortController();
  const slow = new Kataven({ apiKey: "k", baseURL, maxRetries: 5 });
  const started = Date.now();
  setTimeout(() => waiting.abort(), 150);
  await assert.rejects(slow.agents.list({ signal: waiting.signal }), APIUserAbortError);
  assert.ok(Date.now() - started < 1000);
  assert.equal(seen.length, 1);
});

test("a refused connection is an APIConnectionError after the retries", async () => {
  const port = await freePort();
  const client = new Kataven({ apiKey: "k", baseURL: `http://127.0.0.1:${port}`, maxRetries: 1 });
  const error = await client.agents.list().catch((e) => e);
  assert.ok(error instanceof APIConnectionError);
  assert.ok(!(error instanceof APITimeoutError));
});

test("the event stream decoder: CRLF, multi-line data, comments, ids", async () => {
  const body =
    ": heartbeat\r\n\r\nid: 4\r\nevent: contact\r\ndata: {\"a\":\r\ndata: 1}\r\n\r\n" +
    'data: {"progress": 0.5}\n\nid: 5\nevent: end\ndata: {}\n\n';
  reset({ status: 200, type: "text/event-stream", body });
  const client = new Kataven({ apiKey: "k", baseURL });
  const events = [];
  for await (const event of client.campaigns.streamEvents("camp_1", { lastEventId: "3" })) {
    events.push(event);
  }
  assert.equal(seen[0].headers["last-event-id"], "3");
  assert.equal(seen[0].headers.accept, "text/event-stream");
  assert.deepEqual(events, [
    { id: "4", event: "contact", data: { a: 1 } },
    { id: null, event: "message", data: { progress: 0.5 } },
    { id: "5", event: "end", data: {} },
  ]);
});

test("a silent event stream is dropped after idleSeconds and resumed from the last id", async () => {
  reset(
    { status: 200, type: "text/event-stream", body: "id: 7\nevent: contact\ndata: {}\n\n", hold: true },
    { status: 200, type: "text/event-stream", body: "id: 8\nevent: end\ndata: {}\n\n" },
  );
  const client = new Kataven({ apiKey: "k", baseURL });
  const ids = [];
  for await (const event of client.campaigns.streamEvents("camp_1", { idleSeconds: 0.3 })) {
    ids.push(event.id);
  }
  assert.deepEqual(ids, ["7", "8"]);
  assert.equal(seen.length, 2);
  assert.equal(seen[0].headers["last-event-id"], undefined);
  assert.equal(seen[1].headers["last-event-id"], "7");
});

test("an event stream that keeps failing gives up after maxReconnects", async () => {
  reset(...Array.from({ length: 4 }, () => problem(503, "service_unavailable", "down")));
  const client = new Kataven({ apiKey: "k", baseURL });
  const stream = client.campaigns.streamEvents("camp_1", { maxReconnects: 2 });
  await assert.rejects(stream.next(), ServiceUnavailableError);
  assert.equal(seen.length, 3, "one try and two reconnections");
});
