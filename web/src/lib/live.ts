// The campaign live view's state, folded from the REST snapshot and the SSE stream.
//
// Contact rows are set, not incremented: the stream replays the campaign's event log from the
// start (or from Last-Event-ID), so an event may describe a transition the REST page already
// shows. Counts are a tally over the rows, moved from a row's current status to its new one,
// which keeps them right under replay, duplicates and reconnects.
import type { SseMessage } from "./sse";

export const CONTACT_STATUSES = ["pending", "originated", "connected", "completed", "failed", "cancelled"] as const;
const DONE = new Set(["completed", "failed", "cancelled"]);
const IN_FLIGHT = new Set(["originated", "connected"]);

export interface LiveContact {
  id: string;
  phone_number: string;
  status: string;
  attempts: number;
  last_outcome?: string | null;
  failure_reason?: string | null;
  call_id?: string | null;
  updated_at?: string | null;
}

export interface LiveState {
  status: string;
  contacts: LiveContact[];
  index: Map<string, number>;
  counts: Record<string, number>;
  total: number; // contacts in the campaign (the server's figure when rows are not all loaded)
  dials: Map<number, number>; // minute (epoch ms, floored) → dial attempts started
  lastEventId: number;
  ended: boolean;
  reason?: string;
}

export function initialState(status: string, contacts: LiveContact[], total = contacts.length): LiveState {
  const counts: Record<string, number> = {};
  const index = new Map<string, number>();
  contacts.forEach((c, i) => {
    index.set(c.id, i);
    counts[c.status] = (counts[c.status] ?? 0) + 1;
  });
  return { status, contacts, index, counts, total: Math.max(total, contacts.length), dials: new Map(), lastEventId: 0, ended: false };
}

/** The rows as the REST API has them now (after a stop, say), keeping the stream's position. */
export function replaceContacts(state: LiveState, contacts: LiveContact[], total: number): LiveState {
  const fresh = initialState(state.status, contacts, total);
  return { ...state, contacts: fresh.contacts, index: fresh.index, counts: fresh.counts, total: fresh.total };
}

const minute = (iso: string | undefined): number | null => {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(t) ? null : Math.floor(t / 60_000) * 60_000;
};

/** Applies one batch of stream messages (one animation frame's worth). */
export function applyMessages(state: LiveState, messages: SseMessage[]): LiveState {
  if (messages.length === 0) return state;
  let contacts = state.contacts;
  let index = state.index;
  const counts = { ...state.counts };
  let dials = state.dials;
  let { status, total, lastEventId, ended, reason } = state;
  let copied = false;
  let applied = false;
  for (const m of messages) {
    const id = m.id !== undefined ? Number(m.id) : NaN;
    if (!Number.isNaN(id)) {
      if (id <= lastEventId) continue; // already applied
      lastEventId = id;
    }
    let data: Record<string, unknown>;
    try {
      data = JSON.parse(m.data) as Record<string, unknown>;
    } catch {
      continue;
    }
    applied = true;
    if (m.event === "contact") {
      const cid = String(data.contact_id ?? "");
      const next = String(data.status ?? "");
      if (!cid || !next) continue;
      if (!copied) {
        contacts = contacts.slice();
        copied = true;
      }
      const at = index.get(cid);
      const patch: Partial<LiveContact> = { status: next, updated_at: data.at as string | undefined };
      if (typeof data.attempts === "number") patch.attempts = data.attempts;
      for (const k of ["last_outcome", "failure_reason", "call_id"] as const) {
        if (k in data) patch[k] = data[k] as string | null;
      }
      if (at === undefined) {
        if (index === state.index) index = new Map(index);
        index.set(cid, contacts.length);
        contacts.push({ id: cid, phone_number: String(data.phone_number ?? ""), attempts: 0, ...patch, status: next });
        counts[next] = (counts[next] ?? 0) + 1;
        total = Math.max(total, contacts.length);
      } else {
        const before = contacts[at];
        if (before.status !== next) {
          counts[before.status] = Math.max(0, (counts[before.status] ?? 0) - 1);
          counts[next] = (counts[next] ?? 0) + 1;
        }
        contacts[at] = { ...before, ...patch };
      }
      if (next === "originated") {
        const key = minute(data.at as string | undefined);
        if (key !== null) {
          if (dials === state.dials) dials = new Map(dials);
          dials.set(key, (dials.get(key) ?? 0) + 1);
        }
      }
    } else if (m.event === "status") {
      status = String(data.status ?? status);
      if (typeof data.reason === "string") reason = data.reason;
    } else if (m.event === "end") {
      ended = true;
      if (typeof data.status === "string" && data.status !== "deleted") status = data.status;
    } else if (m.event === "message") {
      // The periodic snapshot: the server's status and totals. Counts come from it only while
      // the rows are not all loaded (they are exact otherwise).
      if (typeof data.status === "string") status = data.status;
      if (typeof data.total === "number") total = Math.max(data.total, contacts.length);
      if (total > contacts.length && data.counts && typeof data.counts === "object") {
        Object.assign(counts, data.counts as Record<string, number>);
      }
    }
  }
  if (!applied) return state; // nothing new: no re-render
  return { status, contacts, index, counts, total, dials, lastEventId, ended, reason };
}

export function progress(state: LiveState): { done: number; inFlight: number; fraction: number } {
  let done = 0;
  let inFlight = 0;
  for (const [k, v] of Object.entries(state.counts)) {
    if (DONE.has(k)) done += v;
    if (IN_FLIGHT.has(k)) inFlight += v;
  }
  return { done, inFlight, fraction: state.total ? Math.min(1, done / state.total) : 0 };
}

/** Dials per minute for the last `n` minutes ending at `now` (oldest first). */
export function dialSeries(state: LiveState, now: number, n = 30): { minute: number; dials: number }[] {
  let end = Math.floor(now / 60_000) * 60_000;
  const newest = Math.max(0, ...state.dials.keys());
  if (newest > end) end = newest;
  const out = [];
  for (let i = n - 1; i >= 0; i--) {
    const key = end - i * 60_000;
    out.push({ minute: key, dials: state.dials.get(key) ?? 0 });
  }
  return out;
}
