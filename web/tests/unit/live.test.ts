import { describe, expect, it } from "vitest";
import { applyMessages, dialSeries, initialState, progress } from "../../src/lib/live";
import { SseParser, type SseMessage } from "../../src/lib/sse";

const contact = (id: number, cid: string, status: string, at = "2026-12-06T08:00:10Z", extra = {}): SseMessage => ({
  id: String(id),
  event: "contact",
  data: JSON.stringify({ contact_id: cid, phone_number: "+15550000001", status, attempts: 1, at, ...extra }),
});

const base = () =>
  initialState("running", [
    { id: "ct_1", phone_number: "+15550000001", status: "pending", attempts: 0 },
    { id: "ct_2", phone_number: "+15550000002", status: "pending", attempts: 0 },
  ]);

describe("the live reducer", () => {
  it("moves counts with each contact transition and updates rows in place", () => {
    const s = applyMessages(base(), [contact(1, "ct_1", "originated"), contact(2, "ct_1", "connected"), contact(3, "ct_1", "completed", undefined, { call_id: "sess_9" })]);
    expect(s.counts).toEqual({ pending: 1, originated: 0, connected: 0, completed: 1 });
    expect(s.contacts[0]).toMatchObject({ id: "ct_1", status: "completed", call_id: "sess_9", attempts: 1 });
    expect(s.contacts[1].status).toBe("pending");
    expect(s.lastEventId).toBe(3);
    expect(progress(s)).toEqual({ done: 1, inFlight: 0, fraction: 0.5 });
  });

  it("ignores replayed and duplicate events", () => {
    const once = applyMessages(base(), [contact(1, "ct_1", "originated"), contact(2, "ct_1", "completed")]);
    const again = applyMessages(once, [contact(1, "ct_1", "originated"), contact(2, "ct_1", "completed")]);
    expect(again).toBe(once);
    expect(again.counts.completed).toBe(1);
  });

  it("keeps counts right when a replay starts behind the REST snapshot", () => {
    // The page loaded ct_1 already completed; the stream replays its history from event 1.
    const loaded = initialState("running", [{ id: "ct_1", phone_number: "+1", status: "completed", attempts: 1 }]);
    const s = applyMessages(loaded, [contact(1, "ct_1", "originated"), contact(2, "ct_1", "completed")]);
    expect(s.counts).toEqual({ completed: 1, originated: 0 });
  });

  it("adds contacts it has not seen", () => {
    const s = applyMessages(base(), [contact(1, "ct_3", "originated")]);
    expect(s.contacts).toHaveLength(3);
    expect(s.index.get("ct_3")).toBe(2);
    expect(s.total).toBe(3);
    expect(s.counts.originated).toBe(1);
  });

  it("follows status changes and the end of the stream", () => {
    let s = applyMessages(base(), [{ id: "4", event: "status", data: '{"status":"paused","previous":"running"}' }]);
    expect(s.status).toBe("paused");
    s = applyMessages(s, [{ event: "end", data: '{"status":"completed"}' }]);
    expect(s).toMatchObject({ status: "completed", ended: true });
  });

  it("takes counts from snapshots only while rows are missing", () => {
    const snapshot = (total: number): SseMessage => ({ event: "message", data: JSON.stringify({ status: "running", total, counts: { pending: 1, completed: total - 1 } }) });
    expect(applyMessages(base(), [snapshot(2)]).counts).toEqual({ pending: 2 });
    const partial = applyMessages(base(), [snapshot(10)]);
    expect(partial.total).toBe(10);
    expect(partial.counts).toEqual({ pending: 1, completed: 9 });
  });

  it("counts dials per minute from originated transitions", () => {
    const s = applyMessages(base(), [
      contact(1, "ct_1", "originated", "2026-12-06T08:00:10Z"),
      contact(2, "ct_2", "originated", "2026-12-06T08:00:50Z"),
      contact(3, "ct_1", "failed", "2026-12-06T08:01:05Z"),
      contact(4, "ct_1", "originated", "2026-12-06T08:02:01Z"),
    ]);
    const series = dialSeries(s, Date.parse("2026-12-06T08:02:30Z"), 3);
    expect(series.map((p) => p.dials)).toEqual([2, 0, 1]);
  });

  it("skips malformed data", () => {
    const s = applyMessages(base(), [{ id: "1", event: "contact", data: "{oops" }]);
    expect(s.counts).toEqual({ pending: 2 });
  });
});

describe("the SSE parser", () => {
  it("splits events across chunks, with ids, names, comments and CRLF", () => {
    const p = new SseParser();
    expect(p.push(": heartbeat\n\nid: 7\nevent: contact\nda")).toEqual([]);
    expect(p.push('ta: {"a":1}\r\n\r\ndata: {"b":2}\n\n')).toEqual([
      { id: "7", event: "contact", data: '{"a":1}' },
      { id: "7", event: "message", data: '{"b":2}' },
    ]);
    expect(p.lastEventId).toBe("7");
  });
});

describe("replaceContacts", () => {
  it("takes the REST rows and recounts, keeping the stream position and dials", async () => {
    const { replaceContacts } = await import("../../src/lib/live");
    const s = applyMessages(base(), [contact(1, "ct_1", "originated"), { id: "2", event: "end", data: '{"status":"completed"}' }]);
    const r = replaceContacts(s, [
      { id: "ct_1", phone_number: "+1", status: "completed", attempts: 1 },
      { id: "ct_2", phone_number: "+2", status: "cancelled", attempts: 0 },
    ], 2);
    expect(r.counts).toEqual({ completed: 1, cancelled: 1 });
    expect(r).toMatchObject({ lastEventId: 2, ended: true, status: "completed" });
    expect(r.dials.size).toBe(1);
  });
});

describe("a 10,000-contact campaign", () => {
  it("folds a frame of 2,000 events into 10,000 rows quickly and exactly", () => {
    const rows = Array.from({ length: 10_000 }, (_, i) => ({ id: `ct_${i}`, phone_number: `+1415555${String(i).padStart(4, "0")}`, status: "pending", attempts: 0 }));
    let s = initialState("running", rows);
    const started = performance.now();
    for (let frame = 0; frame < 5; frame++) {
      const batch: SseMessage[] = [];
      for (let i = 0; i < 2_000; i++) {
        const n = frame * 2_000 + i;
        batch.push(contact(n * 2 + 1, `ct_${n}`, "originated"), contact(n * 2 + 2, `ct_${n}`, "completed"));
      }
      s = applyMessages(s, batch);
    }
    const elapsed = performance.now() - started;
    expect(s.counts).toEqual({ pending: 0, originated: 0, completed: 10_000 });
    expect(progress(s).fraction).toBe(1);
    expect(elapsed).toBeLessThan(2_000); // five frames' worth; typically well under 200 ms
  });
});
