import { lazy, Suspense, useEffect } from "react";
import { QueryClient, QueryClientProvider, useQuery } from "@tanstack/react-query";
import { BrowserRouter, NavLink, Navigate, Route, Routes } from "react-router";
import { api, ApiError, data } from "./api/client";
import { AuthProvider, RequireAuth, useAuth } from "./auth";
import { Loading } from "./components/ui";
import { SignIn, AuthCallback } from "./routes/SignIn";

// Each screen is its own chunk: the first screen loads only the shell and sign-in.
const Agents = lazy(() => import("./routes/agents/Agents"));
const AgentDetail = lazy(() => import("./routes/agents/AgentDetail"));
const Marketplace = lazy(() => import("./routes/Marketplace"));
const Knowledge = lazy(() => import("./routes/knowledge/Knowledge"));
const Telephony = lazy(() => import("./routes/Telephony"));
const Calls = lazy(() => import("./routes/calls/Calls"));
const CallDetail = lazy(() => import("./routes/calls/CallDetail"));
const Campaigns = lazy(() => import("./routes/campaigns/Campaigns"));
const NewCampaign = lazy(() => import("./routes/campaigns/NewCampaign"));
const CampaignDetail = lazy(() => import("./routes/campaigns/CampaignDetail"));
const Widget = lazy(() => import("./routes/Widget"));
const Settings = lazy(() => import("./routes/Settings"));
const Webhooks = lazy(() => import("./routes/Webhooks"));
const DoNotCall = lazy(() => import("./routes/DoNotCall"));

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      retry: (count, error) => !(error instanceof ApiError && error.status < 500) && count < 2,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

const NAV = [
  ["/agents", "Agents"],
  ["/marketplace", "Marketplace"],
  ["/knowledge", "Knowledge"],
  ["/telephony", "Telephony"],
  ["/calls", "Calls"],
  ["/campaigns", "Campaigns"],
  ["/do-not-call", "Do not call"],
  ["/web-widget", "Widget"],
  ["/webhooks", "Webhooks"],
  ["/settings", "Settings"],
] as const;

function AccountBar() {
  const { session, switchAccount, signOut, role } = useAuth();
  // Memberships can change while signed in: refresh them from the server.
  const org = useQuery({
    queryKey: ["user-org"],
    queryFn: () => data(api.GET("/api/user/org")),
    staleTime: 60_000,
  });
  const accounts = org.data?.accounts ?? session?.accounts ?? [];
  useEffect(() => {
    if (org.data && session && !org.data.accounts.some((a) => a.account === session.account) && org.data.accounts[0]) {
      switchAccount(org.data.accounts[0].account);
    }
  }, [org.data, session, switchAccount]);
  if (!session) return null;
  return (
    <div className="account-bar">
      <label className="inline">
        <span className="label">Account</span>
        <select aria-label="Account" value={session.account} onChange={(e) => switchAccount(e.target.value)}>
          {accounts.map((a) => (
            <option key={a.account} value={a.account}>
              {a.name || a.account} ({a.role})
            </option>
          ))}
        </select>
      </label>
      <span className="muted" title="Your role in this account">
        {org.data?.user.email ?? session.email} · {role}
      </span>
      <button type="button" onClick={signOut}>
        Sign out
      </button>
    </div>
  );
}

// Keyed by account: switching accounts remounts every screen, so nothing shows another
// account's data while the new account's loads.
function AccountShell() {
  const { session } = useAuth();
  return <Shell key={session?.account ?? ""} />;
}

function Shell() {
  return (
    <div className="shell">
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Kataven Hub</span>
        <AccountBar />
      </header>
      <nav aria-label="Main" className="nav">
        {NAV.map(([to, label]) => (
          <NavLink key={to} to={to}>
            {label}
          </NavLink>
        ))}
      </nav>
      <main id="main" tabIndex={-1}>
        <Suspense fallback={<Loading />}>
          <Routes>
            <Route path="/" element={<Navigate to="/agents" replace />} />
            <Route path="/agents" element={<Agents />} />
            <Route path="/agents/:agentId" element={<AgentDetail />} />
            <Route path="/marketplace" element={<Marketplace />} />
            <Route path="/knowledge" element={<Knowledge />} />
            <Route path="/knowledge/:kind" element={<Knowledge />} />
            <Route path="/telephony" element={<Telephony />} />
            <Route path="/calls" element={<Calls />} />
            <Route path="/calls/:sessionId" element={<CallDetail />} />
            <Route path="/campaigns" element={<Campaigns />} />
            <Route path="/campaigns/new" element={<NewCampaign />} />
            <Route path="/campaigns/:campaignId" element={<CampaignDetail />} />
            <Route path="/web-widget" element={<Widget />} />
            <Route path="/do-not-call" element={<DoNotCall />} />
            <Route path="/webhooks" element={<Webhooks />} />
            <Route path="/settings" element={<Settings />} />
            <Route path="*" element={<p>This page does not exist.</p>} />
          </Routes>
        </Suspense>
      </main>
    </div>
  );
}

export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <BrowserRouter>
        <AuthProvider>
          <Routes>
            <Route path="/sign-in" element={<SignIn />} />
            <Route path="/auth/callback" element={<AuthCallback />} />
            <Route
              path="*"
              element={
                <RequireAuth>
                  <AccountShell />
                </RequireAuth>
              }
            />
          </Routes>
        </AuthProvider>
      </BrowserRouter>
    </QueryClientProvider>
  );
}
