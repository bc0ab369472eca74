// Query parameters for the calls list: the server rejects undeclared or empty-but-invalid
// parameters, so only set filters are sent, and dates become RFC 3339 instants.
import type { paths } from "../api/schema";

export type CallFilters = Omit<NonNullable<paths["/api/v1/calls"]["get"]["parameters"]["query"]>, "limit" | "offset">;
type Status = NonNullable<CallFilters["status"]>;
type Direction = NonNullable<CallFilters["direction"]>;

/** A `YYYY-MM-DD` day of the person's local calendar as the RFC 3339 instant it starts at. */
export function dayStart(day: string, plusDays = 0): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + plusDays);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function callFilters(f: { direction?: Direction | ""; status?: Status | ""; agentId?: string; fromDate?: string; toDate?: string }): CallFilters {
  const q: CallFilters = {};
  if (f.direction) q.direction = f.direction;
  if (f.status) q.status = f.status;
  if (f.agentId) q.agent_id = f.agentId;
  const from = f.fromDate ? dayStart(f.fromDate) : undefined;
  if (from) q.from = from;
  // "To" is a whole day, inclusive: the server's `to` is exclusive, so send the next midnight.
  const to = f.toDate ? dayStart(f.toDate, 1) : undefined;
  if (to) q.to = to;
  return q;
}
