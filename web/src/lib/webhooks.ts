// Webhook endpoint logic without layout: the event filter a form edits, and how a delivery
// in the log reads.

export const EVENT_TYPES = [
  "call.queued",
  "call.ringing",
  "call.in_progress",
  "call.completed",
  "call.failed",
  "call.recording_ready",
  "campaign.started",
  "campaign.paused",
  "campaign.resumed",
  "campaign.completed",
  "campaign.failed",
  "campaign.contact_finished",
] as const;
export type EventType = (typeof EVENT_TYPES)[number] | "*";

/** Ticking or unticking one event. `["*"]` stands for all of them: unticking one from "all"
 * leaves every other, and ticking the last missing one becomes "all" again. */
export function toggleEvent(current: readonly string[], event: (typeof EVENT_TYPES)[number], on: boolean): EventType[] {
  const all = current.includes("*");
  const set = new Set<string>(all ? EVENT_TYPES : current.filter((e) => (EVENT_TYPES as readonly string[]).includes(e)));
  if (on) set.add(event);
  else set.delete(event);
  if (EVENT_TYPES.every((e) => set.has(e))) return ["*"];
  return EVENT_TYPES.filter((e) => set.has(e));
}

export const receives = (events: readonly string[], event: string): boolean => events.includes("*") || events.includes(event);

/** The event filter as a person reads it. */
export function describeEvents(events: readonly string[]): string {
  if (events.includes("*")) return "All events";
  if (events.length === 0) return "No events";
  return events.join(", ");
}

/** The API needs at least one event: a form with none ticked cannot be saved. */
export const validEvents = (events: readonly string[]): boolean => events.length > 0;

export interface DeliveryLike {
  status: "pending" | "delivered" | "failed";
  attempts: number;
  response_status: number | null;
  error: string | null;
  next_attempt_at: string | null;
}

/** What the last attempt came to: the HTTP code, or the error when there was no answer. */
export function lastOutcome(d: DeliveryLike): string {
  if (d.attempts === 0) return "Not sent yet";
  if (d.response_status != null) return d.error ? `HTTP ${d.response_status}: ${d.error}` : `HTTP ${d.response_status}`;
  return d.error ?? "No answer";
}

/** When a pending delivery is tried next, relative to `now` ("in 30 s", "due now"). */
export function nextRetry(d: DeliveryLike, now: number): string {
  if (d.status !== "pending" || !d.next_attempt_at) return "—";
  const ms = Date.parse(d.next_attempt_at) - now;
  if (Number.isNaN(ms)) return "—";
  if (ms <= 0) return "due now";
  const s = Math.round(ms / 1000);
  if (s < 60) return `in ${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `in ${m} min`;
  const h = Math.round(m / 60);
  return `in ${h} h`;
}

/** The log is polled while something is still pending, and left alone once all is settled. */
export const anyPending = (ds: readonly DeliveryLike[]): boolean => ds.some((d) => d.status === "pending");
