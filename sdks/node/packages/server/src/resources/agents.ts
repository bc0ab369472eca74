import type { RequestOptions } from "../core/http.js";
import { APIResource } from "../core/resource.js";
import type { Body, Result } from "../core/types.js";

const AGENTS = "/api/v1/agents";
const AGENT = "/api/v1/agents/{agent_id}";
const TOOLS = "/api/v1/agents/{agent_id}/tools";

export class Agents extends APIResource {
  list(options?: RequestOptions): Promise<Result<typeof AGENTS, "get">> {
    return this.http.request({ method: "GET", path: AGENTS, options });
  }

  get(id: string, options?: RequestOptions): Promise<Result<typeof AGENT, "get">> {
    return this.http.request({ method: "GET", path: AGENT, params: { agent_id: id }, options });
  }

  create(
    input: Body<typeof AGENTS, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof AGENTS, "post">> {
    return this.http.request({ method: "POST", path: AGENTS, body: input, options });
  }

  update(
    id: string,
    patch: Body<typeof AGENT, "patch">,
    options?: RequestOptions,
  ): Promise<Result<typeof AGENT, "patch">> {
    const params = { agent_id: id };
    return this.http.request({ method: "PATCH", path: AGENT, params, body: patch, options });
  }

  delete(id: string, options?: RequestOptions): Promise<void> {
    return this.http.request({ method: "DELETE", path: AGENT, params: { agent_id: id }, options });
  }

  listTools(id: string, options?: RequestOptions): Promise<Result<typeof TOOLS, "get">> {
    return this.http.request({ method: "GET", path: TOOLS, params: { agent_id: id }, options });
  }

  /** Attach a tool to the agent or update its config (keyed by `tool_name`). */
  upsertTool(
    id: string,
    input: Body<typeof TOOLS, "post">,
    options?: RequestOptions,
  ): Promise<Result<typeof TOOLS, "post">> {
    const params = { agent_id: id };
    return this.http.request({ method: "POST", path: TOOLS, params, body: input, options });
  }

  /** The same upsert through `PUT` (the server answers both alike). */
  putTool(
    id: string,
    input: Body<typeof TOOLS, "put">,
    options?: RequestOptions,
  ): Promise<Result<typeof TOOLS, "put">> {
    const params = { agent_id: id };
    return this.http.request({ method: "PUT", path: TOOLS, params, body: input, options });
  }

  attachPlaybook(
    id: string,
    playbookId: string,
    options?: RequestOptions,
  ): Promise<Result<"/api/v1/agents/{agent_id}/playbooks", "post">> {
    return this.http.request({
      method: "POST",
      path: "/api/v1/agents/{agent_id}/playbooks",
      params: { agent_id: id },
      body: { playbook_id: playbookId },
      options,
    });
  }

  detachPlaybook(
    id: string,
    playbookId: string,
    options?: RequestOptions,
  ): Promise<Result<"/api/v1/agents/{agent_id}/playbooks/{playbook_id}", "delete">> {
    return this.http.request({
      method: "DELETE",
      path: "/api/v1/agents/{agent_id}/playbooks/{playbook_id}",
      params: { agent_id: id, playbook_id: playbookId },
      options,
    });
  }

  attachFaq(
    id: string,
    faqId: string,
    options?: RequestOptions,
  ): Promise<Result<"/api/v1/agents/{agent_id}/faqs", "post">> {
    return this.http.request({
      method: "POST",
      path: "/api/v1/agents/{agent_id}/faqs",
      params: { agent_id: id },
      body: { faq_id: faqId },
      options,
    });
  }

  detachFaq(
    id: string,
    faqId: string,
    options?: RequestOptions,
  ): Promise<Result<"/api/v1/agents/{agent_id}/faqs/{faq_id}", "delete">> {
    return this.http.request({
      method: "DELETE",
      path: "/api/v1/agents/{agent_id}/faqs/{faq_id}",
      params: { agent_id: id, faq_id: faqId },
      options,
    });
  }
}
