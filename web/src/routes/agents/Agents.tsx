import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { api, data } from "../../api/client";
import { keys, useAgents } from "../../api/hooks";
import { Badge, ErrorMessage, Field, QueryState } from "../../components/ui";

export default function Agents() {
  const agents = useAgents();
  const [search, setSearch] = useState("");
  const [name, setName] = useState("");
  const qc = useQueryClient();
  const navigate = useNavigate();
  const create = useMutation({
    mutationFn: (agentName: string) => data(api.POST("/api/v1/agents", { body: { name: agentName } })),
    onSuccess: (agent) => {
      qc.invalidateQueries({ queryKey: keys.agents });
      navigate(`/agents/${agent.id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) create.mutate(name.trim());
  };
  const q = search.trim().toLowerCase();
  return (
    <section>
      <h1>Agents</h1>
      <form className="row card" onSubmit={submit} aria-label="Create an agent">
        <Field label="New agent name">
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
        </Field>
        <button type="submit" className="primary" disabled={create.isPending}>
          Create agent
        </button>
        <ErrorMessage error={create.error} />
      </form>
      <Field label="Search agents">
        <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
      </Field>
      <QueryState query={agents} isEmpty={(d) => d.length === 0} empty={<>No agents yet. Create one above, or install a template from the <Link to="/marketplace">marketplace</Link>.</>}>
        {(list) => {
          const shown = list.filter((a) => !q || a.name.toLowerCase().includes(q) || a.description.toLowerCase().includes(q));
          return shown.length === 0 ? (
            <p className="muted">No agent matches “{search}”.</p>
          ) : (
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Name</th>
                    <th>Status</th>
                    <th>Model</th>
                    <th>Voice</th>
                    <th>Playbooks</th>
                    <th>FAQs</th>
                  </tr>
                </thead>
                <tbody>
                  {shown.map((a) => (
                    <tr key={a.id}>
                      <td>
                        <Link to={`/agents/${a.id}`}>{a.name}</Link>
                      </td>
                      <td>
                        <Badge value={a.status} />
                      </td>
                      <td>{a.llm_model}</td>
                      <td>
                        {a.voice_provider} / {a.voice_id || "default"}
                      </td>
                      <td>{a.playbooks?.length ?? 0}</td>
                      <td>{a.faqs?.length ?? 0}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          );
        }}
      </QueryState>
    </section>
  );
}
