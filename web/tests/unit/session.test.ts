import { describe, expect, it, vi } from "vitest";
import { loadSession, pickAccount, safeReturnPath, saveSession, sessionState, singleFlight, type Session } from "../../src/lib/session";
import { usageOf } from "../../src/lib/usage";

const s = (expiresAt: number, refreshToken?: string): Session => ({
  token: "t",
  expiresAt,
  method: refreshToken ? "oidc" : "password",
  accounts: [{ account: "acme", name: "Acme", role: "owner" }],
  account: "acme",
  refreshToken,
});

describe("sessionState", () => {
  const now = 1_000_000;
  it("uses a fresh session", () => expect(sessionState(s(now + 3_600_000), now)).toBe("valid"));
  it("signs in again when a password session lapses", () => expect(sessionState(s(now), now)).toBe("expired"));
  it("refreshes an OIDC session a minute before expiry", () => {
    expect(sessionState(s(now + 30_000, "r"), now)).toBe("refresh");
    expect(sessionState(s(now + 120_000, "r"), now)).toBe("valid");
    expect(sessionState(s(now - 1, "r"), now)).toBe("refresh");
  });
  it("has none without a session", () => expect(sessionState(null, now)).toBe("none"));
});

describe("singleFlight", () => {
  it("shares one refresh among concurrent callers, then allows the next", async () => {
    let release!: (v: string) => void;
    const fn = vi.fn(() => new Promise<string>((r) => (release = r)));
    const refresh = singleFlight(fn);
    const a = refresh();
    const b = refresh();
    release("new-token");
    expect(await Promise.all([a, b])).toEqual(["new-token", "new-token"]);
    expect(fn).toHaveBeenCalledTimes(1);
    const c = refresh();
    release("newer");
    expect(await c).toBe("newer");
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it("lets a failed refresh be retried", async () => {
    const fn = vi.fn().mockRejectedValueOnce(new Error("no")).mockResolvedValueOnce("ok");
    const refresh = singleFlight(fn);
    await expect(refresh()).rejects.toThrow("no");
    await expect(refresh()).resolves.toBe("ok");
  });
});

describe("return paths", () => {
  it("keeps same-origin paths with their query", () => expect(safeReturnPath("/campaigns/camp_1?tab=live")).toBe("/campaigns/camp_1?tab=live"));
  it.each(["https://evil.test/", "//evil.test", "/\\evil.test", "", null, "/sign-in?next=/x", "/auth/callback"])("refuses %s", (p) => {
    expect(safeReturnPath(p)).toBe("/");
  });
});

describe("accounts and storage", () => {
  const accounts = [
    { account: "a", name: "A", role: "member" },
    { account: "b", name: "B", role: "admin" },
  ];
  it("keeps the remembered account while still a member", () => {
    expect(pickAccount(accounts, "b")).toBe("b");
    expect(pickAccount(accounts, "gone")).toBe("a");
    expect(pickAccount([], "b")).toBe("");
  });
  it("round-trips and clears the session", () => {
    const store = new Map<string, string>();
    const storage = { getItem: (k: string) => store.get(k) ?? null, setItem: (k: string, v: string) => void store.set(k, v), removeItem: (k: string) => void store.delete(k) };
    saveSession(s(5), storage);
    expect(loadSession(storage)).toEqual(s(5));
    saveSession(null, storage);
    expect(loadSession(storage)).toBeNull();
    store.set("kataven.session", "{not json");
    expect(loadSession(storage)).toBeNull();
  });
});

describe("usage against the caps", () => {
  it("counts in flight, the last minute and today in UTC", () => {
    const now = Date.parse("2026-12-06T10:00:00Z");
    const u = usageOf(
      [
        { status: "in_progress", created_at: "2026-12-06T09:59:30Z" },
        { status: "completed", created_at: "2026-12-06T09:00:00Z", duration_seconds: 61 },
        { status: "completed", created_at: "2026-12-05T23:59:00Z", duration_seconds: 30 },
      ],
      now,
    );
    expect(u).toEqual({ concurrent: 1, lastMinute: 1, today: 2, minutesToday: 2 });
  });
});
