import { KatavenError } from "./core/errors.js";
import { HttpClient, type HttpMethod, type RequestOptions } from "./core/http.js";
import { Agents } from "./resources/agents.js";
import { AuditEvents } from "./resources/auditEvents.js";
import { ApiKeys } from "./resources/apiKeys.js";
import { CallLimits } from "./resources/callLimits.js";
import { Calls } from "./resources/calls.js";
import { Campaigns } from "./resources/campaigns.js";
import { Dnc } from "./resources/dnc.js";
import { Faqs } from "./resources/faqs.js";
import { Integrations } from "./resources/integrations.js";
import { Marketplace } from "./resources/marketplace.js";
import { Playbooks } from "./resources/playbooks.js";
import { Recordings } from "./resources/recordings.js";
import { Telephony } from "./resources/telephony.js";
import { Tools } from "./resources/tools.js";
import { Usage } from "./resources/usage.js";
import { WebhookEndpoints } from "./resources/webhookEndpoints.js";
import { WidgetAuth } from "./resources/widgetAuth.js";
import { WidgetKeys } from "./resources/widgetKeys.js";
import { WidgetSettings } from "./resources/widgetSettings.js";

export const DEFAULT_BASE_URL = "http://localhost:8081";

export interface KatavenOptions {
  /** Default: `KATAVEN_API_KEY`. */
  apiKey?: string;
  /** Default: `KATAVEN_BASE_URL`, then http://localhost:8081 (the embedded default). */
  baseURL?: string;
  /** Milliseconds per attempt (default 30 000). */
  timeout?: number;
  /** Retries after connection errors and 5xx, with backoff and jitter (default 2). */
  maxRetries?: number;
  /** Also retry a 429 after its `Retry-After` plus jitter, at most 3 times (default false). */
  retry?: boolean;
  /** A fetch implementation (default: the global one). */
  fetch?: typeof fetch;
}

function env(name: string): string | undefined {
  const value = typeof process === "undefined" ? undefined : process.env[name];
  return value?.trim() ? value.trim() : undefined;
}

/** The Kataven Hub API: `new Kataven()` reads `KATAVEN_API_KEY` and `KATAVEN_BASE_URL`. */
export class Kataven {
  readonly agents: Agents;
  readonly tools: Tools;
  readonly playbooks: Playbooks;
  readonly faqs: Faqs;
  readonly marketplace: Marketplace;
  readonly integrations: Integrations;
  readonly telephony: Telephony;
  readonly calls: Calls;
  readonly recordings: Recordings;
  readonly callLimits: CallLimits;
  readonly apiKeys: ApiKeys;
  readonly campaigns: Campaigns;
  readonly dnc: Dnc;
  readonly webhookEndpoints: WebhookEndpoints;
  readonly auditEvents: AuditEvents;
  readonly usage: Usage;
  readonly widgetKeys: WidgetKeys;
  readonly widgetSettings: WidgetSettings;
  readonly widgetAuth: WidgetAuth;
  private readonly http: HttpClient;

  constructor(options: KatavenOptions = {}) {
    const apiKey = options.apiKey ?? env("KATAVEN_API_KEY");
    if (!apiKey) {
      throw new KatavenError("No API key: pass { apiKey } or set KATAVEN_API_KEY");
    }
    const fetchImpl = options.fetch ?? globalThis.fetch;
    if (typeof fetchImpl !== "function") {
      throw new KatavenError("No fetch available: use Node 18+ or pass { fetch }");
    }
    this.http = new HttpClient({
      apiKey,
      baseURL: (options.baseURL ?? env("KATAVEN_BASE_URL") ?? DEFAULT_BASE_URL).replace(/\/+$/, ""),
      timeout: options.timeout ?? 30_000,
      maxRetries: options.maxRetries ?? 2,
      retry: options.retry ?? false,
      fetch: fetchImpl.bind(globalThis),
    });
    this.agents = new Agents(this.http);
    this.tools = new Tools(this.http);
    this.playbooks = new Playbooks(this.http);
    this.faqs = new Faqs(this.http);
    this.marketplace = new Marketplace(this.http);
    this.integrations = new Integrations(this.http);
    this.telephony = new Telephony(this.http);
    this.calls = new Calls(this.http);
    this.recordings = new Recordings(this.http);
    this.callLimits = new CallLimits(this.http);
    this.apiKeys = new ApiKeys(this.http);
    this.campaigns = new Campaigns(this.http);
    this.dnc = new Dnc(this.http);
    this.webhookEndpoints = new WebhookEndpoints(this.http);
    this.auditEvents = new AuditEvents(this.http);
    this.usage = new Usage(this.http);
    this.widgetKeys = new WidgetKeys(this.http);
    this.widgetSettings = new WidgetSettings(this.http);
    this.widgetAuth = new WidgetAuth(this.http);
  }

  get baseURL(): string {
    return this.http.config.baseURL;
  }

  /** Any route of the API (path under the base URL), with the same auth, retries and errors. */
  request<T = unknown>(
    method: HttpMethod,
    path: string,
    init: { query?: object; body?: unknown; options?: RequestOptions } = {},
  ): Promise<T> {
    return this.http.request<T>({ method, path, ...init });
  }
}
