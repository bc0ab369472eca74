import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Result } from "../core/types.js";

const USER_TOKEN = "/api/v1/widget/auth/user-token";

/**
 * The server-to-server half of widget sign-in. The browser half (guest, exchange, refresh,
 * config) is `@kataven/client`.
 */
export class WidgetAuth extends APIResource {
  /**
   * For a visitor your backend has signed in: a 5-minute, single-use `user_token` to hand to
   * the page. Authenticated with the widget key's `sk_live_` secret, not the API key.
   */
  createUserToken(
    secretKey: string,
    input: Body<typeof USER_TOKEN, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof USER_TOKEN, "post">> {
    return this.http.request({
      method: "POST",
      path: USER_TOKEN,
      body: input,
      headers: { Authorization: `Bearer ${secretKey}` },
      options,
    });
  }
}
