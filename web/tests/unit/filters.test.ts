import { describe, expect, it } from "vitest";
import { callFilters, dayStart } from "../../src/lib/filters";

describe("callFilters", () => {
  it("leaves out filters that are not set", () => {
    expect(callFilters({ direction: "", status: "", agentId: "", fromDate: "", toDate: "" })).toEqual({});
  });

  it("sends direction, status and agent as they are", () => {
    expect(callFilters({ direction: "inbound", status: "completed", agentId: "agt_1" })).toEqual({
      direction: "inbound",
      status: "completed",
      agent_id: "agt_1",
    });
  });

  it("turns days into RFC 3339 instants, the end day inclusive", () => {
    const q = callFilters({ fromDate: "2026-03-01", toDate: "2026-03-01" });
    expect(q.from).toBe(new Date(2026, 2, 1).toISOString());
    expect(q.to).toBe(new Date(2026, 2, 2).toISOString());
    expect(Date.parse(q.to!) - Date.parse(q.from!)).toBeGreaterThanOrEqual(23 * 3600_000);
    expect(q.from).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/);
  });

  it("ignores a malformed day", () => {
    expect(dayStart("03/01/2026")).toBeUndefined();
    expect(callFilters({ fromDate: "yesterday" })).toEqual({});
  });

  it("rolls over month ends", () => {
    expect(dayStart("2026-01-31", 1)).toBe(new Date(2026, 1, 1).toISOString());
  });
});
