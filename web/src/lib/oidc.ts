// OIDC Authorization Code + PKCE (RFC 7636) with a public client: no secret in the browser.
export interface OidcConfig {
  issuer: string;
  client_id: string;
  scopes: string;
}

interface Discovery {
  authorization_endpoint: string;
  token_endpoint: string;
  end_session_endpoint?: string;
}

export interface OidcTokens {
  token: string;
  expiresAt: number;
  refreshToken?: string;
}

const PENDING = "kataven.oidc";

const base64url = (bytes: Uint8Array): string =>
  btoa(String.fromCharCode(...bytes)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");

export function randomString(bytes = 32): string {
  return base64url(crypto.getRandomValues(new Uint8Array(bytes)));
}

export async function challengeOf(verifier: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier));
  return base64url(new Uint8Array(digest));
}

async function discover(issuer: string): Promise<Discovery> {
  const r = await fetch(`${issuer.replace(/\/$/, "")}/.well-known/openid-configuration`);
  if (!r.ok) throw new Error(`The sign-in service answered ${r.status}`);
  return (await r.json()) as Discovery;
}

const redirectUri = (): string => `${location.origin}/auth/callback`;

export async function startSignIn(config: OidcConfig, returnTo: string): Promise<void> {
  const d = await discover(config.issuer);
  const verifier = randomString(48);
  const state = randomString(16);
  sessionStorage.setItem(PENDING, JSON.stringify({ verifier, state, returnTo }));
  const url = new URL(d.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: "code",
    client_id: config.client_id,
    redirect_uri: redirectUri(),
    scope: config.scopes,
    state,
    code_challenge: await challengeOf(verifier),
    code_challenge_method: "S256",
  }).toString();
  location.assign(url.toString());
}

function tokensFrom(body: Record<string, unknown>, now: number): OidcTokens {
  // The API verifies JWTs: an opaque access token cannot be checked, the ID token can.
  const access = typeof body.access_token === "string" ? body.access_token : "";
  const token = access.split(".").length === 3 ? access : String(body.id_token ?? "");
  if (!token) throw new Error("The sign-in service returned no usable token");
  const ttl = typeof body.expires_in === "number" ? body.expires_in : 3600;
  return {
    token,
    expiresAt: now + ttl * 1000,
    refreshToken: typeof body.refresh_token === "string" ? body.refresh_token : undefined,
  };
}

async function tokenRequest(config: OidcConfig, form: Record<string, string>): Promise<OidcTokens> {
  const d = await discover(config.issuer);
  const r = await fetch(d.token_endpoint, {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ client_id: config.client_id, ...form }),
  });
  const body = (await r.json().catch(() => ({}))) as Record<string, unknown>;
  if (!r.ok) throw new Error(String(body.error_description ?? body.error ?? `Sign-in failed (${r.status})`));
  return tokensFrom(body, Date.now());
}

/** Finishes the redirect: checks `state`, swaps the code for tokens. Returns where to go next. */
export async function completeSignIn(config: OidcConfig, url: URL): Promise<{ tokens: OidcTokens; returnTo: string }> {
  const pending = JSON.parse(sessionStorage.getItem(PENDING) ?? "null") as
    | { verifier: string; state: string; returnTo: string }
    | null;
  sessionStorage.removeItem(PENDING);
  const error = url.searchParams.get("error");
  if (error) throw new Error(url.searchParams.get("error_description") ?? error);
  if (!pending || pending.state !== url.searchParams.get("state")) throw new Error("The sign-in response does not match this browser's request; try again.");
  const tokens = await tokenRequest(config, {
    grant_type: "authorization_code",
    code: url.searchParams.get("code") ?? "",
    redirect_uri: redirectUri(),
    code_verifier: pending.verifier,
  });
  return { tokens, returnTo: pending.returnTo };
}

export function refresh(config: OidcConfig, refreshToken: string): Promise<OidcTokens> {
  return tokenRequest(config, { grant_type: "refresh_token", refresh_token: refreshToken });
}
