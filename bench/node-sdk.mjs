// @kataven/server overhead: `agents.get` in a loop beside raw `fetch` doing the same request
// (same headers, JSON parsed) against the same `kataven-hub api` (embedded default), in the
// same run. Rounds alternate SDK and raw; the figures are medians of the rounds.
//
//   make bench-node          (or: cd sdks/node && npm run build && node ../../bench/node-sdk.mjs)
//   ROUNDS=9 REQUESTS=300 node bench/node-sdk.mjs   (the defaults)
import { Kataven } from "../sdks/node/packages/server/dist/esm/index.js";
import { startHub } from "../sdks/node/test/hub.mjs";

const ROUNDS = Number(process.env.ROUNDS ?? 9);
const REQUESTS = Number(process.env.REQUESTS ?? 300);
const WARMUP = 100;

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** Requests per second, and this process's CPU microseconds per request. */
async function timed(n, once) {
  const cpu = process.cpuUsage();
  const started = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await once();
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const used = process.cpuUsage(cpu);
  return { rate: n / seconds, cpu: (used.user + used.system) / n };
}

const hub = await startHub({ accounts: { bench: {} } });
try {
  const client = new Kataven({ apiKey: hub.apiKey, baseURL: hub.baseURL });
  const agent = await client.agents.create({ name: "Bench", status: "active" });
  const url = `${hub.baseURL}/api/v1/agents/${agent.id}`;
  const headers = { Authorization: `Bearer ${hub.apiKey}`, Accept: "application/json" };
  const raw = async () => {
    const res = await fetch(url, { headers });
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    return res.json();
  };
  const sdk = () => client.agents.get(agent.id);
  await timed(WARMUP, raw);
  await timed(WARMUP, sdk);
  const figures = { sdk: [], raw: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate which goes first, so drift on a shared machine hits both alike.
    const order = round % 2 ? ["raw", "sdk"] : ["sdk", "raw"];
    for (const name of order) figures[name].push(await timed(REQUESTS, name === "sdk" ? sdk : raw));
  }
  const rate = (name) => median(figures[name].map((f) => f.rate));
  const cpu = (name) => median(figures[name].map((f) => f.cpu));
  // Each round's SDK figure over the raw figure measured beside it, then the median.
  const paired = median(figures.sdk.map((f, i) => f.rate / figures.raw[i].rate));
  const fmt = (xs) => xs.map((x) => x.rate.toFixed(0)).join(", ");
  console.log(`GET /api/v1/agents/{id}, ${REQUESTS} sequential requests per round, ${ROUNDS} rounds`);
  for (const [label, name] of [["raw fetch      ", "raw"], ["@kataven/server", "sdk"]]) {
    console.log(
      `  ${label} ${rate(name).toFixed(0).padStart(6)} req/s median, ` +
        `${cpu(name).toFixed(0)} µs client CPU/request  (rounds: ${fmt(figures[name])})`,
    );
  }
  console.log(`  ratio of medians  ${(rate("sdk") / rate("raw")).toFixed(3)}   (target ≥ 0.9)`);
  console.log(`  median of paired round ratios ${paired.toFixed(3)}`);
} finally {
  await hub.stop();
}
