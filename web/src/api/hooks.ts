// TanStack Query keys and shared reads; screens hold their own one-off mutations.
import { useQuery } from "@tanstack/react-query";
import { api, data } from "./client";

export const keys = {
  agents: ["agents"] as const,
  agent: (id: string) => ["agents", id] as const,
  agentTools: (id: string) => ["agents", id, "tools"] as const,
  tools: ["tools"] as const,
  playbooks: ["playbooks"] as const,
  faqs: ["faqs"] as const,
  numbers: ["numbers"] as const,
  providers: ["providers"] as const,
  calls: ["calls"] as const,
  campaigns: ["campaigns"] as const,
  widgetKeys: ["widget-keys"] as const,
  branding: ["widget-settings"] as const,
  apiKeys: ["api-keys"] as const,
  limits: ["call-limits"] as const,
  webhooks: ["webhook-endpoints"] as const,
  webhookDeliveries: (id: string) => ["webhook-endpoints", id, "deliveries"] as const,
  dnc: ["dnc"] as const,
};

export const useAgents = () => useQuery({ queryKey: keys.agents, queryFn: () => data(api.GET("/api/v1/agents")) });
export const useNumbers = () =>
  useQuery({ queryKey: keys.numbers, queryFn: () => data(api.GET("/api/v1/telephony/numbers")) });
export const useTools = () =>
  useQuery({ queryKey: keys.tools, queryFn: () => data(api.GET("/api/v1/tools", { params: { query: { limit: 100 } } })) });
export const usePlaybooks = () =>
  useQuery({ queryKey: keys.playbooks, queryFn: () => data(api.GET("/api/v1/playbooks", { params: { query: { limit: 100 } } })) });
export const useFaqs = () => useQuery({ queryKey: keys.faqs, queryFn: () => data(api.GET("/api/v1/faqs")) });
