// Fails when the JavaScript the first screen loads (the entry script of dist/index.html and
// every chunk it preloads) is over the budget, gzipped, or when the screens are not split out.
import { readFileSync, readdirSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gzipSync } from "node:zlib";

const BUDGET = 250 * 1024;
const dist = resolve(dirname(fileURLToPath(import.meta.url)), "../dist");
const html = readFileSync(resolve(dist, "index.html"), "utf8");
const first = [...html.matchAll(/<(?:script[^>]*\ssrc|link[^>]*rel="modulepreload"[^>]*\shref)="([^"]+\.js)"/g)].map((m) => m[1]);
if (first.length === 0) throw new Error("dist/index.html loads no script");
if (first.some((src) => /^(https?:)?\/\//.test(src))) throw new Error(`a script comes from another origin: ${first}`);
let total = 0;
for (const src of first) {
  const size = gzipSync(readFileSync(resolve(dist, src.replace(/^\//, "")))).length;
  total += size;
  console.log(`${src}: ${(size / 1024).toFixed(1)} KB gzipped`);
}
const chunks = readdirSync(resolve(dist, "assets")).filter((f) => f.endsWith(".js"));
const screens = ["CampaignDetail", "NewCampaign", "AgentDetail", "Widget", "Settings", "Calls", "Telephony", "Knowledge"];
const missing = screens.filter((s) => !chunks.some((c) => c.startsWith(`${s}-`)));
const preloaded = screens.filter((s) => first.some((src) => src.includes(`/${s}-`)));
console.log(`first screen: ${(total / 1024).toFixed(1)} KB gzipped (budget ${BUDGET / 1024} KB), ${chunks.length} chunks`);
if (missing.length) throw new Error(`screens not split into chunks of their own: ${missing.join(", ")}`);
if (preloaded.length) throw new Error(`screens loaded with the first screen: ${preloaded.join(", ")}`);
if (total > BUDGET) throw new Error(`the first screen's JavaScript is ${total} bytes gzipped, over ${BUDGET}`);
