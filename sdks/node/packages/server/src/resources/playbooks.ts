import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Query, Result } from "../core/types.js";

const LIST = "/api/v1/playbooks";
const ITEM = "/api/v1/playbooks/{playbook_id}";

export class Playbooks extends APIResource {
  list(
    query: Query<typeof LIST, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof LIST, "get">> {
    return this.http.request({ method: "GET", path: LIST, query, options });
  }

  get(idOrName: string, options?: RequestOptions): Promise<Result<typeof ITEM, "get">> {
    return this.http.request({ method: "GET", path: ITEM, params: { playbook_id: idOrName }, options });
  }

  create(
    input: Body<typeof LIST, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof LIST, "post">> {
    return this.http.request({ method: "POST", path: LIST, body: input, options });
  }

  update(
    idOrName: string,
    patch: Body<typeof ITEM, "put">,
    options?: RequestOptions,
  ): Promise<Result<typeof ITEM, "put">> {
    const params = { playbook_id: idOrName };
    return this.http.request({ method: "PUT", path: ITEM, params, body: patch, options });
  }

  delete(idOrName: string, options?: RequestOptions): Promise<void> {
    return this.http.request({ method: "DELETE", path: ITEM, params: { playbook_id: idOrName }, options });
  }
}
