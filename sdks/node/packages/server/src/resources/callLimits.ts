import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Result } from "../core/types.js";

const LIMITS = "/api/v1/call-limits";

export class CallLimits extends APIResource {
  /** The account's call cost caps and today's usage. */
  get(options?: RequestOptions): Promise<Result<typeof LIMITS, "get">> {
    return this.http.request({ method: "GET", path: LIMITS, options });
  }
}
