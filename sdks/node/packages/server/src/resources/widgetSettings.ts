import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Result } from "../core/types.js";

const BRANDING = "/api/v1/widget-settings";
const AGENT = "/api/v1/agents/{agent_id}/widget-settings";

export class WidgetSettings extends APIResource {
  /** The account's widget branding. */
  get(options?: RequestOptions): Promise<Result<typeof BRANDING, "get">> {
    return this.http.request({ method: "GET", path: BRANDING, options });
  }

  update(
    patch: Body<typeof BRANDING, "patch">,
    options?: RequestOptions,
  ): Promise<Result<typeof BRANDING, "patch">> {
    return this.http.request({ method: "PATCH", path: BRANDING, body: patch, options });
  }

  /** One agent's widget policy: `widget_enabled`, `auth_mode`. */
  getAgent(agentId: string, options?: RequestOptions): Promise<Result<typeof AGENT, "get">> {
    const params = { agent_id: agentId };
    return this.http.request({ method: "GET", path: AGENT, params, options });
  }

  updateAgent(
    agentId: string,
    patch: Body<typeof AGENT, "patch">,
    options?: RequestOptions,
  ): Promise<Result<typeof AGENT, "patch">> {
    const params = { agent_id: agentId };
    return this.http.request({ method: "PATCH", path: AGENT, params, body: patch, options });
  }
}
