import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Result } from "../core/types.js";

const KEYS = "/api/v1/api-keys";

/** Listing only: creating, changing and revoking API keys is done in the Hub dashboard. */
export class ApiKeys extends APIResource {
  list(options?: RequestOptions): Promise<Result<typeof KEYS, "get">> {
    return this.http.request({ method: "GET", path: KEYS, options });
  }
}
