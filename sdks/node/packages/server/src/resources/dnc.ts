import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Query, Result } from "../core/types.js";
import { type Uploadable, toBlob } from "../core/uploads.js";

const LIST = "/api/v1/dnc";
const ITEM = "/api/v1/dnc/{phone_number}";
const IMPORT = "/api/v1/dnc/import";

export interface DncImportOptions {
  /** For rows without a `reason` column value. */
  reason?: string;
  /** ISO region (e.g. `US`) for numbers written without `+`. */
  default_region?: string;
}

/** The account's do-not-call list: listed numbers are never dialled again. */
export class Dnc extends APIResource {
  list(
    query: Query<typeof LIST, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof LIST, "get">> {
    return this.http.request({ method: "GET", path: LIST, query, options });
  }

  /** Lists a number (201 when new; an already listed one answers 200 with its entry). */
  add(input: Body<typeof LIST, "post">, options?: RequestOptions): Promise<Result<typeof LIST, "post">> {
    return this.http.request({ method: "POST", path: LIST, body: input, options });
  }

  delete(phoneNumber: string, options?: RequestOptions): Promise<void> {
    const params = { phone_number: phoneNumber };
    return this.http.request({ method: "DELETE", path: ITEM, params, options });
  }

  /** Lists every number of a CSV (a `phone_number` column, optionally `reason`): all or none. */
  async importCsv(
    file: Uploadable,
    fields: DncImportOptions = {},
    options?: RequestOptions,
  ): Promise<Result<typeof IMPORT, "post">> {
    const form = new FormData();
    for (const [name, value] of Object.entries(fields)) {
      if (value !== undefined && value !== null) form.append(name, String(value));
    }
    const { blob, name } = await toBlob(file, "text/csv");
    form.append("file", blob, name);
    return this.http.request({ method: "POST", path: IMPORT, body: form, options });
  }
}
