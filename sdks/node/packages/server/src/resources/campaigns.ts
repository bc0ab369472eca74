import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { APIConnectionError, APIError, APIUserAbortError } from "../core/errors.js";
import { type RequestOptions, backoffSeconds, sleep } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import { decodeEvents } from "../core/sse.js";
import type { Body, Query, Result } from "../core/types.js";
import { type Uploadable, toBlob } from "../core/uploads.js";

const CAMPAIGNS = "/api/v1/campaigns";
const CAMPAIGN = "/api/v1/campaigns/{campaign_id}";
const CONTACTS = "/api/v1/campaigns/{campaign_id}/contacts";
const EVENTS = "/api/v1/campaigns/{campaign_id}/events";
const PREFLIGHT = "/api/v1/campaigns/preflight";
const EXPORT = "/api/v1/campaigns/{campaign_id}/contacts.csv";

export type CampaignCreate = Omit<Body<typeof CAMPAIGNS, "post">, "contacts" | "calling_window"> & {
  /** The CSV (a `phone_number` column): a Blob, a Buffer or bytes, or a file path (streamed). */
  contacts: Uploadable;
  /**
   * When contacts may be called: `{ start: "09:00", end: "20:00", days: ["mon", …], timezone:
   * "recipient" | IANA zone }` (sent as JSON), or that JSON as text; default: any time.
   */
  calling_window?: CallingWindow | string | null;
};

export interface CallingWindow {
  start: string;
  end: string;
  days?: string[];
  timezone?: string;
}

export interface AddContactsOptions {
  /** ISO region (e.g. `US`) for numbers written without `+`. */
  default_region?: string;
}

export type CampaignAction = "start" | "pause" | "resume" | "stop";
type Campaign = Result<typeof CAMPAIGN, "get">;

/** One event of the campaign stream: `contact`, `status`, `message` (progress), `end`, … */
export interface CampaignEvent {
  id: string | null;
  event: string;
  /** The event's JSON, parsed (the raw text when it is not JSON). */
  data: unknown;
}

export interface StreamEventsOptions {
  /** Resume after this event id (the stream then replays every later event once). */
  lastEventId?: string | null;
  signal?: AbortSignal;
  /** Consecutive failed reconnections before giving up (default 5). */
  maxReconnects?: number;
  /** Seconds without a byte (not even a heartbeat) before reconnecting (default 45). */
  idleSeconds?: number;
}

export class Campaigns extends APIResource {
  list(
    query: Query<typeof CAMPAIGNS, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof CAMPAIGNS, "get">> {
    return this.http.request({ method: "GET", path: CAMPAIGNS, query, options });
  }

  get(id: string, options?: RequestOptions): Promise<Campaign> {
    const params = { campaign_id: id };
    return this.http.request({ method: "GET", path: CAMPAIGN, params, options });
  }

  /** A campaign in `draft` from a CSV upload (multipart); dialling starts with `start`. */
  async create(
    input: CampaignCreate,
    options?: RequestOptions,
  ): Promise<Result<typeof CAMPAIGNS, "post">> {
    const body = await createForm(input);
    return this.http.request({ method: "POST", path: CAMPAIGNS, body, options });
  }

  /**
   * Checks a create input without storing anything: the same 400 for a bad field, and a report
   * on the CSV (contacts create would store, bad rows, repeats, do-not-call numbers, …).
   */
  async preflight(
    input: CampaignCreate,
    options?: RequestOptions,
  ): Promise<Result<typeof PREFLIGHT, "post">> {
    const body = await createForm(input);
    return this.http.request({ method: "POST", path: PREFLIGHT, body, options });
  }

  /** Changes a draft, scheduled or paused campaign (`ConflictError` in any other state). */
  update(
    id: string,
    patch: Body<typeof CAMPAIGN, "patch">,
    options?: RequestOptions,
  ): Promise<Campaign> {
    const params = { campaign_id: id };
    return this.http.request({ method: "PATCH", path: CAMPAIGN, params, body: patch, options });
  }

  /** Appends the contacts of another CSV to a draft or paused campaign (all rows or none). */
  async addContacts(
    id: string,
    contacts: Uploadable,
    fields: AddContactsOptions = {},
    options?: RequestOptions,
  ): Promise<Result<typeof CONTACTS, "post">> {
    const form = new FormData();
    if (fields.default_region) form.append("default_region", fields.default_region);
    const { blob, name } = await toBlob(contacts, "text/csv");
    form.append("contacts", blob, name);
    const params = { campaign_id: id };
    return this.http.request({ method: "POST", path: CONTACTS, params, body: form, options });
  }

  /**
   * Every contact as CSV, in dial order (status, attempts, outcomes, call ids…). Resolves to the
   * CSV text; with `path`, streams it into that file instead and resolves to the bytes written.
   */
  export(id: string, options?: RequestOptions): Promise<string>;
  export(id: string, path: string, options?: RequestOptions): Promise<number>;
  async export(
    id: string,
    pathOrOptions?: string | RequestOptions,
    maybeOptions?: RequestOptions,
  ): Promise<string | number> {
    const path = typeof pathOrOptions === "string" ? pathOrOptions : undefined;
    const options = typeof pathOrOptions === "string" ? maybeOptions : pathOrOptions;
    const req = {
      method: "GET" as const,
      path: EXPORT,
      params: { campaign_id: id },
      headers: { Accept: "text/csv" },
      options,
    };
    return this.http.send(req, async (res) => {
      if (path === undefined) return res.text();
      if (res.body === null) throw new APIConnectionError("Empty export");
      let written = 0;
      const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
      body.on("data", (chunk: Buffer) => {
        written += chunk.length;
      });
      await pipeline(body, createWriteStream(path));
      return written;
    });
  }

  start(id: string, options?: RequestOptions): Promise<Campaign> {
    return this.action(id, "start", options);
  }

  pause(id: string, options?: RequestOptions): Promise<Campaign> {
    return this.action(id, "pause", options);
  }

  resume(id: string, options?: RequestOptions): Promise<Campaign> {
    return this.action(id, "resume", options);
  }

  stop(id: string, options?: RequestOptions): Promise<Campaign> {
    return this.action(id, "stop", options);
  }

  delete(id: string, options?: RequestOptions): Promise<void> {
    const params = { campaign_id: id };
    return this.http.request({ method: "DELETE", path: CAMPAIGN, params, options });
  }

  listContacts(
    id: string,
    query: Query<typeof CONTACTS, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof CONTACTS, "get">> {
    const params = { campaign_id: id };
    return this.http.request({ method: "GET", path: CONTACTS, params, query, options });
  }

  /**
   * The campaign's live events. Reconnects with `Last-Event-ID` when the connection drops (or
   * the server asks with `reconnect`), so each event arrives once; ends after `end`.
   */
  async *streamEvents(
    id: string,
    opts: StreamEventsOptions = {},
  ): AsyncGenerator<CampaignEvent, void, undefined> {
    let lastEventId = opts.lastEventId ?? null;
    let failures = 0;
    const maxReconnects = opts.maxReconnects ?? 5;
    for (;;) {
      const idle = new AbortController();
      const signals = opts.signal ? [opts.signal, idle.signal] : [idle.signal];
      const signal = anySignal(signals);
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => idle.abort(), (opts.idleSeconds ?? 45) * 1000);
      };
      try {
        const body = await this.http.send(
          {
            method: "GET",
            path: EVENTS,
            params: { campaign_id: id },
            headers: {
              Accept: "text/event-stream",
              ...(lastEventId ? { "Last-Event-ID": lastEventId } : {}),
            },
            options: { signal, maxRetries: 0 },
          },
          async (res, attempt) => {
            attempt.clearTimeout();
            if (res.body === null) throw new APIConnectionError("Empty event stream");
            return res.body;
          },
          true,
        );
        arm();
        let received = false;
        for await (const sse of decodeEvents(watch(body, arm))) {
          received = true;
          failures = 0;
          if (sse.id) lastEventId = sse.id;
          if (sse.event === "reconnect") break;
          yield { id: sse.id, event: sse.event, data: parseData(sse.data) };
          if (sse.event === "end") return;
        }
        // Closed without `end`: reconnect at once if it carried events, else after a backoff.
        if (!received) throw new APIConnectionError("The event stream closed early");
      } catch (error) {
        if (opts.signal?.aborted) throw new APIUserAbortError(undefined, { cause: error });
        if (error instanceof APIError && error.status < 500) throw error;
        failures += 1;
        if (failures > maxReconnects) throw error;
        await sleep(backoffSeconds(failures - 1) * 1000, opts.signal);
      } finally {
        clearTimeout(timer);
        idle.abort();
      }
    }
  }

  private action(id: string, name: CampaignAction, options?: RequestOptions): Promise<Campaign> {
    return this.http.request({
      method: "POST",
      path: `/api/v1/campaigns/{campaign_id}/${name}`,
      params: { campaign_id: id },
      options,
    });
  }
}

/** The multipart form of create and preflight. */
async function createForm(input: CampaignCreate): Promise<FormData> {
  const { contacts, ...fields } = input;
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined || value === null) continue;
    if (Array.isArray(value)) for (const item of value) form.append(name, String(item));
    else if (typeof value === "object") form.append(name, JSON.stringify(value));
    else form.append(name, String(value));
  }
  const { blob, name } = await toBlob(contacts, "text/csv");
  form.append("contacts", blob, name);
  return form;
}

function parseData(data: string): unknown {
  try {
    return JSON.parse(data);
  } catch {
    return data;
  }
}

async function* watch(
  body: ReadableStream<Uint8Array>,
  onChunk: () => void,
): AsyncGenerator<Uint8Array> {
  const reader = body.getReader();
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      onChunk();
      yield value;
    }
  } finally {
    reader.releaseLock();
    await body.cancel().catch(() => undefined);
  }
}

/** AbortSignal.any for Node 18 (added in 20.3). */
function anySignal(signals: AbortSignal[]): AbortSignal {
  const controller = new AbortController();
  for (const signal of signals) {
    if (signal.aborted) {
      controller.abort(signal.reason);
      break;
    }
    signal.addEventListener("abort", () => controller.abort(signal.reason), { once: true });
  }
  return controller.signal;
}
