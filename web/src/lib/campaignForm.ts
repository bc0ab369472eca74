// The multipart fields of a campaign create (and preflight) request. Only fields the API
// declares are sent, and optional ones only when set: the server refuses unknown fields.

export const DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
export const RETRY_OUTCOMES = ["busy", "no_answer", "failed"] as const;
export type Day = (typeof DAYS)[number];
export type RetryOutcome = (typeof RETRY_OUTCOMES)[number];

export interface CallingWindow {
  start: string; // HH:MM
  end: string; // HH:MM or 24:00
  days: Day[];
  timezone: string; // "recipient" or an IANA zone
}

export interface CampaignFields {
  name: string;
  agentId: string;
  phoneNumberId: string;
  concurrency: number;
  retries: number;
  retryDelay: number;
  region: string;
  retryOn: RetryOutcome[];
  window: CallingWindow | null; // null: any time
  defaultTimezone: string;
}

const CLOCK = /^([01]\d|2[0-3]):[0-5]\d$/;

/** What is wrong with a calling window before the server is asked, or null. */
export function windowProblem(w: CallingWindow | null): string | null {
  if (!w) return null;
  if (!CLOCK.test(w.start)) return "The window's start must be a time such as 09:00.";
  if (!CLOCK.test(w.end) && w.end !== "24:00") return "The window's end must be a time such as 20:00 (24:00 for midnight).";
  if (w.days.length === 0) return "Pick at least one day for the calling window.";
  if (!w.timezone.trim()) return "Choose whose time the window is in.";
  return null;
}

export function campaignEntries(f: CampaignFields): [string, string][] {
  const out: [string, string][] = [
    ["name", f.name],
    ["agent_id", f.agentId],
    ["phone_number_id", f.phoneNumberId],
    ["max_concurrent_calls", String(f.concurrency)],
    ["retries_per_contact", String(f.retries)],
    ["retry_delay_seconds", String(f.retryDelay)],
  ];
  if (f.region.trim()) out.push(["default_region", f.region.trim().toUpperCase()]);
  // The default is all three outcomes: send retry_on only when it narrows that.
  if (f.retryOn.length < RETRY_OUTCOMES.length) {
    const chosen = RETRY_OUTCOMES.filter((o) => f.retryOn.includes(o));
    out.push(["retry_on", chosen.join(",")]);
  }
  if (f.window) {
    const days = DAYS.filter((d) => f.window!.days.includes(d));
    out.push(["calling_window", JSON.stringify({ start: f.window.start, end: f.window.end, days, timezone: f.window.timezone.trim() })]);
  }
  if (f.defaultTimezone.trim()) out.push(["default_timezone", f.defaultTimezone.trim()]);
  return out;
}

/** An empty retry_on means "all three" to the API: no outcome ticked is only meaningful
 * with no retries. */
export function retryProblem(f: Pick<CampaignFields, "retries" | "retryOn">): string | null {
  return f.retries > 0 && f.retryOn.length === 0 ? "Pick at least one outcome to retry, or set retries to 0." : null;
}
