import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";
import { keys, useAgents, useNumbers } from "../api/hooks";
import { ConfirmButton, ErrorMessage, Field, QueryState, Toggle } from "../components/ui";

// Which secrets each carrier's credential needs (the API checks them too).
const CARRIERS: Record<string, string[]> = {
  sandbox: [],
  twilio: ["account_sid", "auth_token"],
  plivo: ["auth_id", "auth_token"],
  vobiz: ["auth_id", "auth_token"],
};

export default function Telephony() {
  return (
    <section>
      <h1>Telephony</h1>
      <Providers />
      <Numbers />
    </section>
  );
}

function Providers() {
  const qc = useQueryClient();
  const providers = useQuery({ queryKey: keys.providers, queryFn: () => data(api.GET("/api/v1/telephony/providers")) });
  const [provider, setProvider] = useState("sandbox");
  const [label, setLabel] = useState("");
  const [secrets, setSecrets] = useState<Record<string, string>>({});
  const create = useMutation({
    mutationFn: () =>
      data(api.POST("/api/v1/telephony/providers", { body: { provider, label, credentials: Object.fromEntries(CARRIERS[provider].map((k) => [k, secrets[k] ?? ""])) } })),
    onSuccess: () => {
      setSecrets({});
      setLabel("");
      qc.invalidateQueries({ queryKey: keys.providers });
    },
  });
  const remove = useMutation({
    mutationFn: (id: string) => data(api.DELETE("/api/v1/telephony/providers/{provider_id}", { params: { path: { provider_id: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.providers }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card stack">
      <h2>Carrier credentials</h2>
      <QueryState query={providers} isEmpty={(d) => d.providers.length === 0} empty="No carrier credentials yet. Add the sandbox to try calls without a carrier account.">
        {(d) => (
          <ul className="list">
            {d.providers.map((p) => (
              <li key={p.id}>
                <strong>{p.label || p.provider}</strong> <span className="muted">{p.provider} · secrets set: {p.credential_keys.join(", ") || "none needed"}</span>{" "}
                <ConfirmButton label="Delete" question={`Delete the ${p.provider} credential “${p.label || p.id}”?`} onConfirm={() => remove.mutate(p.id)} />
              </li>
            ))}
          </ul>
        )}
      </QueryState>
      <ErrorMessage error={remove.error} />
      <form onSubmit={submit} className="stack" aria-label="Add carrier credentials">
        <div className="grid">
          <Field label="Carrier">
            <select value={provider} onChange={(e) => setProvider(e.target.value)}>
              {Object.keys(CARRIERS).map((c) => (
                <option key={c}>{c}</option>
              ))}
            </select>
          </Field>
          <Field label="Label">
            <input value={label} onChange={(e) => setLabel(e.target.value)} />
          </Field>
          {CARRIERS[provider].map((k) => (
            <Field key={k} label={k} hint="Write-only: never shown again">
              <input type="password" autoComplete="off" required value={secrets[k] ?? ""} onChange={(e) => setSecrets({ ...secrets, [k]: e.target.value })} />
            </Field>
          ))}
        </div>
        <ErrorMessage error={create.error} />
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Add credentials
          </button>
        </div>
      </form>
    </section>
  );
}

function Numbers() {
  const qc = useQueryClient();
  const numbers = useNumbers();
  const agents = useAgents();
  const providers = useQuery({ queryKey: keys.providers, queryFn: () => data(api.GET("/api/v1/telephony/providers")) });
  const [e164, setE164] = useState("");
  const [credentialsId, setCredentialsId] = useState("");
  const [agentId, setAgentId] = useState("");
  const [rollback, setRollback] = useState<string | null>(null);
  const creds = providers.data?.providers ?? [];
  const chosen = creds.find((c) => c.id === credentialsId) ?? creds[0];
  const create = useMutation({
    mutationFn: () =>
      data(api.POST("/api/v1/telephony/numbers", { body: { e164: e164.trim(), provider: chosen!.provider, credentials_id: chosen!.id, agent_id: agentId || null } })),
    onSuccess: () => {
      setE164("");
      qc.invalidateQueries({ queryKey: keys.numbers });
    },
  });
  // Switches and pinning update the row at once; a refusal puts it back and says why.
  const patch = useMutation({
    mutationFn: (v: { id: string; body: Schemas["NumberUpdate"] }) =>
      data(api.PATCH("/api/v1/telephony/numbers/{number_id}", { params: { path: { number_id: v.id } }, body: v.body })),
    onMutate: async (v) => {
      setRollback(null);
      await qc.cancelQueries({ queryKey: keys.numbers });
      const before = qc.getQueryData<Schemas["NumberList"]>(keys.numbers);
      qc.setQueryData<Schemas["NumberList"]>(keys.numbers, (d) =>
        d ? { numbers: d.numbers.map((n) => (n.id === v.id ? ({ ...n, ...v.body } as Schemas["NumberRead"]) : n)) } : d,
      );
      return { before };
    },
    onError: (e, _v, ctx) => {
      if (ctx?.before) qc.setQueryData(keys.numbers, ctx.before);
      setRollback(`Change undone: ${e instanceof Error ? e.message : String(e)}`);
    },
    onSettled: () => qc.invalidateQueries({ queryKey: keys.numbers }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => data(api.DELETE("/api/v1/telephony/numbers/{number_id}", { params: { path: { number_id: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.numbers }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const agentList = agents.data ?? [];
  return (
    <section className="card stack">
      <h2>Phone numbers</h2>
      {rollback ? <p className="error" role="alert">{rollback}</p> : null}
      <ErrorMessage error={remove.error} />
      <QueryState query={numbers} isEmpty={(d) => d.numbers.length === 0} empty="No numbers yet.">
        {(d) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Number</th>
                  <th>Carrier</th>
                  <th>Agent</th>
                  <th>Inbound</th>
                  <th>Outbound</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.numbers.map((n) => (
                  <tr key={n.id}>
                    <td>{n.e164}</td>
                    <td>{n.provider}</td>
                    <td>
                      <select aria-label={`Agent for ${n.e164}`} value={n.agent_id ?? ""} onChange={(e) => patch.mutate({ id: n.id, body: { agent_id: e.target.value || null } })}>
                        <option value="">Not pinned</option>
                        {agentList.map((a) => (
                          <option key={a.id} value={a.id}>
                            {a.name}
                          </option>
                        ))}
                      </select>
                    </td>
                    <td>
                      <Toggle label={`Inbound calls on ${n.e164}`} checked={n.inbound_enabled} onToggle={(v) => patch.mutateAsync({ id: n.id, body: { inbound_enabled: v } })} />
                    </td>
                    <td>
                      <Toggle label={`Outbound calls from ${n.e164}`} checked={n.outbound_enabled} onToggle={(v) => patch.mutateAsync({ id: n.id, body: { outbound_enabled: v } })} />
                    </td>
                    <td>
                      <ConfirmButton label="Delete" question={`Delete the number ${n.e164}?`} onConfirm={() => remove.mutate(n.id)} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      <form onSubmit={submit} className="stack" aria-label="Add a number">
        <h3>Add a number</h3>
        {creds.length === 0 ? <p className="muted">Add carrier credentials first.</p> : null}
        <div className="grid">
          <Field label="Phone number (E.164)">
            <input value={e164} onChange={(e) => setE164(e.target.value)} placeholder="+15551230000" required pattern="\+[1-9][0-9]{6,14}" />
          </Field>
          <Field label="Carrier credentials">
            <select value={chosen?.id ?? ""} onChange={(e) => setCredentialsId(e.target.value)}>
              {creds.map((c) => (
                <option key={c.id} value={c.id}>
                  {c.label || c.provider} ({c.provider})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Pin to agent">
            <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">Not pinned</option>
              {agentList.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorMessage error={create.error} />
        <div>
          <button type="submit" className="primary" disabled={!chosen || create.isPending}>
            Add number
          </button>
        </div>
      </form>
    </section>
  );
}
