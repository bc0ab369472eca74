import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";
import { keys, useAgents } from "../api/hooks";
import { Badge, ConfirmButton, CopyButton, ErrorMessage, Field, QueryState, SecretOnce, Toggle } from "../components/ui";

const splitList = (s: string): string[] => s.split(/[\s,]+/).map((x) => x.trim()).filter(Boolean);

export default function Widget() {
  const [created, setCreated] = useState<Schemas["WidgetKeyCreated"] | null>(null);
  return (
    <section>
      <h1>Widget</h1>
      <WidgetKeys created={created} onCreated={setCreated} />
      <Snippet created={created} />
      <Branding />
      <AgentPolicy />
    </section>
  );
}

function WidgetKeys({ created, onCreated }: { created: Schemas["WidgetKeyCreated"] | null; onCreated: (k: Schemas["WidgetKeyCreated"]) => void }) {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: keys.widgetKeys, queryFn: () => data(api.GET("/api/v1/widget-keys")) });
  const agents = useAgents();
  const [name, setName] = useState("");
  const [allow, setAllow] = useState("");
  const [agentId, setAgentId] = useState("");
  const create = useMutation({
    mutationFn: () => data(api.POST("/api/v1/widget-keys", { body: { name, domain_allowlist: splitList(allow), agent_id: agentId || null } })),
    onSuccess: (k) => {
      onCreated(k);
      setName("");
      setAllow("");
      qc.invalidateQueries({ queryKey: keys.widgetKeys });
    },
  });
  const update = useMutation({
    mutationFn: (v: { id: string; body: Schemas["WidgetKeyUpdate"] }) =>
      data(api.PATCH("/api/v1/widget-keys/{key_id}", { params: { path: { key_id: v.id } }, body: v.body })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.widgetKeys }),
  });
  const remove = useMutation({
    mutationFn: (id: string) => data(api.DELETE("/api/v1/widget-keys/{key_id}", { params: { path: { key_id: id } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.widgetKeys }),
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <section className="card stack">
      <h2>Keys</h2>
      {created ? (
        <div className="stack">
          <SecretOnce title="Public key (for the page)" value={created.public_key} />
          <SecretOnce title="Secret key (for your server's user tokens)" value={created.secret_key} />
        </div>
      ) : null}
      <ErrorMessage error={update.error ?? remove.error} />
      <QueryState query={list} isEmpty={(d) => d.length === 0} empty="No widget keys yet.">
        {(d) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Public key</th>
                  <th>Allowed sites</th>
                  <th>State</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.map((k) => (
                  <KeyRow key={k.id} k={k} onSave={(body) => update.mutate({ id: k.id, body })} onDelete={() => remove.mutate(k.id)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      <form onSubmit={submit} className="stack" aria-label="Create a widget key">
        <h3>New key</h3>
        <div className="grid">
          <Field label="Key name">
            <input value={name} onChange={(e) => setName(e.target.value)} required />
          </Field>
          <Field label="Allowed sites" hint="Comma or space separated: acme.com, *.acme.com, localhost:*">
            <input value={allow} onChange={(e) => setAllow(e.target.value)} />
          </Field>
          <Field label="Default agent">
            <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
              <option value="">None</option>
              {(agents.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorMessage error={create.error} />
        <div>
          <button type="submit" className="primary" disabled={create.isPending}>
            Create widget key
          </button>
        </div>
      </form>
    </section>
  );
}

function KeyRow({ k, onSave, onDelete }: { k: Schemas["WidgetKeyRead"]; onSave: (b: Schemas["WidgetKeyUpdate"]) => void; onDelete: () => void }) {
  const [allow, setAllow] = useState(k.domain_allowlist.join(", "));
  useEffect(() => setAllow(k.domain_allowlist.join(", ")), [k.domain_allowlist]);
  const changed = allow !== k.domain_allowlist.join(", ");
  return (
    <tr>
      <td>{k.name}</td>
      <td>
        <code>pk_live_…{k.last8}</code>
      </td>
      <td>
        <div className="row">
          <input aria-label={`Allowed sites for ${k.name}`} value={allow} onChange={(e) => setAllow(e.target.value)} />
          {changed ? (
            <button type="button" onClick={() => onSave({ domain_allowlist: splitList(allow) })}>
              Save
            </button>
          ) : null}
        </div>
        {k.domain_allowlist.length === 0 ? <span className="warning">Empty: every site is refused.</span> : null}
      </td>
      <td>
        <Badge value={k.disabled ? "disabled" : "enabled"} />{" "}
        <button type="button" onClick={() => onSave({ disabled: !k.disabled })}>
          {k.disabled ? "Enable" : "Disable"}
        </button>
      </td>
      <td>
        <ConfirmButton label="Delete" question={`Delete the widget key “${k.name}”? Pages using it stop working.`} onConfirm={onDelete} />
      </td>
    </tr>
  );
}

function Snippet({ created }: { created: Schemas["WidgetKeyCreated"] | null }) {
  const publicKey = created?.public_key ?? "pk_live_…your public key";
  const agent = created?.agent_id ? `, agentId: ${JSON.stringify(created.agent_id)}` : "";
  const snippet = `<script src="${location.origin}/widget/v1.js" async></script>\n<script>\n  window.addEventListener("load", () => Kataven.init({ publicKey: ${JSON.stringify(publicKey)}${agent} }));\n</script>`;
  return (
    <section className="card stack">
      <h2>Embed snippet</h2>
      <p className="muted">Paste it before &lt;/body&gt; on an allowed site.{created ? "" : " Create a key to fill in its public key."}</p>
      <pre className="block" aria-label="Embed snippet">
        <code>{snippet}</code>
      </pre>
      <div className="row">
        <CopyButton text={snippet} label="Copy snippet" />
      </div>
    </section>
  );
}

function Branding() {
  const qc = useQueryClient();
  const branding = useQuery({ queryKey: keys.branding, queryFn: () => data(api.GET("/api/v1/widget-settings")) });
  return (
    <section className="card stack">
      <h2>Branding</h2>
      <QueryState query={branding}>{(b) => <BrandingForm b={b} onSaved={(v) => qc.setQueryData(keys.branding, v)} />}</QueryState>
    </section>
  );
}

function BrandingForm({ b, onSaved }: { b: Schemas["BrandingRead"]; onSaved: (b: Schemas["BrandingRead"]) => void }) {
  const [d, setD] = useState({ primary_color: b.primary_color, accent_color: b.accent_color, logo_url: b.logo_url ?? "", launcher_position: b.launcher_position, launcher_label: b.launcher_label, privacy_notice: b.privacy_notice ?? "" });
  const save = useMutation({
    mutationFn: () => data(api.PATCH("/api/v1/widget-settings", { body: { ...d, logo_url: d.logo_url || null, privacy_notice: d.privacy_notice || null } })),
    onSuccess: onSaved,
  });
  const set = (k: keyof typeof d) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const [v, h] = [d.launcher_position[0] === "t" ? "top" : "bottom", d.launcher_position[1] === "l" ? "left" : "right"];
  return (
    <div className="grid two">
      <form onSubmit={submit} className="stack" aria-label="Branding">
        <div className="grid">
          <Field label="Primary colour">
            <input type="color" value={d.primary_color} onChange={set("primary_color")} />
          </Field>
          <Field label="Accent colour">
            <input type="color" value={d.accent_color} onChange={set("accent_color")} />
          </Field>
          <Field label="Launcher position">
            <select value={d.launcher_position} onChange={set("launcher_position")}>
              <option value="br">bottom right</option>
              <option value="bl">bottom left</option>
              <option value="tr">top right</option>
              <option value="tl">top left</option>
            </select>
          </Field>
          <Field label="Launcher label">
            <input value={d.launcher_label} onChange={set("launcher_label")} maxLength={40} />
          </Field>
        </div>
        <Field label="Logo URL (https)">
          <input type="url" value={d.logo_url} onChange={set("logo_url")} />
        </Field>
        <Field label="Privacy notice">
          <input value={d.privacy_notice} onChange={set("privacy_notice")} />
        </Field>
        <ErrorMessage error={save.error} />
        <div className="row">
          <button type="submit" className="primary" disabled={save.isPending}>
            Save branding
          </button>
          {save.isSuccess ? <span role="status">Saved.</span> : null}
        </div>
      </form>
      <div className="preview" aria-label="Launcher preview" role="img">
        <span className="muted">Your site</span>
        <span className="launcher" style={{ background: d.primary_color, borderColor: d.accent_color, [v]: 12, [h]: 12 }}>
          ☎ {d.launcher_label || "Talk to us"}
        </span>
      </div>
    </div>
  );
}

function AgentPolicy() {
  const agents = useAgents();
  const [agentId, setAgentId] = useState("");
  const chosen = agentId || agents.data?.[0]?.id || "";
  const policy = useQuery({
    queryKey: ["agent-widget", chosen],
    enabled: !!chosen,
    queryFn: () => data(api.GET("/api/v1/agents/{agent_id}/widget-settings", { params: { path: { agent_id: chosen } } })),
  });
  const qc = useQueryClient();
  const save = useMutation({
    mutationFn: (body: Schemas["AgentWidgetSettingsUpdate"]) => data(api.PATCH("/api/v1/agents/{agent_id}/widget-settings", { params: { path: { agent_id: chosen } }, body })),
    onSuccess: (p) => qc.setQueryData(["agent-widget", chosen], p),
  });
  return (
    <section className="card stack">
      <h2>Per-agent policy</h2>
      {agents.data?.length === 0 ? <p className="muted">No agents yet.</p> : null}
      <Field label="Agent">
        <select value={chosen} onChange={(e) => setAgentId(e.target.value)}>
          {(agents.data ?? []).map((a) => (
            <option key={a.id} value={a.id}>
              {a.name}
            </option>
          ))}
        </select>
      </Field>
      {chosen ? (
        <QueryState query={policy}>
          {(p) => (
            <div className="grid">
              <label className="inline">
                <Toggle label="Available in the widget" checked={p.widget_enabled} onToggle={(v) => save.mutateAsync({ widget_enabled: v })} /> Available in the widget
              </label>
              <Field label="Visitors" hint={p.auth_mode_source === "agent" ? "Following the agent's setting" : "Set here"}>
                <select value={p.auth_mode} onChange={(e) => save.mutate({ auth_mode: e.target.value as "guest" | "user" | "both" })}>
                  <option value="guest">guests only</option>
                  <option value="user">signed-in users only</option>
                  <option value="both">guests and users</option>
                </select>
              </Field>
              <GreetingOverride key={p.agent_id + (p.greeting_override ?? "")} value={p.greeting_override ?? ""} onSave={(g) => save.mutate({ greeting_override: g || null })} />
            </div>
          )}
        </QueryState>
      ) : null}
      <ErrorMessage error={save.error} />
    </section>
  );
}

function GreetingOverride({ value, onSave }: { value: string; onSave: (v: string) => void }) {
  const [v, setV] = useState(value);
  return (
    <div className="row">
      <Field label="Greeting in the widget">
        <input value={v} onChange={(e) => setV(e.target.value)} placeholder="The agent's greeting" />
      </Field>
      <button type="button" disabled={v === value} onClick={() => onSave(v)}>
        Save greeting
      </button>
    </div>
  );
}
