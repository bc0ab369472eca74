// Both packages as a user installs them: ES module and CommonJS entry points with declarations
// (through the `exports` map), no runtime dependencies, strict TypeScript usage compiling.
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { test } from "node:test";
import { fileURLToPath } from "node:url";

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const require = createRequire(import.meta.url);

for (const name of ["@kataven/server", "@kataven/client"]) {
  test(`${name}: import and require give the same API, with declarations`, async () => {
    const esm = await import(name);
    const cjs = require(name);
    assert.deepEqual(Object.keys(cjs).sort(), Object.keys(esm).sort().filter((k) => k !== "default" || "default" in cjs));
    const pkg = JSON.parse(readFileSync(join(root, "packages", name.split("/")[1], "package.json"), "utf8"));
    assert.deepEqual(pkg.dependencies ?? {}, {}, "no runtime dependencies");
    for (const condition of ["import", "require"]) {
      const entry = pkg.exports["."][condition];
      for (const file of [entry.types, entry.default]) {
        assert.ok(existsSync(join(root, "packages", name.split("/")[1], file)), file);
      }
    }
  });
}

test("@kataven/server: the classes behave alike from CommonJS", () => {
  const { Kataven, NotFoundError, APIError, RateLimitError, CostCapError } = require("@kataven/server");
  const client = new Kataven({ apiKey: "sk_live_x_y", baseURL: "http://127.0.0.1:1/" });
  assert.equal(client.baseURL, "http://127.0.0.1:1");
  assert.equal(typeof client.campaigns.streamEvents, "function");
  assert.ok(NotFoundError.prototype instanceof APIError);
  assert.ok(CostCapError.prototype instanceof RateLimitError);
});

test("typed usage compiles under strict TypeScript, and misuse does not", () => {
  const dir = mkdtempSync(join(tmpdir(), "kataven-types-"));
  writeFileSync(
    join(dir, "ok.ts"),
    `import { Kataven, NotFoundError } from "@kataven/server";
import { createWidgetSession, WidgetError } from "@kataven/client";
const client = new Kataven({ apiKey: "k" });
export async function f(): Promise<string> {
  const agent = await client.agents.create({ name: "Ada", status: "active" });
  const campaign = await client.campaigns.create({ name: "c", agent_id: agent.id, phone_number_id: "n", contacts: "leads.csv" });
  for await (const event of client.campaigns.streamEvents(campaign.id)) if (event.event === "end") break;
  const session = await createWidgetSession({ publicKey: "pk", baseURL: "http://h" });
  try { await client.agents.get("x"); } catch (e) { if (e instanceof NotFoundError || e instanceof WidgetError) return e.message; }
  return agent.name + session.token + String(campaign.contacts_total);
}
`,
  );
  writeFileSync(
    join(dir, "bad.ts"),
    `import { Kataven } from "@kataven/server";
const client = new Kataven();
export const p = client.agents.create({ nam: "typo" });
`,
  );
  const tsc = require.resolve("typescript/bin/tsc");
  const args = ["--noEmit", "--strict", "--module", "NodeNext", "--moduleResolution", "NodeNext",
    "--target", "ES2022", "--lib", "ES2022,DOM", "--types", "node", "--typeRoots", join(root, "node_modules/@types")];
  const compile = (file) =>
    execFileSync(process.execPath, [tsc, ...args, join(dir, file)], { cwd: root, encoding: "utf8" });
  writeFileSync(join(dir, "package.json"), '{ "type": "module" }');
  execFileSync("ln", ["-s", join(root, "node_modules"), join(dir, "node_modules")]);
  assert.doesNotThrow(() => compile("ok.ts"));
  assert.throws(() => compile("bad.ts"), (error) => /'nam' does not exist/.test(error.stdout));
});
