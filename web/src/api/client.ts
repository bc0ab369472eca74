// The typed API client: openapi-fetch over the generated schema, plus what every dashboard
// request needs (the session's bearer token, X-Account-ID, problem+json errors) and the one
// place that notices an expired session.
import createClient, { type Middleware } from "openapi-fetch";
import type { components, paths } from "./schema";
import { sessionState, singleFlight, type Session } from "../lib/session";

export type Schemas = components["schemas"];

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly code?: string,
    readonly errors?: unknown[],
  ) {
    super(message);
  }
}

export class SessionExpired extends Error {
  constructor() {
    super("Your session has expired; sign in again.");
  }
}

interface Auth {
  get: () => Session | null;
  refresh: (s: Session) => Promise<Session>; // OIDC refresh; rejects when impossible
  expired: () => void; // back to sign-in, remembering the page
}

let auth: Auth = { get: () => null, refresh: () => Promise.reject(new SessionExpired()), expired: () => {} };
const refreshOnce = singleFlight(async () => {
  const s = auth.get();
  if (!s) throw new SessionExpired();
  return auth.refresh(s);
});

export function configureAuth(a: Auth): void {
  auth = a;
}

/** The headers of an authenticated request, refreshing the session first when it is due. */
export async function authHeaders(): Promise<Record<string, string>> {
  let s = auth.get();
  const state = sessionState(s, Date.now());
  if (state === "refresh") {
    try {
      s = await refreshOnce();
    } catch {
      auth.expired();
      throw new SessionExpired();
    }
  } else if (state !== "valid" || !s) {
    auth.expired();
    throw new SessionExpired();
  }
  return { Authorization: `Bearer ${s.token}`, "X-Account-ID": s.account };
}

const PUBLIC = ["/api/login", "/api/dashboard/config", "/api/accounts"];

const middleware: Middleware = {
  async onRequest({ request }) {
    request.headers.set("Accept", "application/json");
    const path = new URL(request.url).pathname;
    if (PUBLIC.some((p) => path.startsWith(p))) return request;
    for (const [k, v] of Object.entries(await authHeaders())) request.headers.set(k, v);
    return request;
  },
  async onResponse({ request, response }) {
    if (response.ok) return response;
    const path = new URL(request.url).pathname;
    if (response.status === 401 && !PUBLIC.some((p) => path.startsWith(p))) auth.expired();
    throw await errorOf(response);
  },
};

export async function errorOf(response: Response): Promise<ApiError> {
  const text = await response.text().catch(() => "");
  try {
    const p = JSON.parse(text) as { detail?: string; title?: string; code?: string; errors?: unknown[] };
    return new ApiError(p.detail || p.title || `HTTP ${response.status}`, response.status, p.code, p.errors ?? undefined);
  } catch {
    return new ApiError(text || `The server answered ${response.status}`, response.status);
  }
}

export const api = createClient<paths>({ baseUrl: "" });
api.use(middleware);

/** Unwraps an openapi-fetch result (errors are thrown by the middleware). */
export async function data<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const r = await call;
  return r.data as T;
}

/** Plain fetch with the same headers and errors, for what the schema cannot type (multipart). */
export async function send(path: string, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  headers.set("Accept", "application/json");
  for (const [k, v] of Object.entries(await authHeaders())) headers.set(k, v);
  const response = await fetch(path, { ...init, headers });
  if (!response.ok) {
    if (response.status === 401) auth.expired();
    throw await errorOf(response);
  }
  return response;
}

export const messageOf = (e: unknown): string => (e instanceof Error ? e.message : String(e));
