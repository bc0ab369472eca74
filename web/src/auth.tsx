// Who is signed in, into which account; sign-in, sign-out, account switching, and sending an
// expired session back to sign-in with the page it was on.
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Navigate, useLocation } from "react-router";
import { configureAuth, errorOf } from "./api/client";
import { refresh as oidcRefresh, type OidcConfig } from "./lib/oidc";
import { loadSession, pickAccount, saveSession, type Membership, type Session } from "./lib/session";

export interface DashboardConfig {
  password_login: boolean;
  oidc: OidcConfig | null;
}

interface AuthValue {
  session: Session | null;
  role: string;
  isAdmin: boolean;
  signIn: (token: string, expiresAt: number, method: Session["method"], accounts: Membership[], extra?: Partial<Session>) => void;
  signOut: () => void;
  switchAccount: (account: string) => void;
  expiredNotice: boolean;
}

const AuthContext = createContext<AuthValue | null>(null);
const LAST_ACCOUNT = "kataven.account";

export function useAuth(): AuthValue {
  const v = useContext(AuthContext);
  if (!v) throw new Error("useAuth outside AuthProvider");
  return v;
}

export async function fetchConfig(): Promise<DashboardConfig> {
  const r = await fetch("/api/dashboard/config", { headers: { Accept: "application/json" } });
  if (r.status === 404) return { password_login: true, oidc: null }; // a server without it
  if (!r.ok) throw await errorOf(r);
  return (await r.json()) as DashboardConfig;
}

export function useDashboardConfig() {
  return useQuery({ queryKey: ["dashboard-config"], queryFn: fetchConfig, staleTime: Infinity });
}

export function AuthProvider({ children }: { children: ReactNode }) {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [expiredNotice, setExpiredNotice] = useState(false);
  const current = useRef(session);
  const queryClient = useQueryClient();

  const update = useCallback((s: Session | null) => {
    current.current = s;
    saveSession(s);
    setSession(s);
  }, []);

  useEffect(() => {
    configureAuth({
      get: () => current.current,
      refresh: async (s) => {
        const config = await fetchConfig();
        if (!config.oidc || !s.refreshToken) throw new Error("no refresh");
        const t = await oidcRefresh(config.oidc, s.refreshToken);
        const next = { ...s, token: t.token, expiresAt: t.expiresAt, refreshToken: t.refreshToken ?? s.refreshToken };
        update(next);
        return next;
      },
      expired: () => {
        if (current.current) setExpiredNotice(true);
        update(null);
      },
    });
  }, [update]);

  const value = useMemo<AuthValue>(() => {
    const role = session?.accounts.find((a) => a.account === session.account)?.role ?? "member";
    return {
      session,
      role,
      isAdmin: role === "owner" || role === "admin",
      expiredNotice,
      signIn: (token, expiresAt, method, accounts, extra) => {
        setExpiredNotice(false);
        queryClient.clear();
        update({ token, expiresAt, method, accounts, account: pickAccount(accounts, localStorage.getItem(LAST_ACCOUNT)), ...extra });
      },
      signOut: () => {
        setExpiredNotice(false);
        queryClient.clear();
        update(null);
      },
      switchAccount: (account) => {
        if (!session) return;
        localStorage.setItem(LAST_ACCOUNT, account);
        queryClient.clear();
        update({ ...session, account });
      },
    };
  }, [session, expiredNotice, queryClient, update]);

  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

/** Renders the page when signed in; otherwise sign-in, coming back here afterwards. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { session } = useAuth();
  const location = useLocation();
  if (!session || session.expiresAt <= Date.now() && !session.refreshToken) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  return <>{children}</>;
}
