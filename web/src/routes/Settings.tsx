import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";
import { keys } from "../api/hooks";
import { useAuth } from "../auth";
import { Badge, ConfirmButton, ErrorMessage, Field, fmtTime, QueryState, SecretOnce } from "../components/ui";
import { usageOf } from "../lib/usage";

const ADMIN_ONLY = "Only the account's owners and admins can do this (you are a member).";

export default function Settings() {
  return (
    <section>
      <h1>Settings</h1>
      <ApiKeys />
      <CallLimits />
      <Members />
    </section>
  );
}

function ApiKeys() {
  const { isAdmin } = useAuth();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: keys.apiKeys, queryFn: () => data(api.GET("/api/v1/api-keys")) });
  const [name, setName] = useState("");
  const [expiry, setExpiry] = useState("");
  const [created, setCreated] = useState<Schemas["ApiKeyCreated"] | null>(null);
  const create = useMutation({
    mutationFn: () => data(api.POST("/api/v1/api-keys", { body: { name, expiry: expiry ? new Date(expiry).toISOString() : null } })),
    onSuccess: (k) => {
      setCreated(k);
      setName("");
      qc.invalidateQueries({ queryKey: keys.apiKeys });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => data(api.DELETE("/api/v1/api-keys/{key_id}", { params: { path: { key_id: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.apiKeys }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card stack">
      <h2>API keys</h2>
      {!isAdmin ? <p className="notice" role="note">{ADMIN_ONLY}</p> : null}
      {created ? <SecretOnce title={`API key “${created.name}”`} value={created.key} /> : null}
      <ErrorMessage error={revoke.error} />
      <QueryState query={list} isEmpty={(d) => d.length === 0} empty="No API keys yet.">
        {(d) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Key</th>
                  <th>Created</th>
                  <th>Last used</th>
                  <th>Expires</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.map((k) => (
                  <tr key={k.id}>
                    <td>
                      {k.name} {k.disabled ? <Badge value="revoked" /> : null}
                    </td>
                    <td>
                      <code>sk_live_…{k.last8}</code>
                    </td>
                    <td>{fmtTime(k.created_at)}</td>
                    <td>{fmtTime(k.last_used_at)}</td>
                    <td>{fmtTime(k.expires_at)}</td>
                    <td>
                      {k.disabled ? null : (
                        <ConfirmButton label="Revoke" question={`Revoke the API key “${k.name}”? Programs using it stop working at once.`} disabled={!isAdmin} onConfirm={() => revoke.mutate(k.id)} />
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      <form onSubmit={submit} className="row" aria-label="Create an API key">
        <Field label="Key name">
          <input value={name} onChange={(e) => setName(e.target.value)} required disabled={!isAdmin} />
        </Field>
        <Field label="Expires (optional)">
          <input type="date" value={expiry} onChange={(e) => setExpiry(e.target.value)} disabled={!isAdmin} />
        </Field>
        <button type="submit" className="primary" disabled={!isAdmin || create.isPending}>
          Create API key
        </button>
      </form>
      <ErrorMessage error={create.error} />
    </section>
  );
}

const CAPS: [keyof Schemas["CallLimitsRead"], string, keyof ReturnType<typeof usageOf>][] = [
  ["concurrent_max", "Calls at once", "concurrent"],
  ["calls_per_minute", "Calls per minute", "lastMinute"],
  ["daily_calls_max", "Calls today (UTC)", "today"],
  ["daily_minutes_max", "Minutes today (UTC)", "minutesToday"],
];

async function todaysCalls(): Promise<Schemas["CallRead"][]> {
  const midnight = new Date();
  midnight.setUTCHours(0, 0, 0, 0);
  const out: Schemas["CallRead"][] = [];
  for (let offset = 0; offset < 5000; offset += 100) {
    // The server filters to today's outbound calls (`from` is RFC 3339).
    const page = await data(api.GET("/api/v1/calls", { params: { query: { limit: 100, offset, direction: "outbound", from: midnight.toISOString() } } }));
    out.push(...page.calls);
    if (page.calls.length < 100) break;
  }
  return out;
}

function CallLimits() {
  const { isAdmin } = useAuth();
  const qc = useQueryClient();
  const limits = useQuery({ queryKey: keys.limits, queryFn: () => data(api.GET("/api/v1/call-limits")) });
  // The API exposes no live counters: usage is counted from today's calls.
  const calls = useQuery({ queryKey: [...keys.calls, "today"], queryFn: todaysCalls, refetchInterval: 15_000 });
  const [edit, setEdit] = useState<Partial<Schemas["CallLimitsRead"]>>({});
  const save = useMutation({
    mutationFn: () => data(api.PATCH("/api/v1/call-limits", { body: edit })),
    onSuccess: (l) => {
      qc.setQueryData(keys.limits, l);
      setEdit({});
    },
  });
  const usage = calls.data ? usageOf(calls.data, Date.now()) : null;
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <section className="card stack">
      <h2>Call limits</h2>
      {!isAdmin ? <p className="notice" role="note">{ADMIN_ONLY}</p> : null}
      <QueryState query={limits}>
        {(l) => (
          <form onSubmit={submit} className="stack" aria-label="Call limits">
            <div className="grid">
              {CAPS.map(([cap, label, use]) => {
                const used = usage?.[use] ?? 0;
                return (
                  <div key={cap} className="stack">
                    <Field label={label} hint={l[cap] === 0 ? "0 blocks this entirely" : undefined}>
                      <input type="number" min={0} value={edit[cap] ?? l[cap]} disabled={!isAdmin} onChange={(e) => setEdit({ ...edit, [cap]: Number(e.target.value) })} />
                    </Field>
                    <meter min={0} max={Math.max(1, l[cap])} value={used} high={l[cap] * 0.8} aria-label={`${label}: ${used} of ${l[cap]}`} />
                    <span className="muted">{usage ? `${used} of ${l[cap]} used` : calls.isError ? "usage unavailable" : "counting…"}</span>
                  </div>
                );
              })}
            </div>
            <ErrorMessage error={save.error ?? calls.error} />
            {isAdmin ? (
              <div>
                <button type="submit" className="primary" disabled={Object.keys(edit).length === 0 || save.isPending}>
                  Save limits
                </button>
              </div>
            ) : null}
          </form>
        )}
      </QueryState>
    </section>
  );
}

function Members() {
  const { session, role } = useAuth();
  const org = useQuery({ queryKey: ["user-org"], queryFn: () => data(api.GET("/api/user/org")) });
  return (
    <section className="card stack">
      <h2>Members</h2>
      <QueryState query={org}>
        {(o) => (
          <>
            <p>
              Signed in as <strong>{o.user.email}</strong>, {role} of <strong>{session?.account}</strong>.
            </p>
            <table>
              <thead>
                <tr>
                  <th>Account</th>
                  <th>Your role</th>
                </tr>
              </thead>
              <tbody>
                {o.accounts.map((a) => (
                  <tr key={a.account}>
                    <td>{a.name || a.account}</td>
                    <td>{a.role}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            <p className="muted">
              Members are added by the operator: <code>kataven-hub users add --email … --account {session?.account} --role member|admin</code>.
            </p>
          </>
        )}
      </QueryState>
    </section>
  );
}
