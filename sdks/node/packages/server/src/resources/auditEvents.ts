import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Query, Result } from "../core/types.js";

const LIST = "/api/v1/audit-events";

/** The audit log: every authenticated write and sign-in of the account, newest first. */
export class AuditEvents extends APIResource {
  list(
    query: Query<typeof LIST, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof LIST, "get">> {
    return this.http.request({ method: "GET", path: LIST, query, options });
  }
}
