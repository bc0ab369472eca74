export { DEFAULT_BASE_URL, Kataven, type KatavenOptions } from "./client.js";
export { Kataven as default } from "./client.js";
export * from "./core/errors.js";
export { VERSION, type HttpMethod, type RequestOptions } from "./core/http.js";
export type { Body, Query, Result, Schemas } from "./core/types.js";
export type { Uploadable } from "./core/uploads.js";
export type {
  AddContactsOptions,
  CallingWindow,
  CampaignAction,
  CampaignCreate,
  CampaignEvent,
  StreamEventsOptions,
} from "./resources/campaigns.js";
export type { DncImportOptions } from "./resources/dnc.js";
export type { components, paths } from "./generated/openapi.js";
