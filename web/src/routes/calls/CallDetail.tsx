import { useQuery } from "@tanstack/react-query";
import { Link, useParams } from "react-router";
import { api, ApiError, data, type Schemas } from "../../api/client";
import { Badge, ErrorMessage, fmtTime, Loading, QueryState } from "../../components/ui";

const TERMINAL = new Set(["completed", "busy", "no_answer", "failed", "canceled"]);

export default function CallDetail() {
  const { sessionId = "" } = useParams();
  const call = useQuery({
    queryKey: ["calls", sessionId],
    queryFn: () => data(api.GET("/api/v1/calls/{session_id}", { params: { path: { session_id: sessionId } } })),
    refetchInterval: (q) => (q.state.data && TERMINAL.has(q.state.data.status) && q.state.data.recording_status !== "pending" ? false : 1500),
  });
  return (
    <section>
      <p>
        <Link to="/calls">← Calls</Link>
      </p>
      <QueryState query={call}>
        {(c) => (
          <>
            <h1>
              Call {c.session_id.slice(-8)} <Badge value={c.status} />
            </h1>
            <dl className="facts">
              <dt>Direction</dt>
              <dd>{c.direction}</dd>
              <dt>From</dt>
              <dd>{c.from_number}</dd>
              <dt>To</dt>
              <dd>{c.to_number}</dd>
              <dt>Agent</dt>
              <dd>{c.agent_id ? <Link to={`/agents/${c.agent_id}`}>{c.agent_id}</Link> : "—"}</dd>
              <dt>Carrier</dt>
              <dd>{c.provider}</dd>
              <dt>Duration</dt>
              <dd>{c.duration_seconds != null ? `${c.duration_seconds} s` : "—"}</dd>
              {c.campaign_id ? (
                <>
                  <dt>Campaign</dt>
                  <dd>
                    <Link to={`/campaigns/${c.campaign_id}`}>{c.campaign_id}</Link>
                  </dd>
                </>
              ) : null}
              {c.error ? (
                <>
                  <dt>Error</dt>
                  <dd>{c.error}</dd>
                </>
              ) : null}
            </dl>
            <Timeline call={c} />
            <RecordingPlayer call={c} />
          </>
        )}
      </QueryState>
    </section>
  );
}

function Timeline({ call }: { call: Schemas["CallRead"] }) {
  const steps: [string, string | null | undefined][] = [
    ["queued", call.created_at],
    ["in progress (answered)", call.answered_at],
    [TERMINAL.has(call.status) ? call.status.replace(/_/g, " ") : "ended", call.ended_at],
  ];
  return (
    <section className="card">
      <h2>Status timeline</h2>
      <ol className="timeline" aria-label="Status timeline">
        {steps.map(([label, at]) => (
          <li key={label} className={at ? "done" : "todo"}>
            <strong>{label}</strong> <span className="muted">{at ? fmtTime(at) : call.status === "ringing" && label.startsWith("in") ? "ringing…" : "—"}</span>
          </li>
        ))}
      </ol>
    </section>
  );
}

function RecordingPlayer({ call }: { call: Schemas["CallRead"] }) {
  const ready = call.recording_status === "ready";
  const recording = useQuery({
    queryKey: ["recording", call.session_id],
    enabled: ready,
    queryFn: () => data(api.GET("/api/v1/sessions/{session_id}/recording", { params: { path: { session_id: call.session_id } } })),
    // The URL lives 5 minutes: fetch a fresh one before it lapses.
    refetchInterval: (q) => (q.state.data ? Math.max(10_000, Date.parse(q.state.data.expires_at) - Date.now() - 30_000) : false),
  });
  return (
    <section className="card">
      <h2>Recording</h2>
      {!call.recording_status ? (
        <p className="muted">{TERMINAL.has(call.status) ? "This call has no recording." : "The recording is available once the call ends."}</p>
      ) : !ready ? (
        <p className="muted" role="status">
          The recording is being processed…
        </p>
      ) : recording.isPending ? (
        <Loading what="Loading the recording" />
      ) : recording.isError ? (
        recording.error instanceof ApiError && recording.error.status === 409 ? <p className="muted">The recording is not ready yet.</p> : <ErrorMessage error={recording.error} />
      ) : (
        <>
          <audio controls src={recording.data.url} preload="metadata" aria-label="Call recording" />
          <p className="muted">
            {recording.data.duration_seconds != null ? `${recording.data.duration_seconds} s · ` : ""}link valid until {fmtTime(recording.data.expires_at)}
          </p>
        </>
      )}
    </section>
  );
}
