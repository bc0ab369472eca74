// A real Kataven Hub for the suites: `kataven-hub api` from the repository's Python environment,
// on the embedded default (SQLite, in-process counters) in a fresh data directory.
import { execFile, spawn } from "node:child_process";
import { mkdtempSync, rmSync, openSync, readFileSync, existsSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";

const run = promisify(execFile);
export const REPO = resolve(import.meta.dirname ?? new URL(".", import.meta.url).pathname, "../../..");
export const HUB = join(REPO, ".venv/bin/kataven-hub");

export function freePort() {
  return new Promise((ok, fail) => {
    const server = createServer();
    server.once("error", fail);
    server.listen(0, "127.0.0.1", () => {
      const { port } = server.address();
      server.close(() => ok(port));
    });
  });
}

/**
 * Starts a hub with the given accounts (slug → extra `limits set` flags; request limits are
 * raised for the suite unless given) and returns { baseURL, apiKey (the first account's),
 * apiKeys, env, cli, stop }. `settings` are extra KATAVEN_* variables.
 */
export async function startHub({ accounts = { acme: {} }, settings = {} } = {}) {
  if (!existsSync(HUB)) throw new Error(`${HUB} is missing: run 'make install' at the repository root`);
  const dataDir = mkdtempSync(join(tmpdir(), "kataven-node-"));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("KATAVEN_")));
  Object.assign(env, {
    KATAVEN_ENV: "testing",
    KATAVEN_DATA_DIR: dataDir,
    KATAVEN_API_KEY_PEPPER: "node-sdk-test-pepper-0123456789",
    KATAVEN_BOOTSTRAP_DEMO_ACCOUNT: "false",
    KATAVEN_LOG_LEVEL: "WARNING",
    ...settings,
  });
  const cli = async (...args) => {
    const { stdout } = await run(HUB, [...args, "--json"], { env, cwd: dataDir, timeout: 120_000 });
    return JSON.parse(stdout);
  };
  const port = await freePort();
  const baseURL = `http://127.0.0.1:${port}`;
  env.KATAVEN_PUBLIC_BASE_URL = baseURL; // recording URLs point here
  const apiKeys = {};
  // One after the other: each writes the shared control database.
  for (const [slug, limits] of Object.entries(accounts)) {
    apiKeys[slug] = await createAccount(cli, slug, limits);
  }
  const log = join(dataDir, "api.log");
  const proc = spawn(HUB, ["api", "--host", "127.0.0.1", "--port", String(port)], {
    env,
    cwd: dataDir,
    stdio: ["ignore", openSync(log, "a"), openSync(log, "a")],
  });
  const deadline = Date.now() + 60_000;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`the API exited: ${readFileSync(log, "utf8").slice(-2000)}`);
    try {
      if ((await fetch(`${baseURL}/readyz`)).ok) break;
    } catch {}
    if (Date.now() > deadline) {
      proc.kill("SIGKILL");
      throw new Error("the API did not become ready within 60 s");
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once("exit", r));
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), 10_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(dataDir, { recursive: true, force: true });
  };
  const apiKey = Object.values(apiKeys)[0];
  return { baseURL, apiKey, apiKeys, env, cli, stop, log };
}

const RAISED = {
  "requests-per-minute": 100000,
  "requests-per-hour": 1000000,
  "requests-per-day": 10000000,
  "concurrent-requests": 200,
};

async function createAccount(cli, slug, limits) {
  await cli("accounts", "create", slug, "--owner-email", `owner@${slug}.test`);
  const key = await cli("keys", "create", "--account", slug, "--name", "node-sdk");
  const apiKey = Object.values(key).find((v) => typeof v === "string" && v.startsWith("sk_live_"));
  if (!apiKey) throw new Error(`no sk_live_ key in ${JSON.stringify(key)}`);
  const flags = Object.entries({ ...RAISED, ...limits }).flatMap(([k, v]) => [`--${k}`, String(v)]);
  await cli("limits", "set", "--account", slug, ...flags);
  return apiKey;
}
