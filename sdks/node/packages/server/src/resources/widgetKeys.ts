import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Result } from "../core/types.js";

const KEYS = "/api/v1/widget-keys";
const KEY = "/api/v1/widget-keys/{key_id}";

export class WidgetKeys extends APIResource {
  list(options?: RequestOptions): Promise<Result<typeof KEYS, "get">> {
    return this.http.request({ method: "GET", path: KEYS, options });
  }

  get(id: string, options?: RequestOptions): Promise<Result<typeof KEY, "get">> {
    return this.http.request({ method: "GET", path: KEY, params: { key_id: id }, options });
  }

  /** A `pk_live_` / `sk_live_` pair; both are returned once, in this answer only. */
  create(
    input: Body<typeof KEYS, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof KEYS, "post">> {
    return this.http.request({ method: "POST", path: KEYS, body: input, options });
  }

  /** `domain_allowlist` replaces the whole list; `disabled: true` revokes the key. */
  update(
    id: string,
    patch: Body<typeof KEY, "patch">,
    options?: RequestOptions,
  ): Promise<Result<typeof KEY, "patch">> {
    const params = { key_id: id };
    return this.http.request({ method: "PATCH", path: KEY, params, body: patch, options });
  }

  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.http.request({ method: "DELETE", path: KEY, params: { key_id: id }, options });
  }
}
