// Regenerates packages/{server,client}/src/generated/openapi.ts from the server's OpenAPI document.
//
//   npm run generate              write the files
//   npm run generate -- --check   exit 1 when a committed file differs (stale types)
//
// The document comes from the repository's Python environment (../../.venv), or from a running
// server with KATAVEN_OPENAPI_URL=http://localhost:8081/openapi.json. Operation ids are dropped
// before generating so the types hang off (path, method) only, like the SDK itself.
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import openapiTS, { astToString, COMMENT_HEADER, UNKNOWN } from "openapi-typescript";

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, "../../..");
// The server SDK gets the whole API; the browser client only the public widget routes.
export const TARGETS = [
  { file: resolve(here, "../packages/server/src/generated/openapi.ts"), prefix: "/" },
  { file: resolve(here, "../packages/client/src/generated/openapi.ts"), prefix: "/api/v1/widget/" },
];
const DUMP =
  "import json; from kataven_hub.main import create_app; print(json.dumps(create_app().openapi()))";

export async function loadDocument() {
  const url = process.env.KATAVEN_OPENAPI_URL;
  if (url) {
    const res = await fetch(url);
    if (!res.ok) throw new Error(`GET ${url}: HTTP ${res.status}`);
    return res.json();
  }
  const python = resolve(repo, ".venv/bin/python");
  if (!existsSync(python)) throw new Error(`${python} is missing: run 'make install' at the root`);
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([name]) => !name.startsWith("KATAVEN_")),
  );
  const out = execFileSync(python, ["-c", DUMP], {
    cwd: repo,
    env: { ...env, KATAVEN_LOG_LEVEL: "WARNING" },
    maxBuffer: 64 * 1024 * 1024,
  });
  return JSON.parse(out.toString("utf8"));
}

/** The document restricted to paths under `prefix` and the schemas they reach. */
function only(document, prefix) {
  const paths = Object.fromEntries(
    Object.entries(document.paths ?? {}).filter(([path]) => path.startsWith(prefix)),
  );
  const schemas = document.components?.schemas ?? {};
  const keep = new Set();
  const visit = (value) => {
    for (const match of JSON.stringify(value).matchAll(/"#\/components\/schemas\/([^"]+)"/g)) {
      const name = match[1];
      if (!keep.has(name) && name in schemas) {
        keep.add(name);
        visit(schemas[name]);
      }
    }
  };
  visit(paths);
  const kept = Object.fromEntries(Object.entries(schemas).filter(([name]) => keep.has(name)));
  return { ...document, paths, components: { ...document.components, schemas: kept } };
}

export async function render(source, prefix = "/") {
  const document = only(structuredClone(source), prefix);
  for (const item of Object.values(document.paths ?? {})) {
    for (const operation of Object.values(item)) {
      if (operation && typeof operation === "object") delete operation.operationId;
    }
  }
  const ast = await openapiTS(document, {
    alphabetize: true,
    // A field with a default is optional in what you send (`max_concurrent_calls` = 5).
    defaultNonNullable: false,
    // A schema that refers to itself at its top level (JsonValue: any JSON) cannot be a type
    // alias inside an interface; it is `unknown`, which is what it means.
    transform(schema, metadata) {
      const name = metadata.path?.match(/^#\/components\/schemas\/([^/]+)$/)?.[1];
      if (name && JSON.stringify(schema).includes(`"#/components/schemas/${name}"`)) return UNKNOWN;
      return undefined;
    },
  });
  const header =
    COMMENT_HEADER +
    "// Generated from the Kataven Hub OpenAPI document by sdks/node/scripts/openapi.mjs.\n\n";
  return header + astToString(ast);
}

/** The targets whose committed text differs from what the document gives now. */
export async function staleTargets(document) {
  const stale = [];
  for (const { file, prefix } of TARGETS) {
    const current = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (current !== (await render(document, prefix))) stale.push(file);
  }
  return stale;
}

async function main() {
  const document = await loadDocument();
  if (process.argv.includes("--check")) {
    const stale = await staleTargets(document);
    for (const file of stale) console.error(`${file} is stale: run 'npm run generate' in sdks/node`);
    if (stale.length > 0) process.exit(1);
    console.log("generated types are current");
    return;
  }
  for (const { file, prefix } of TARGETS) {
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, await render(document, prefix));
    console.log(`wrote ${file}`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
