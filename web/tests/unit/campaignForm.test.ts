import { describe, expect, it } from "vitest";
import { campaignEntries, retryProblem, windowProblem, type CampaignFields } from "../../src/lib/campaignForm";

const base: CampaignFields = {
  name: "Spring",
  agentId: "agt_1",
  phoneNumberId: "num_1",
  concurrency: 2,
  retries: 1,
  retryDelay: 300,
  region: "",
  retryOn: ["busy", "no_answer", "failed"],
  window: null,
  defaultTimezone: "",
};

describe("campaignEntries", () => {
  it("sends only the required fields when nothing optional is set", () => {
    expect(Object.fromEntries(campaignEntries(base))).toEqual({
      name: "Spring",
      agent_id: "agt_1",
      phone_number_id: "num_1",
      max_concurrent_calls: "2",
      retries_per_contact: "1",
      retry_delay_seconds: "300",
    });
  });

  it("narrows retry_on in the API's order, comma separated", () => {
    const m = Object.fromEntries(campaignEntries({ ...base, retryOn: ["failed", "busy"] }));
    expect(m.retry_on).toBe("busy,failed");
  });

  it("writes the calling window as JSON with days in week order", () => {
    const m = Object.fromEntries(
      campaignEntries({ ...base, region: " gb ", defaultTimezone: "Europe/London", window: { start: "09:00", end: "24:00", days: ["fri", "mon"], timezone: "recipient" } }),
    );
    expect(JSON.parse(m.calling_window)).toEqual({ start: "09:00", end: "24:00", days: ["mon", "fri"], timezone: "recipient" });
    expect(m.default_region).toBe("GB");
    expect(m.default_timezone).toBe("Europe/London");
  });
});

describe("problems found before asking the server", () => {
  it("a calling window needs times, days and a zone", () => {
    const w = { start: "09:00", end: "20:00", days: ["mon" as const], timezone: "recipient" };
    expect(windowProblem(null)).toBeNull();
    expect(windowProblem(w)).toBeNull();
    expect(windowProblem({ ...w, start: "9am" })).toMatch(/start/);
    expect(windowProblem({ ...w, end: "24:30" })).toMatch(/end/);
    expect(windowProblem({ ...w, days: [] })).toMatch(/day/);
    expect(windowProblem({ ...w, timezone: " " })).toMatch(/time/);
  });

  it("no outcome ticked only without retries", () => {
    expect(retryProblem({ retries: 2, retryOn: [] })).toMatch(/outcome/);
    expect(retryProblem({ retries: 0, retryOn: [] })).toBeNull();
    expect(retryProblem({ retries: 2, retryOn: ["busy"] })).toBeNull();
  });
});
