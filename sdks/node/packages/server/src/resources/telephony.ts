import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Result } from "../core/types.js";

const PROVIDERS = "/api/v1/telephony/providers";
const PROVIDER = "/api/v1/telephony/providers/{provider_id}";
const NUMBERS = "/api/v1/telephony/numbers";
const NUMBER = "/api/v1/telephony/numbers/{number_id}";

export class Telephony extends APIResource {
  listProviders(options?: RequestOptions): Promise<Result<typeof PROVIDERS, "get">> {
    return this.http.request({ method: "GET", path: PROVIDERS, options });
  }

  /** Stores a carrier account's credentials (encrypted at rest, never returned). */
  createProvider(
    input: Body<typeof PROVIDERS, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof PROVIDERS, "post">> {
    return this.http.request({ method: "POST", path: PROVIDERS, body: input, options });
  }

  deleteProvider(id: string, options?: RequestOptions): Promise<void> {
    const params = { provider_id: id };
    return this.http.request({ method: "DELETE", path: PROVIDER, params, options });
  }

  listNumbers(options?: RequestOptions): Promise<Result<typeof NUMBERS, "get">> {
    return this.http.request({ method: "GET", path: NUMBERS, options });
  }

  createNumber(
    input: Body<typeof NUMBERS, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof NUMBERS, "post">> {
    return this.http.request({ method: "POST", path: NUMBERS, body: input, options });
  }

  /** `agent_id: null` unpins the number's agent. */
  updateNumber(
    id: string,
    patch: Body<typeof NUMBER, "patch">,
    options?: RequestOptions,
  ): Promise<Result<typeof NUMBER, "patch">> {
    const params = { number_id: id };
    return this.http.request({ method: "PATCH", path: NUMBER, params, body: patch, options });
  }

  deleteNumber(id: string, options?: RequestOptions): Promise<void> {
    const params = { number_id: id };
    return this.http.request({ method: "DELETE", path: NUMBER, params, options });
  }
}
