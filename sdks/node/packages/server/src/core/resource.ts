import type { HttpClient } from "./http.js";

/** A group of operations (`client.agents`, `client.campaigns`, …) sharing the client's transport. */
export abstract class APIResource {
  constructor(protected readonly http: HttpClient) {}
}
