import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Query, Result } from "../core/types.js";

const LIST = "/api/v1/marketplace/templates";
const ITEM = "/api/v1/marketplace/templates/{template_id}";
const INSTALL = "/api/v1/marketplace/templates/{template_id}/install";

export class Marketplace extends APIResource {
  list(
    query: Query<typeof LIST, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof LIST, "get">> {
    return this.http.request({ method: "GET", path: LIST, query, options });
  }

  get(id: string, options?: RequestOptions): Promise<Result<typeof ITEM, "get">> {
    return this.http.request({ method: "GET", path: ITEM, params: { template_id: id }, options });
  }

  /** Copies the template's agent, playbooks, FAQs and tool configs into the account. */
  install(
    id: string,
    input: Body<typeof INSTALL, "post"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof INSTALL, "post">> {
    const params = { template_id: id };
    return this.http.request({ method: "POST", path: INSTALL, params, body: input, options });
  }
}
