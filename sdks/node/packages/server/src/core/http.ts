/** Request building, retries and error mapping: every SDK method goes through `HttpClient.request`. */

import { randomUUID } from "node:crypto";
import {
  APIConnectionError,
  APIError,
  APITimeoutError,
  APIUserAbortError,
  KatavenError,
  RateLimitError,
  errorFromResponse,
} from "./errors.js";

export const VERSION = "0.1.0";

export interface RequestOptions {
  /** Cancels the call, its retries and the waits between them. */
  signal?: AbortSignal;
  /** Milliseconds per attempt (default: the client's `timeout`). */
  timeout?: number;
  /** Retries after connection errors and 5xx (default: the client's `maxRetries`). */
  maxRetries?: number;
  /** Sent on writes; one is generated per call when omitted, and reused by its retries. */
  idempotencyKey?: string;
  headers?: Record<string, string>;
}

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type QueryValue = string | number | boolean | null | undefined;

export interface Request {
  method: HttpMethod;
  /** A path template under the base URL, e.g. `/api/v1/agents/{agent_id}`. */
  path: string;
  params?: Record<string, string>;
  query?: object;
  /** JSON body; or a FormData (multipart). */
  body?: unknown;
  /** Extra headers that belong to the operation (e.g. `Last-Event-ID`). */
  headers?: Record<string, string>;
  options?: RequestOptions | undefined;
}

export interface HttpConfig {
  apiKey: string;
  baseURL: string;
  timeout: number;
  maxRetries: number;
  retry: boolean;
  fetch: typeof fetch;
}

const WRITES = new Set<HttpMethod>(["POST", "PUT", "PATCH", "DELETE"]);
/** A 429 is retried (with `retry: true`) at most this many times, as the docs advise. */
export const MAX_RATE_LIMIT_RETRIES = 3;
/** Longer waits than this are not slept through: the RateLimitError is thrown at once. */
export const MAX_RATE_LIMIT_WAIT_SECONDS = 60;

export function buildURL(baseURL: string, req: Pick<Request, "path" | "params" | "query">): string {
  const path = req.path.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = req.params?.[name];
    if (value === undefined || value === "") throw new KatavenError(`Missing path parameter ${name}`);
    return encodeURIComponent(value);
  });
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(req.query ?? {}) as [string, QueryValue][]) {
    if (value !== undefined && value !== null) search.set(name, String(value));
  }
  const query = search.toString();
  return baseURL.replace(/\/+$/, "") + path + (query ? `?${query}` : "");
}

/** Exponential backoff with jitter: 0.5 s, 1 s, 2 s … capped at 8 s, each less up to 25 %. */
export function backoffSeconds(attempt: number): number {
  return Math.min(0.5 * 2 ** attempt, 8) * (1 - Math.random() * 0.25);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new APIUserAbortError(undefined, { cause: signal.reason }));
    const onAbort = () => {
      clearTimeout(timer);
      reject(new APIUserAbortError(undefined, { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal?.addEventListener("abort", onAbort, { once: true });
  });
}

function retryable(error: APIError): boolean {
  if (error.status === 409) return error.code === "idempotency_in_flight";
  return error.status === 408 || error.status >= 500;
}

/** One attempt's abort plumbing: the caller's signal plus this attempt's timeout. */
class Attempt {
  readonly controller = new AbortController();
  timedOut = false;
  private readonly timer: ReturnType<typeof setTimeout>;
  private readonly onAbort = () => this.controller.abort(this.signal?.reason);

  constructor(
    ms: number,
    private readonly signal: AbortSignal | undefined,
  ) {
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, ms);
    signal?.addEventListener("abort", this.onAbort, { once: true });
  }

  failure(cause: unknown): KatavenError {
    if (this.signal?.aborted) return new APIUserAbortError(undefined, { cause });
    if (this.timedOut) return new APITimeoutError();
    if (cause instanceof KatavenError) return cause;
    const message = cause instanceof Error && cause.message ? cause.message : "Connection error";
    return new APIConnectionError(message, { cause });
  }

  /** Stop the timeout (a stream's body outlives it); the caller's signal still applies. */
  clearTimeout(): void {
    clearTimeout(this.timer);
  }

  done(): void {
    clearTimeout(this.timer);
    this.signal?.removeEventListener("abort", this.onAbort);
  }
}

export class HttpClient {
  constructor(readonly config: HttpConfig) {}

  /** Sends the request with the retry rules; resolves to the parsed JSON (undefined for 204). */
  async request<T>(req: Request): Promise<T> {
    return this.send(req, async (res) => parseBody(res) as Promise<T>);
  }

  /** Like `request`, but hands the 2xx Response to `read` (streams, downloads). */
  async send<T>(
    req: Request,
    read: (res: Response, attempt: Attempt) => Promise<T>,
    keepOpen = false,
  ): Promise<T> {
    const options = req.options ?? {};
    const url = buildURL(this.config.baseURL, req);
    const headers: Record<string, string> = {
      Accept: "application/json",
      Authorization: `Bearer ${this.config.apiKey}`,
      "User-Agent": `kataven-node/${VERSION}`,
      ...req.headers,
    };
    let body: BodyInit | undefined;
    if (req.body instanceof FormData) body = req.body;
    else if (req.body !== undefined) {
      headers["Content-Type"] = "application/json";
      body = JSON.stringify(req.body);
    }
    if (WRITES.has(req.method)) headers["Idempotency-Key"] = options.idempotencyKey ?? randomUUID();
    Object.assign(headers, options.headers);

    const maxRetries = options.maxRetries ?? this.config.maxRetries;
    const timeout = options.timeout ?? this.config.timeout;
    let retries = 0;
    let rateLimitRetries = 0;
    for (;;) {
      const attempt = new Attempt(timeout, options.signal);
      let waitSeconds: number;
      try {
        const res = await this.config.fetch(url, {
          method: req.method,
          headers,
          body,
          signal: attempt.controller.signal,
        });
        if (res.ok) {
          try {
            return await read(res, attempt);
          } finally {
            if (!keepOpen) attempt.done();
          }
        }
        const failed = errorFromResponse(res.status, await res.text(), res.headers);
        attempt.done();
        if (failed instanceof RateLimitError) {
          const wait = failed.retryAfter ?? 1;
          const allowed =
            this.config.retry &&
            rateLimitRetries < MAX_RATE_LIMIT_RETRIES &&
            wait <= MAX_RATE_LIMIT_WAIT_SECONDS;
          if (!allowed) throw failed;
          rateLimitRetries += 1;
          await sleep((wait + Math.random() * (wait / 10)) * 1000, options.signal);
          continue;
        }
        if (!retryable(failed) || retries >= maxRetries) throw failed;
        const retryAfter = Number(res.headers.get("retry-after"));
        waitSeconds =
          Number.isFinite(retryAfter) && retryAfter > 0 && retryAfter <= 30
            ? retryAfter
            : backoffSeconds(retries);
      } catch (cause) {
        attempt.done();
        if (cause instanceof APIError || cause instanceof APIUserAbortError) throw cause;
        const error = attempt.failure(cause);
        if (error instanceof APIUserAbortError || retries >= maxRetries) throw error;
        waitSeconds = backoffSeconds(retries);
      }
      retries += 1;
      await sleep(waitSeconds * 1000, options.signal);
    }
  }
}

export type { Attempt };

async function parseBody(res: Response): Promise<unknown> {
  if (res.status === 204) return undefined;
  const text = await res.text();
  if (!text) return undefined;
  const type = res.headers.get("content-type") ?? "";
  return type.includes("json") ? JSON.parse(text) : text;
}
