// Usage against the call caps, counted from the account's outbound calls (the API exposes
// the caps, not the live counters): in flight, the last 60 s, and today in UTC.
const IN_FLIGHT = new Set(["queued", "ringing", "in_progress"]);

export interface CallLike {
  status: string;
  created_at: string;
  duration_seconds?: number | null;
}

export function usageOf(calls: CallLike[], now: number) {
  const midnight = new Date(now);
  midnight.setUTCHours(0, 0, 0, 0);
  let concurrent = 0;
  let lastMinute = 0;
  let today = 0;
  let minutesToday = 0;
  for (const c of calls) {
    const at = Date.parse(c.created_at);
    if (IN_FLIGHT.has(c.status)) concurrent++;
    if (at > now - 60_000) lastMinute++;
    if (at >= midnight.getTime()) {
      today++;
      if (c.duration_seconds) minutesToday += Math.ceil(c.duration_seconds / 60);
    }
  }
  return { concurrent, lastMinute, today, minutesToday };
}
