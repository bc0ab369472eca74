// Server-Sent Events over fetch: EventSource cannot send `Authorization` or `X-Account-ID`,
// and the campaign stream authenticates like every other API route.

export interface SseMessage {
  id?: string;
  event: string; // "message" when the server named none
  data: string;
}

/** Incremental parser of the text/event-stream format (WHATWG HTML §9.2). */
export class SseParser {
  private buffer = "";
  private data: string[] = [];
  private event = "";
  private id: string | undefined;

  /** Feeds a chunk; returns the messages it completed. */
  push(chunk: string): SseMessage[] {
    this.buffer += chunk;
    const out: SseMessage[] = [];
    let nl: number;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const width = this.buffer.startsWith("\r\n", nl) ? 2 : 1;
      this.buffer = this.buffer.slice(nl + width);
      if (line === "") {
        if (this.data.length) out.push({ id: this.id, event: this.event || "message", data: this.data.join("\n") });
        this.data = [];
        this.event = "";
        continue;
      }
      if (line.startsWith(":")) continue; // a comment (heartbeat)
      const colon = line.indexOf(":");
      const name = colon < 0 ? line : line.slice(0, colon);
      let value = colon < 0 ? "" : line.slice(colon + 1);
      if (value.startsWith(" ")) value = value.slice(1);
      if (name === "data") this.data.push(value);
      else if (name === "event") this.event = value;
      else if (name === "id" && !value.includes("\0")) this.id = value;
    }
    return out;
  }

  get lastEventId(): string | undefined {
    return this.id;
  }
}

export interface StreamOptions {
  url: string;
  headers: () => Promise<Record<string, string>>;
  onMessages: (messages: SseMessage[]) => void;
  onError?: (message: string) => void;
  signal: AbortSignal;
  retryMs?: number;
}

/** Reads the stream, reconnecting with Last-Event-ID until `end` arrives or `signal` aborts. */
export async function streamEvents(o: StreamOptions): Promise<void> {
  let lastId: string | undefined;
  while (!o.signal.aborted) {
    const parser = new SseParser();
    let ended = false;
    try {
      const headers: Record<string, string> = { ...(await o.headers()), Accept: "text/event-stream" };
      if (lastId) headers["Last-Event-ID"] = lastId;
      const response = await fetch(o.url, { headers, signal: o.signal, cache: "no-store" });
      if (!response.ok || !response.body) {
        const text = await response.text().catch(() => "");
        o.onError?.(text || `The live stream answered ${response.status}`);
        if (response.status >= 400 && response.status < 500 && response.status !== 429) return;
      } else {
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          const messages = parser.push(value);
          if (parser.lastEventId) lastId = parser.lastEventId;
          if (messages.length) o.onMessages(messages);
          if (messages.some((m) => m.event === "end")) ended = true;
        }
      }
    } catch (err) {
      if (o.signal.aborted) return;
      o.onError?.(err instanceof Error ? err.message : String(err));
    }
    if (ended) return;
    await new Promise((r) => setTimeout(r, o.retryMs ?? 1000));
  }
}
