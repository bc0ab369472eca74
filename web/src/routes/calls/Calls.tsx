import { useState, type FormEvent } from "react";
import { useInfiniteQuery, useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { api, data, type Schemas } from "../../api/client";
import { keys, useAgents, useNumbers } from "../../api/hooks";
import { Badge, ErrorMessage, Field, fmtTime, Loading } from "../../components/ui";
import { callFilters, type CallFilters } from "../../lib/filters";

type Direction = "outbound" | "inbound";
type Status = NonNullable<NonNullable<Parameters<typeof listCalls>[0]["status"]>>;
const STATUSES = ["queued", "ringing", "in_progress", "completed", "busy", "no_answer", "failed", "canceled"] as const;
const PAGE = 50;

function listCalls(q: { offset: number } & CallFilters) {
  return data(api.GET("/api/v1/calls", { params: { query: { limit: PAGE, ...q } } }));
}

export default function Calls() {
  const [direction, setDirection] = useState<Direction | "">("");
  const [status, setStatus] = useState<Status | "">("");
  const [agentId, setAgentId] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const agents = useAgents();
  // Every filter is the server's: only declared query parameters, empty ones left out.
  const filters = callFilters({ direction, status, agentId, fromDate: from, toDate: to });
  const calls = useInfiniteQuery({
    queryKey: [...keys.calls, filters],
    initialPageParam: 0,
    queryFn: ({ pageParam }) => listCalls({ offset: pageParam, ...filters }),
    getNextPageParam: (last, pages) => (last.calls.length < PAGE ? undefined : pages.length * PAGE),
    refetchInterval: 5000,
  });
  const rows = (calls.data?.pages ?? []).flatMap((p) => p.calls);
  const agentName = new Map((agents.data ?? []).map((a) => [a.id, a.name]));
  return (
    <section>
      <h1>Calls</h1>
      <TestCall />
      <div className="row card" role="group" aria-label="Filters">
        <Field label="Direction">
          <select value={direction} onChange={(e) => setDirection(e.target.value as Direction | "")}>
            <option value="">Any</option>
            <option value="outbound">outbound</option>
            <option value="inbound">inbound</option>
          </select>
        </Field>
        <Field label="Status">
          <select value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
            <option value="">Any</option>
            {STATUSES.map((s) => (
              <option key={s}>{s}</option>
            ))}
          </select>
        </Field>
        <Field label="Agent">
          <select value={agentId} onChange={(e) => setAgentId(e.target.value)}>
            <option value="">Any</option>
            {(agents.data ?? []).map((a) => (
              <option key={a.id} value={a.id}>
                {a.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="From date">
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </Field>
        <Field label="To date (inclusive)">
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </Field>
      </div>
      {calls.isPending ? (
        <Loading />
      ) : calls.isError ? (
        <ErrorMessage error={calls.error} />
      ) : rows.length === 0 ? (
        <div className="empty">No calls match these filters.</div>
      ) : (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th>Call</th>
                <th>Direction</th>
                <th>Status</th>
                <th>From</th>
                <th>To</th>
                <th>Agent</th>
                <th>Duration</th>
                <th>Started</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((c) => (
                <tr key={c.session_id}>
                  <td>
                    <Link to={`/calls/${c.session_id}`}>{c.session_id.slice(-8)}</Link>
                  </td>
                  <td>{c.direction}</td>
                  <td>
                    <Badge value={c.status} />
                  </td>
                  <td>{c.from_number}</td>
                  <td>{c.to_number}</td>
                  <td>{c.agent_id ? agentName.get(c.agent_id) ?? c.agent_id : "—"}</td>
                  <td>{c.duration_seconds != null ? `${c.duration_seconds} s` : "—"}</td>
                  <td>{fmtTime(c.created_at)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {calls.hasNextPage ? (
        <button type="button" onClick={() => calls.fetchNextPage()} disabled={calls.isFetchingNextPage}>
          Load more
        </button>
      ) : null}
    </section>
  );
}

function TestCall() {
  const numbers = useNumbers();
  const agents = useAgents();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const outbound = (numbers.data?.numbers ?? []).filter((n) => n.outbound_enabled);
  const active = (agents.data ?? []).filter((a) => a.status === "active");
  const [form, setForm] = useState({ from_number: "", to_number: "", agent_id: "" });
  const body: Schemas["OriginateRequest"] = {
    from_number: form.from_number || outbound[0]?.e164 || "",
    to_number: form.to_number.trim(),
    agent_id: form.agent_id || active[0]?.id || "",
  };
  const originate = useMutation({
    mutationFn: () => data(api.POST("/api/v1/calls/originate", { body })),
    onSuccess: (call) => {
      qc.invalidateQueries({ queryKey: keys.calls });
      navigate(`/calls/${call.session_id}`);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    originate.mutate();
  };
  return (
    <details className="card">
      <summary>Place a test call</summary>
      <form onSubmit={submit} className="stack" aria-label="Place a test call">
        {outbound.length === 0 ? <p className="muted">Add a number with outbound calls enabled on the Telephony screen.</p> : null}
        {active.length === 0 ? <p className="muted">Only active agents place calls: set an agent's status to active.</p> : null}
        <div className="grid">
          <Field label="From number">
            <select value={body.from_number} onChange={(e) => setForm({ ...form, from_number: e.target.value })}>
              {outbound.map((n) => (
                <option key={n.id}>{n.e164}</option>
              ))}
            </select>
          </Field>
          <Field label="To number (E.164)">
            <input value={form.to_number} onChange={(e) => setForm({ ...form, to_number: e.target.value })} required placeholder="+15557654321" />
          </Field>
          <Field label="Agent">
            <select value={body.agent_id} onChange={(e) => setForm({ ...form, agent_id: e.target.value })}>
              {active.map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name}
                </option>
              ))}
            </select>
          </Field>
        </div>
        <ErrorMessage error={originate.error} />
        <div>
          <button type="submit" className="primary" disabled={originate.isPending || !body.from_number || !body.agent_id}>
            Call
          </button>
        </div>
      </form>
    </details>
  );
}
