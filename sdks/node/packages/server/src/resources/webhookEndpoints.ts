import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Query, Result } from "../core/types.js";

const LIST = "/api/v1/webhook-endpoints";
const ITEM = "/api/v1/webhook-endpoints/{endpoint_id}";
const ROTATE = "/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret";
const TEST = "/api/v1/webhook-endpoints/{endpoint_id}/test";
const DELIVERIES = "/api/v1/webhook-endpoints/{endpoint_id}/deliveries";
const RETRY = "/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/retry";

/** Where the account's `call.*` and `campaign.*` events are POSTed (Standard Webhooks). */
export class WebhookEndpoints extends APIResource {
  list(options?: RequestOptions): Promise<Result<typeof LIST, "get">> {
    return this.http.request({ method: "GET", path: LIST, options });
  }

  get(id: string, options?: RequestOptions): Promise<Result<typeof ITEM, "get">> {
    return this.http.request({ method: "GET", path: ITEM, params: { endpoint_id: id }, options });
  }

  /** The answer carries the signing secret (`whsec_…`) once: store it. */
  create(
    input: Body<typeof LIST, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof LIST, "post">> {
    return this.http.request({ method: "POST", path: LIST, body: input, options });
  }

  update(
    id: string,
    patch: Body<typeof ITEM, "patch">,
    options?: RequestOptions,
  ): Promise<Result<typeof ITEM, "patch">> {
    const params = { endpoint_id: id };
    return this.http.request({ method: "PATCH", path: ITEM, params, body: patch, options });
  }

  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.http.request({ method: "DELETE", path: ITEM, params: { endpoint_id: id }, options });
  }

  /** A new signing secret (shown once); the previous one keeps signing for 24 hours. */
  rotateSecret(id: string, options?: RequestOptions): Promise<Result<typeof ROTATE, "post">> {
    return this.http.request({ method: "POST", path: ROTATE, params: { endpoint_id: id }, options });
  }

  /** Queues a `ping` event to the endpoint; resolves to the queued delivery. */
  test(id: string, options?: RequestOptions): Promise<Result<typeof TEST, "post">> {
    return this.http.request({ method: "POST", path: TEST, params: { endpoint_id: id }, options });
  }

  listDeliveries(
    id: string,
    query: Query<typeof DELIVERIES, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof DELIVERIES, "get">> {
    const params = { endpoint_id: id };
    return this.http.request({ method: "GET", path: DELIVERIES, params, query, options });
  }

  /** Sends a delivery again now (it becomes `pending`, with the same event id). */
  retryDelivery(
    id: string,
    deliveryId: string,
    options?: RequestOptions,
  ): Promise<Result<typeof RETRY, "post">> {
    const params = { endpoint_id: id, delivery_id: deliveryId };
    return this.http.request({ method: "POST", path: RETRY, params, options });
  }
}
