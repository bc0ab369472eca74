/** Server-Sent Events decoding (https://html.spec.whatwg.org/multipage/server-sent-events.html). */

export interface ServerSentEvent {
  /** The `id:` of this event (null when it has none; the last seen id then still applies). */
  id: string | null;
  event: string;
  data: string;
}

/** Splits a byte stream into events; comments (`: heartbeat`) and `retry:` are dropped. */
export async function* decodeEvents(
  body: AsyncIterable<Uint8Array>,
): AsyncGenerator<ServerSentEvent> {
  const decoder = new TextDecoder();
  let buffer = "";
  let id: string | null = null;
  let event = "";
  let data: string[] = [];
  const line = function* (text: string): Generator<ServerSentEvent> {
    if (text === "") {
      if (data.length > 0) yield { id, event: event || "message", data: data.join("\n") };
      id = null;
      event = "";
      data = [];
      return;
    }
    if (text.startsWith(":")) return;
    const colon = text.indexOf(":");
    const field = colon === -1 ? text : text.slice(0, colon);
    let value = colon === -1 ? "" : text.slice(colon + 1);
    if (value.startsWith(" ")) value = value.slice(1);
    if (field === "data") data.push(value);
    else if (field === "event") event = value;
    else if (field === "id" && !value.includes("\0")) id = value;
  };
  for await (const chunk of body) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.search(/\r\n|\r|\n/)) !== -1) {
      const text = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith("\r\n", end) ? 2 : 1));
      yield* line(text);
    }
  }
}
