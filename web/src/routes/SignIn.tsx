import { useEffect, useState, type FormEvent } from "react";
import { Navigate, useNavigate, useSearchParams } from "react-router";
import { api, data, messageOf } from "../api/client";
import { useAuth, useDashboardConfig, fetchConfig } from "../auth";
import { ErrorMessage, Field, Loading } from "../components/ui";
import { completeSignIn, startSignIn } from "../lib/oidc";
import { safeReturnPath } from "../lib/session";

export function SignIn() {
  const { session, signIn, expiredNotice } = useAuth();
  const [params] = useSearchParams();
  const next = safeReturnPath(params.get("next"));
  const config = useDashboardConfig();
  const navigate = useNavigate();
  const [email, setEmail] = useState("");
  const [password, setPassword] = useState("");
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState(false);

  if (session && session.expiresAt > Date.now()) return <Navigate to={next} replace />;

  async function submit(e: FormEvent) {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const r = await data(api.POST("/api/login", { body: { email, password } }));
      if (!r.accounts.length) throw new Error("This user is not a member of any account.");
      signIn(r.token, Date.parse(r.expires_at), "password", r.accounts, { email });
      navigate(next, { replace: true });
    } catch (err) {
      setError(err);
    } finally {
      setBusy(false);
    }
  }

  return (
    <main className="sign-in" id="main">
      <h1>Sign in to Kataven Hub</h1>
      {expiredNotice ? <p role="status">Your session expired. Sign in again to continue where you were.</p> : null}
      {config.isPending ? <Loading /> : null}
      <ErrorMessage error={config.error} />
      {config.data?.oidc ? (
        <button type="button" className="primary" onClick={() => startSignIn(config.data.oidc!, next).catch(setError)}>
          Sign in with single sign-on
        </button>
      ) : null}
      {config.data?.password_login ? (
        <form onSubmit={submit} className="card stack">
          <Field label="Email">
            <input type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
          </Field>
          <Field label="Password">
            <input type="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.target.value)} />
          </Field>
          <ErrorMessage error={error} />
          <button type="submit" className="primary" disabled={busy}>
            {busy ? "Signing in…" : "Sign in"}
          </button>
        </form>
      ) : config.data && !config.data.oidc ? (
        <p className="error" role="alert">No sign-in method is configured on this server.</p>
      ) : (
        <ErrorMessage error={error} />
      )}
    </main>
  );
}

// The code can be exchanged once: a second effect run (development double-mount, a re-render)
// shares the first exchange.
let exchange: Promise<{ token: string; expiresAt: number; refreshToken?: string; email: string; accounts: { account: string; name: string; role: string }[]; returnTo: string }> | null = null;

async function exchangeCode() {
  const config = await fetchConfig();
  if (!config.oidc) throw new Error("Single sign-on is not configured on this server.");
  const { tokens, returnTo } = await completeSignIn(config.oidc, new URL(location.href));
  const r = await fetch("/api/user/org", { headers: { Authorization: `Bearer ${tokens.token}`, Accept: "application/json" } });
  if (!r.ok) throw new Error((await r.text()) || `The server refused the sign-in (${r.status})`);
  const org = (await r.json()) as { user: { email: string }; accounts: { account: string; name: string; role: string }[] };
  if (!org.accounts.length) throw new Error("This user is not a member of any account.");
  return { ...tokens, email: org.user.email, accounts: org.accounts, returnTo };
}

export function AuthCallback() {
  const { signIn } = useAuth();
  const navigate = useNavigate();
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    exchange ??= exchangeCode();
    exchange
      .then((r) => {
        if (cancelled) return;
        signIn(r.token, r.expiresAt, "oidc", r.accounts, { email: r.email, refreshToken: r.refreshToken });
        navigate(safeReturnPath(r.returnTo), { replace: true });
      })
      .catch((e) => !cancelled && setError(messageOf(e)));
    return () => {
      cancelled = true;
    };
  }, [navigate, signIn]);
  return (
    <main className="sign-in" id="main">
      <h1>Signing in…</h1>
      {error ? (
        <p className="error" role="alert">
          {error} <a href="/sign-in">Back to sign-in</a>
        </p>
      ) : (
        <Loading />
      )}
    </main>
  );
}
