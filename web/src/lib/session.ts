// The signed-in session: the JWT, when it expires, the memberships and the chosen account.
// Kept in localStorage so a reload or a new tab stays signed in until the token expires.

export interface Membership {
  account: string;
  name: string;
  role: string;
}

export interface Session {
  token: string;
  expiresAt: number; // epoch ms
  method: "password" | "oidc";
  email?: string;
  accounts: Membership[];
  account: string;
  refreshToken?: string; // OIDC only, when the issuer grants one
}

const KEY = "kataven.session";
export const REFRESH_SKEW_MS = 60_000;

export type SessionState = "none" | "valid" | "refresh" | "expired";

/** What to do with a session at `now`: use it, refresh it first, or sign in again. */
export function sessionState(s: Session | null, now: number, skewMs = REFRESH_SKEW_MS): SessionState {
  if (!s) return "none";
  if (now >= s.expiresAt) return s.refreshToken ? "refresh" : "expired";
  if (s.refreshToken && now >= s.expiresAt - skewMs) return "refresh";
  return "valid";
}

/** Wraps an async function so concurrent callers share one call in flight. */
export function singleFlight<T>(fn: () => Promise<T>): () => Promise<T> {
  let pending: Promise<T> | null = null;
  return () => {
    pending ??= fn().finally(() => {
      pending = null;
    });
    return pending;
  };
}

/** A return path after sign-in: same-origin paths only, never the sign-in page itself. */
export function safeReturnPath(path: string | null | undefined): string {
  if (!path || !path.startsWith("/") || path.startsWith("//") || path.startsWith("/\\")) return "/";
  if (path === "/sign-in" || path.startsWith("/sign-in?") || path.startsWith("/auth/")) return "/";
  return path;
}

/** The account to use: the remembered one while still a member, else the first membership. */
export function pickAccount(accounts: Membership[], preferred?: string | null): string {
  if (preferred && accounts.some((a) => a.account === preferred)) return preferred;
  return accounts[0]?.account ?? "";
}

export function loadSession(storage: Pick<Storage, "getItem"> = localStorage): Session | null {
  try {
    const raw = storage.getItem(KEY);
    if (!raw) return null;
    const s = JSON.parse(raw) as Session;
    return typeof s.token === "string" && typeof s.expiresAt === "number" ? s : null;
  } catch {
    return null;
  }
}

export function saveSession(s: Session | null, storage: Pick<Storage, "setItem" | "removeItem"> = localStorage): void {
  if (s) storage.setItem(KEY, JSON.stringify(s));
  else storage.removeItem(KEY);
}
