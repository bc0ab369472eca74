/** File inputs for multipart uploads: a Blob, a Buffer (or any bytes), or a path on disk. */

import * as fs from "node:fs";
import { basename } from "node:path";

export type Uploadable = Blob | ArrayBuffer | ArrayBufferView | string;

/** A Blob for the form. Paths become a file-backed Blob on Node ≥ 19.8 (streamed from disk). */
export async function toBlob(input: Uploadable, type: string): Promise<{ blob: Blob; name: string }> {
  if (typeof input === "string") {
    const openAsBlob = (fs as { openAsBlob?: (path: string, o: { type: string }) => Promise<Blob> })
      .openAsBlob;
    const blob = openAsBlob
      ? await openAsBlob(input, { type })
      : new Blob([await fs.promises.readFile(input)], { type });
    return { blob, name: basename(input) };
  }
  if (input instanceof Blob) {
    const name = "name" in input && typeof input.name === "string" ? input.name : "contacts.csv";
    return { blob: input, name };
  }
  // A copy: a view may sit on a SharedArrayBuffer, which Blob does not take.
  const bytes =
    input instanceof ArrayBuffer
      ? new Uint8Array(input)
      : new Uint8Array(input.buffer, input.byteOffset, input.byteLength).slice();
  return { blob: new Blob([bytes], { type }), name: "contacts.csv" };
}
