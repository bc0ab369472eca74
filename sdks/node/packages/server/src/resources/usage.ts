import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Query, Result } from "../core/types.js";

const USAGE = "/api/v1/usage";

export class Usage extends APIResource {
  /** Calls and talk minutes per UTC day (default) or hour, zeros included. */
  get(
    query: Query<typeof USAGE, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof USAGE, "get">> {
    return this.http.request({ method: "GET", path: USAGE, query, options });
  }
}
