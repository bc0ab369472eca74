import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Query, Result } from "../core/types.js";

const LIST = "/api/v1/integrations";
const ITEM = "/api/v1/integrations/{integration_id}";
const INSTALL = "/api/v1/integrations/{integration_id}/install";
const UNINSTALL = "/api/v1/integrations/{integration_id}/uninstall";

export class Integrations extends APIResource {
  list(
    query: Query<typeof LIST, "get"> = {},
    options?: RequestOptions,
  ): Promise<Result<typeof LIST, "get">> {
    return this.http.request({ method: "GET", path: LIST, query, options });
  }

  get(id: string, options?: RequestOptions): Promise<Result<typeof ITEM, "get">> {
    const params = { integration_id: id };
    return this.http.request({ method: "GET", path: ITEM, params, options });
  }

  /** Stores the integration's credentials (encrypted; never returned) and enables its tools. */
  install(
    id: string,
    input: Body<typeof INSTALL, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof INSTALL, "post">> {
    const params = { integration_id: id };
    return this.http.request({ method: "POST", path: INSTALL, params, body: input, options });
  }

  uninstall(id: string, options?: RequestOptions): Promise<Result<typeof UNINSTALL, "post">> {
    const params = { integration_id: id };
    return this.http.request({ method: "POST", path: UNINSTALL, params, options });
  }

  nativeTools(options?: RequestOptions): Promise<Result<"/api/v1/native-tools", "get">> {
    return this.http.request({ method: "GET", path: "/api/v1/native-tools", options });
  }

  mcpConnections(options?: RequestOptions): Promise<Result<"/api/v1/mcp-connections", "get">> {
    return this.http.request({ method: "GET", path: "/api/v1/mcp-connections", options });
  }
}
