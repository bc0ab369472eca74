import { useEffect, useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { api, data, type Schemas } from "../../api/client";
import { keys, useFaqs, usePlaybooks, useTools } from "../../api/hooks";
import { Badge, ConfirmButton, ErrorMessage, Field, QueryState, Toggle } from "../../components/ui";

type Update = Schemas["AgentUpdate"];
const STATUSES: NonNullable<Update["status"]>[] = ["draft", "active", "paused", "archived"];
const CATEGORIES: NonNullable<Update["category"]>[] = ["customer_support", "sales", "operations", "custom"];
const MODELS: NonNullable<Update["llm_model"]>[] = ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-sonnet-4-6"];
const VOICES: NonNullable<Update["voice_provider"]>[] = ["cartesia", "elevenlabs", "deepgram"];
const GREETING_MODES: NonNullable<Update["greeting_mode"]>[] = ["interruptible", "locked"];
const AUTH_MODES: NonNullable<Update["auth_mode"]>[] = ["public", "authenticated"];

export default function AgentDetail() {
  const { agentId = "" } = useParams();
  const agent = useQuery({
    queryKey: keys.agent(agentId),
    queryFn: () => data(api.GET("/api/v1/agents/{agent_id}", { params: { path: { agent_id: agentId } } })),
  });
  return (
    <section>
      <p>
        <Link to="/agents">← Agents</Link>
      </p>
      <QueryState query={agent}>
        {(a) => (
          <>
            <h1>
              {a.name} <Badge value={a.status} />
            </h1>
            {a.template_id ? <p className="muted">Installed from template {a.template_id}.</p> : null}
            <AgentForm agent={a} />
            <AgentTools agentId={a.id} />
            <Attachments agent={a} />
            <DeleteAgent agent={a} />
          </>
        )}
      </QueryState>
    </section>
  );
}

function AgentForm({ agent }: { agent: Schemas["AgentRead"] }) {
  const qc = useQueryClient();
  const [form, setForm] = useState<Update>({});
  useEffect(() => setForm({}), [agent.id]);
  const value = <K extends keyof Update>(k: K) => (form[k] ?? agent[k as keyof Schemas["AgentRead"]]) as Update[K];
  const set = <K extends keyof Update>(k: K, v: Update[K]) => setForm((f) => ({ ...f, [k]: v }));
  const save = useMutation({
    mutationFn: () => data(api.PATCH("/api/v1/agents/{agent_id}", { params: { path: { agent_id: agent.id } }, body: form })),
    onSuccess: (a) => {
      qc.setQueryData(keys.agent(agent.id), a);
      qc.invalidateQueries({ queryKey: keys.agents, exact: true });
      setForm({});
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  const dirty = Object.keys(form).length > 0;
  return (
    <form className="card stack" onSubmit={submit} aria-label="Agent settings">
      <h2>Settings</h2>
      <div className="grid">
        <Field label="Name">
          <input value={value("name") ?? ""} onChange={(e) => set("name", e.target.value)} required />
        </Field>
        <Field label="Status">
          <select value={value("status")} onChange={(e) => set("status", e.target.value as Update["status"])}>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Category">
          <select value={value("category")} onChange={(e) => set("category", e.target.value as Update["category"])}>
            {CATEGORIES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="LLM model">
          <select value={value("llm_model")} onChange={(e) => set("llm_model", e.target.value as Update["llm_model"])}>
            {MODELS.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Voice provider">
          <select value={value("voice_provider")} onChange={(e) => set("voice_provider", e.target.value as Update["voice_provider"])}>
            {VOICES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Voice id">
          <input value={value("voice_id") ?? ""} onChange={(e) => set("voice_id", e.target.value)} />
        </Field>
        <Field label="Greeting mode">
          <select value={value("greeting_mode")} onChange={(e) => set("greeting_mode", e.target.value as Update["greeting_mode"])}>
            {GREETING_MODES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Widget sign-in">
          <select value={value("auth_mode")} onChange={(e) => set("auth_mode", e.target.value as Update["auth_mode"])}>
            {AUTH_MODES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
      </div>
      <Field label="Description">
        <input value={value("description") ?? ""} onChange={(e) => set("description", e.target.value)} />
      </Field>
      <Field label="Greeting">
        <input value={value("greeting_message") ?? ""} onChange={(e) => set("greeting_message", e.target.value)} />
      </Field>
      <Field label="System prompt">
        <textarea rows={8} value={value("system_prompt") ?? ""} onChange={(e) => set("system_prompt", e.target.value)} />
      </Field>
      <ErrorMessage error={save.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={!dirty || save.isPending}>
          {save.isPending ? "Saving…" : "Save changes"}
        </button>
        {dirty ? (
          <button type="button" onClick={() => setForm({})}>
            Discard
          </button>
        ) : save.isSuccess ? (
          <span role="status">Saved.</span>
        ) : null}
      </div>
    </form>
  );
}

function AgentTools({ agentId }: { agentId: string }) {
  const qc = useQueryClient();
  const tools = useTools();
  const linked = useQuery({
    queryKey: keys.agentTools(agentId),
    queryFn: () => data(api.GET("/api/v1/agents/{agent_id}/tools", { params: { path: { agent_id: agentId } } })),
  });
  const [editing, setEditing] = useState<string | null>(null);
  const [configText, setConfigText] = useState("{}");
  const [configError, setConfigError] = useState<string | null>(null);
  const [rolledBack, setRolledBack] = useState<string | null>(null);
  const upsert = useMutation({
    mutationFn: (body: Schemas["AgentToolUpsert"]) =>
      data(api.PUT("/api/v1/agents/{agent_id}/tools", { params: { path: { agent_id: agentId } }, body })),
    onMutate: () => setRolledBack(null),
    onError: (e) => setRolledBack(`Change undone: ${e instanceof Error ? e.message : String(e)}`),
    onSuccess: () => setEditing(null),
    onSettled: () => qc.invalidateQueries({ queryKey: keys.agentTools(agentId) }),
  });
  const byName = new Map((linked.data ?? []).map((t) => [t.tool_name, t]));
  return (
    <section className="card">
      <h2>Tools</h2>
      {rolledBack ? <p className="error" role="alert">{rolledBack}</p> : null}
      <QueryState query={tools} isEmpty={(d) => d.tools.length === 0} empty="No tools in this account yet.">
        {(list) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Tool</th>
                  <th>Category</th>
                  <th>Enabled</th>
                  <th>Configuration</th>
                </tr>
              </thead>
              <tbody>
                {list.tools.map((t) => {
                  const link = byName.get(t.name);
                  return (
                    <tr key={t.id}>
                      <td>
                        {t.display_name} <code>{t.name}</code>
                      </td>
                      <td>{t.category}</td>
                      <td>
                        <Toggle
                          label={`Enable ${t.display_name}`}
                          checked={link?.enabled ?? false}
                          disabled={linked.isPending}
                          onToggle={(enabled) => upsert.mutateAsync({ tool_name: t.name, enabled, config: link?.config ?? {} })}
                        />
                      </td>
                      <td>
                        {editing === t.name ? (
                          <div className="stack">
                            <Field label={`Configuration of ${t.display_name} (JSON)`}>
                              <textarea rows={4} value={configText} onChange={(e) => setConfigText(e.target.value)} />
                            </Field>
                            {configError ? <p className="error" role="alert">{configError}</p> : null}
                            <div className="row">
                              <button
                                type="button"
                                className="primary"
                                onClick={() => {
                                  try {
                                    const config = JSON.parse(configText) as Record<string, unknown>;
                                    setConfigError(null);
                                    upsert.mutate({ tool_name: t.name, enabled: link?.enabled ?? true, config });
                                  } catch {
                                    setConfigError("The configuration must be a JSON object.");
                                  }
                                }}
                              >
                                Save configuration
                              </button>
                              <button type="button" onClick={() => setEditing(null)}>
                                Cancel
                              </button>
                            </div>
                          </div>
                        ) : (
                          <button
                            type="button"
                            onClick={() => {
                              setEditing(t.name);
                              setConfigText(JSON.stringify(link?.config ?? {}, null, 2));
                              setConfigError(null);
                            }}
                          >
                            Configure
                          </button>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}

function Attachments({ agent }: { agent: Schemas["AgentRead"] }) {
  const qc = useQueryClient();
  const playbooks = usePlaybooks();
  const faqs = useFaqs();
  const [pb, setPb] = useState("");
  const [faq, setFaq] = useState("");
  const path = { params: { path: { agent_id: agent.id } } };
  const done = () => qc.invalidateQueries({ queryKey: keys.agent(agent.id) });
  const attach = useMutation({
    mutationFn: async (what: { playbook_id?: string; faq_id?: string }) =>
      what.playbook_id
        ? data(api.POST("/api/v1/agents/{agent_id}/playbooks", { ...path, body: { playbook_id: what.playbook_id } }))
        : data(api.POST("/api/v1/agents/{agent_id}/faqs", { ...path, body: { faq_id: what.faq_id! } })),
    onSuccess: done,
  });
  const detach = useMutation({
    mutationFn: async (what: { playbook_id?: string; faq_id?: string }) =>
      what.playbook_id
        ? data(api.DELETE("/api/v1/agents/{agent_id}/playbooks/{playbook_id}", { params: { path: { agent_id: agent.id, playbook_id: what.playbook_id } } }))
        : data(api.DELETE("/api/v1/agents/{agent_id}/faqs/{faq_id}", { params: { path: { agent_id: agent.id, faq_id: what.faq_id! } } })),
    onSuccess: done,
  });
  const attachedPb = new Set((agent.playbooks ?? []).map((p) => p.id));
  const attachedFaq = new Set((agent.faqs ?? []).map((f) => f.id));
  return (
    <section className="card">
      <h2>Playbooks and FAQs</h2>
      <ErrorMessage error={attach.error ?? detach.error} />
      <div className="grid">
        <div>
          <h3>Playbooks</h3>
          {(agent.playbooks ?? []).length === 0 ? <p className="muted">None attached.</p> : null}
          <ul>
            {(agent.playbooks ?? []).map((p) => (
              <li key={p.id}>
                {p.display_name}{" "}
                <button type="button" onClick={() => detach.mutate({ playbook_id: p.id })} aria-label={`Detach playbook ${p.display_name}`}>
                  Detach
                </button>
              </li>
            ))}
          </ul>
          <div className="row">
            <Field label="Attach a playbook">
              <select value={pb} onChange={(e) => setPb(e.target.value)}>
                <option value="">Choose…</option>
                {(playbooks.data?.playbooks ?? []).filter((p) => !attachedPb.has(p.id)).map((p) => (
                  <option key={p.id} value={p.id}>
                    {p.display_name}
                  </option>
                ))}
              </select>
            </Field>
            <button type="button" disabled={!pb} onClick={() => { attach.mutate({ playbook_id: pb }); setPb(""); }}>
              Attach playbook
            </button>
          </div>
        </div>
        <div>
          <h3>FAQs</h3>
          {(agent.faqs ?? []).length === 0 ? <p className="muted">None attached.</p> : null}
          <ul>
            {(agent.faqs ?? []).map((f) => (
              <li key={f.id}>
                {f.title}{" "}
                <button type="button" onClick={() => detach.mutate({ faq_id: f.id })} aria-label={`Detach FAQ ${f.title}`}>
                  Detach
                </button>
              </li>
            ))}
          </ul>
          <div className="row">
            <Field label="Attach an FAQ">
              <select value={faq} onChange={(e) => setFaq(e.target.value)}>
                <option value="">Choose…</option>
                {(faqs.data?.faqs ?? []).filter((f) => !attachedFaq.has(f.id)).map((f) => (
                  <option key={f.id} value={f.id}>
                    {f.title}
                  </option>
                ))}
              </select>
            </Field>
            <button type="button" disabled={!faq} onClick={() => { attach.mutate({ faq_id: faq }); setFaq(""); }}>
              Attach FAQ
            </button>
          </div>
        </div>
      </div>
    </section>
  );
}

function DeleteAgent({ agent }: { agent: Schemas["AgentRead"] }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const remove = useMutation({
    mutationFn: () => data(api.DELETE("/api/v1/agents/{agent_id}", { params: { path: { agent_id: agent.id } } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.agents });
      navigate("/agents");
    },
  });
  return (
    <section className="card danger-zone">
      <h2>Delete</h2>
      <ConfirmButton label="Delete agent" question={`Delete the agent “${agent.name}”? Its numbers are unpinned and its links removed.`} onConfirm={() => remove.mutate()} />
      <ErrorMessage error={remove.error} />
    </section>
  );
}
