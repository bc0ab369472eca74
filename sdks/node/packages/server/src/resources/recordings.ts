import { createWriteStream } from "node:fs";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as WebReadableStream } from "node:stream/web";
import { APIConnectionError, errorFromResponse } from "../core/errors.js";
import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Result } from "../core/types.js";

const RECORDING = "/api/v1/sessions/{session_id}/recording";

export class Recordings extends APIResource {
  /** A short-lived URL that plays the call's recording (`url`, `expires_at`, `content_type`). */
  get(sessionId: string, options?: RequestOptions): Promise<Result<typeof RECORDING, "get">> {
    const params = { session_id: sessionId };
    return this.http.request({ method: "GET", path: RECORDING, params, options });
  }

  /** Fetches the recording into the file at `path` (streamed); resolves to the bytes written. */
  async download(sessionId: string, path: string, options?: RequestOptions): Promise<number> {
    const { url } = await this.get(sessionId, options);
    const target = new URL(url, this.http.config.baseURL);
    let res: Response;
    try {
      res = await this.http.config.fetch(target, options?.signal ? { signal: options.signal } : {});
    } catch (cause) {
      throw new APIConnectionError(`Recording download failed: ${String(cause)}`, { cause });
    }
    if (!res.ok || res.body === null) {
      throw errorFromResponse(res.status, await res.text(), res.headers);
    }
    let written = 0;
    const body = Readable.fromWeb(res.body as WebReadableStream<Uint8Array>);
    body.on("data", (chunk: Buffer) => {
      written += chunk.length;
    });
    await pipeline(body, createWriteStream(path));
    return written;
  }
}
