import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Query, Result } from "../core/types.js";

const CALLS = "/api/v1/calls";
const ORIGINATE = "/api/v1/calls/originate";
const CALL = "/api/v1/calls/{session_id}";
const HANGUP = "/api/v1/calls/{session_id}/hangup";

export class Calls extends APIResource {
  /** Places an outbound call within the account's cost caps (`CostCapError` when one is reached). */
  originate(
    input: Body<typeof ORIGINATE, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof ORIGINATE, "post">> {
    return this.http.request({ method: "POST", path: ORIGINATE, body: input, options });
  }

  list(
    query: Query<typeof CALLS, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof CALLS, "get">> {
    return this.http.request({ method: "GET", path: CALLS, query, options });
  }

  get(sessionId: string, options?: RequestOptions): Promise<Result<typeof CALL, "get">> {
    const params = { session_id: sessionId };
    return this.http.request({ method: "GET", path: CALL, params, options });
  }

  /**
   * Ends a call in flight through its carrier; resolves to the call as it is now (the final
   * status arrives with the carrier's callback). `ConflictError` once it has ended.
   */
  hangup(sessionId: string, options?: RequestOptions): Promise<Result<typeof HANGUP, "post">> {
    const params = { session_id: sessionId };
    return this.http.request({ method: "POST", path: HANGUP, params, options });
  }
}
