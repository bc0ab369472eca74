import { describe, expect, it } from "vitest";
import { anyPending, describeEvents, EVENT_TYPES, lastOutcome, nextRetry, receives, toggleEvent, validEvents, type DeliveryLike } from "../../src/lib/webhooks";

const d = (over: Partial<DeliveryLike>): DeliveryLike => ({ status: "pending", attempts: 0, response_status: null, error: null, next_attempt_at: null, ...over });

describe("toggleEvent", () => {
  it("unticking one from all leaves every other event", () => {
    const next = toggleEvent(["*"], "call.failed", false);
    expect(next).toHaveLength(EVENT_TYPES.length - 1);
    expect(next).not.toContain("call.failed");
    expect(next).not.toContain("*");
  });

  it("ticking the last missing event becomes all", () => {
    const allButOne = EVENT_TYPES.filter((e) => e !== "campaign.failed");
    expect(toggleEvent(allButOne, "campaign.failed", true)).toEqual(["*"]);
  });

  it("keeps the catalogue's order and drops unknown names", () => {
    expect(toggleEvent(["campaign.started", "bogus"], "call.queued", true)).toEqual(["call.queued", "campaign.started"]);
  });

  it("can end with none ticked, which cannot be saved", () => {
    const none = toggleEvent(["call.queued"], "call.queued", false);
    expect(none).toEqual([]);
    expect(validEvents(none)).toBe(false);
    expect(validEvents(["*"])).toBe(true);
  });
});

describe("events as read", () => {
  it("all, some or none", () => {
    expect(describeEvents(["*"])).toBe("All events");
    expect(describeEvents(["call.completed", "call.failed"])).toBe("call.completed, call.failed");
    expect(describeEvents([])).toBe("No events");
    expect(receives(["*"], "call.ringing")).toBe(true);
    expect(receives(["call.failed"], "call.ringing")).toBe(false);
  });
});

describe("deliveries", () => {
  it("the last outcome is the HTTP code, or the error without one", () => {
    expect(lastOutcome(d({}))).toBe("Not sent yet");
    expect(lastOutcome(d({ attempts: 1, response_status: 200, status: "delivered" }))).toBe("HTTP 200");
    expect(lastOutcome(d({ attempts: 2, response_status: 503, error: "non-2xx" }))).toBe("HTTP 503: non-2xx");
    expect(lastOutcome(d({ attempts: 3, error: "timed out" }))).toBe("timed out");
    expect(lastOutcome(d({ attempts: 1 }))).toBe("No answer");
  });

  it("next retry only for a pending delivery, relative to now", () => {
    const now = Date.parse("2026-05-01T12:00:00Z");
    expect(nextRetry(d({ next_attempt_at: "2026-05-01T12:00:30Z" }), now)).toBe("in 30 s");
    expect(nextRetry(d({ next_attempt_at: "2026-05-01T12:05:00Z" }), now)).toBe("in 5 min");
    expect(nextRetry(d({ next_attempt_at: "2026-05-01T15:00:00Z" }), now)).toBe("in 3 h");
    expect(nextRetry(d({ next_attempt_at: "2026-05-01T11:59:00Z" }), now)).toBe("due now");
    expect(nextRetry(d({ status: "failed", next_attempt_at: "2026-05-01T12:00:30Z" }), now)).toBe("—");
    expect(nextRetry(d({ status: "delivered" }), now)).toBe("—");
  });

  it("polls while anything is pending", () => {
    expect(anyPending([d({ status: "delivered" }), d({ status: "pending" })])).toBe(true);
    expect(anyPending([d({ status: "delivered" }), d({ status: "failed" })])).toBe(false);
    expect(anyPending([])).toBe(false);
  });
});
