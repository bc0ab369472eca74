/**
 * @kataven/client: the browser side of Kataven Hub widget auth. No dependencies; uses `fetch`.
 *
 *   const session = await createWidgetSession({ publicKey, agentId, baseURL });
 *   session.token            // the visitor JWT for the call runtime, refreshed before expiry
 *   await session.config()   // branding, the agent's public face, accepted visitor kinds
 *
 * The Hub answers CORS only for origins in the key's allowlist, so a refused page cannot read
 * the refusal; the client then checks that the Hub is reachable at all and reports
 * `origin_not_allowed` (reachable) or `network` (not).
 */

import type { components } from "./generated/openapi.js";

export type VisitorSession = components["schemas"]["VisitorSession"];
export type WidgetConfig = components["schemas"]["WidgetConfig"];

export type WidgetErrorCode =
  | "origin_not_allowed"
  | "invalid_client_key"
  | "client_key_disabled"
  | "widget_disabled"
  | "agent_unavailable"
  | "agent_required"
  | "auth_mode_not_allowed"
  | "refresh_token_reused"
  | "invalid_request"
  | "rate_limited"
  | "network"
  | (string & {});

const MESSAGES: Record<string, string> = {
  origin_not_allowed:
    "This page's origin is not in the widget key's domain allowlist (the Hub refused it).",
  invalid_client_key: "Unknown widget key: check publicKey.",
  client_key_disabled: "This widget key is disabled.",
  widget_disabled: "The widget is disabled for this agent.",
  agent_unavailable: "This agent is not taking conversations right now.",
  agent_required: "No agent: pass agentId, or pin an agent to the widget key.",
};

export class WidgetError extends Error {
  override name = "WidgetError";
  /** Stable: `origin_not_allowed`, `widget_disabled`, `network`, … (the server's `code`). */
  readonly code: WidgetErrorCode;
  /** HTTP status; 0 when no answer could be read. */
  readonly status: number;
  readonly requestId: string | null;

  constructor(code: WidgetErrorCode, message: string, status = 0, requestId: string | null = null) {
    super(message);
    this.code = code;
    this.status = status;
    this.requestId = requestId;
  }
}

export interface WidgetSessionOptions {
  /** The `pk_live_` key. */
  publicKey: string;
  /** Ignored when the key pins an agent. */
  agentId?: string;
  /** From your backend (`widgetAuth.createUserToken`): a signed-in visitor instead of a guest. */
  userToken?: string;
  /** The Hub, e.g. http://localhost:8081. */
  baseURL: string;
  /** Refresh this many seconds before expiry (default 60; at most 90 % of the lifetime). */
  refreshMarginSeconds?: number;
  fetch?: typeof fetch;
}

type Listener<T> = (value: T) => void;

/** A visitor session that keeps itself fresh until `close()`. */
export class WidgetSession {
  private current: VisitorSession;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private inflight: Promise<VisitorSession> | null = null;
  private closed = false;
  private readonly listeners = {
    refresh: new Set<Listener<VisitorSession>>(),
    error: new Set<Listener<WidgetError>>(),
  };

  constructor(
    private readonly hub: Hub,
    first: VisitorSession,
    private readonly marginSeconds: number,
  ) {
    this.current = first;
    this.schedule();
  }

  /** The JWT for the call runtime (`Authorization: Bearer …`). */
  get token(): string {
    return this.current.token;
  }
  get expiresAt(): Date {
    return new Date(this.current.expires_at);
  }
  get mode(): VisitorSession["mode"] {
    return this.current.mode;
  }
  get agentId(): string {
    return this.current.agent_id;
  }
  get visitorId(): string {
    return this.current.visitor_id;
  }
  /** Stable across refreshes. */
  get sessionId(): string {
    return this.current.session_id;
  }
  /** The latest answer of guest, exchange or refresh. */
  get data(): VisitorSession {
    return this.current;
  }

  /** `refresh` after each rotation; `error` when a refresh failed for good. Returns an unsubscribe. */
  on(event: "refresh", listener: Listener<VisitorSession>): () => void;
  on(event: "error", listener: Listener<WidgetError>): () => void;
  on(event: "refresh" | "error", listener: Listener<never>): () => void {
    const set = this.listeners[event] as Set<Listener<never>>;
    set.add(listener);
    return () => set.delete(listener);
  }

  /** The widget's bootstrap config for this key and agent. */
  config(): Promise<WidgetConfig> {
    return this.hub.config(this.current.agent_id);
  }

  /** Rotates now: a fresh JWT and a new single-use refresh token (concurrent calls share one). */
  refresh(): Promise<VisitorSession> {
    if (this.closed) return Promise.reject(new WidgetError("closed", "The session is closed."));
    this.inflight ??= this.hub
      .post<VisitorSession>("/auth/refresh", { refresh_token: this.current.refresh_token })
      .then((next) => {
        this.current = next;
        this.schedule();
        for (const listener of this.listeners.refresh) listener(next);
        return next;
      })
      .finally(() => {
        this.inflight = null;
      });
    return this.inflight;
  }

  /** Stops the automatic refresh. */
  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private schedule(): void {
    clearTimeout(this.timer);
    if (this.closed) return;
    const lifetime = this.current.expires_in;
    const margin = Math.min(this.marginSeconds, lifetime * 0.9);
    const due = Date.parse(this.current.expires_at) - margin * 1000 - Date.now();
    this.timer = setTimeout(() => this.autoRefresh(), Math.max(0, due));
  }

  private autoRefresh(): void {
    this.refresh().catch((error: unknown) => {
      const failure =
        error instanceof WidgetError ? error : new WidgetError("network", String(error));
      const transient = failure.status === 0 || failure.status >= 500 || failure.status === 429;
      const left = Date.parse(this.current.expires_at) - Date.now();
      if (transient && left > 5000 && !this.closed) {
        this.timer = setTimeout(() => this.autoRefresh(), Math.min(5000, left / 2));
        return;
      }
      for (const listener of this.listeners.error) listener(failure);
    });
  }
}

/** Calls to the public widget routes of one Hub with one key. */
class Hub {
  private readonly base: string;

  constructor(
    private readonly publicKey: string,
    baseURL: string,
    private readonly fetcher: typeof fetch,
  ) {
    this.base = baseURL.replace(/\/+$/, "");
  }

  config(agentId?: string): Promise<WidgetConfig> {
    const query = agentId ? `&agent_id=${encodeURIComponent(agentId)}` : "";
    return this.call<WidgetConfig>("GET", `/config?client_key=${this.key()}${query}`);
  }

  post<T>(route: string, body: Record<string, unknown>): Promise<T> {
    // The key also rides in the query: a CORS preflight has no body to find it in.
    return this.call<T>("POST", `${route}?client_key=${this.key()}`, {
      client_key: this.publicKey,
      ...body,
    });
  }

  private key(): string {
    return encodeURIComponent(this.publicKey);
  }

  private async call<T>(method: string, route: string, body?: unknown): Promise<T> {
    let res: Response;
    try {
      res = await this.fetcher(`${this.base}/api/v1/widget${route}`, {
        method,
        credentials: "omit",
        cache: "no-store",
        headers:
          body === undefined
            ? { Accept: "application/json" }
            : { Accept: "application/json", "Content-Type": "application/json" },
        body: body === undefined ? null : JSON.stringify(body),
      });
    } catch {
      throw await this.unreadable();
    }
    const text = await res.text();
    const type = res.headers.get("content-type") ?? "";
    const parsed: unknown = type.includes("json") && text ? JSON.parse(text) : text;
    if (res.ok) return parsed as T;
    const problem = (typeof parsed === "object" && parsed !== null ? parsed : {}) as {
      code?: string;
      detail?: string;
      request_id?: string;
    };
    const code = problem.code ?? (res.status === 429 ? "rate_limited" : "invalid_request");
    const message = problem.detail ?? (text || MESSAGES[code] || `HTTP ${res.status}`);
    const requestId = problem.request_id ?? res.headers.get("x-request-id");
    throw new WidgetError(code, message, res.status, requestId);
  }

  /** No readable answer: a refused origin if the Hub itself answers, else a network failure. */
  private async unreadable(): Promise<WidgetError> {
    try {
      await this.fetcher(`${this.base}/widget/v1.js`, {
        mode: "no-cors",
        credentials: "omit",
        cache: "no-store",
      });
    } catch {
      return new WidgetError("network", `Cannot reach the Kataven Hub at ${this.base}.`);
    }
    const origin = typeof location === "undefined" ? "this page" : location.origin;
    return new WidgetError(
      "origin_not_allowed",
      `The Kataven Hub refused ${origin}: it is not in the widget key's domain allowlist.`,
      403,
    );
  }
}

/** Bootstrap config without starting a session (e.g. to draw the launcher first). */
export function getWidgetConfig(options: {
  publicKey: string;
  agentId?: string;
  baseURL: string;
  fetch?: typeof fetch;
}): Promise<WidgetConfig> {
  return hubFor(options).config(options.agentId);
}

/**
 * A guest session, or a signed-in visitor's when `userToken` is given (exchanged once), which
 * refreshes itself before it expires. Rejects with a `WidgetError` (`origin_not_allowed`,
 * `widget_disabled`, `auth_mode_not_allowed`, …).
 */
export async function createWidgetSession(options: WidgetSessionOptions): Promise<WidgetSession> {
  const hub = hubFor(options);
  const agent = options.agentId ? { agent_id: options.agentId } : {};
  const first = options.userToken
    ? await hub.post<VisitorSession>("/auth/exchange", { ...agent, user_token: options.userToken })
    : await hub.post<VisitorSession>("/auth/guest", agent);
  return new WidgetSession(hub, first, options.refreshMarginSeconds ?? 60);
}

function hubFor(options: { publicKey: string; baseURL: string; fetch?: typeof fetch }): Hub {
  if (!options.publicKey) throw new WidgetError("invalid_client_key", "publicKey is required.");
  if (!options.baseURL) throw new WidgetError("invalid_request", "baseURL is required.");
  const fetcher = options.fetch ?? globalThis.fetch.bind(globalThis);
  return new Hub(options.publicKey, options.baseURL, fetcher);
}
