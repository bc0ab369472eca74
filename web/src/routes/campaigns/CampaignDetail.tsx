import { useEffect, useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate, useParams } from "react-router";
import { api, data, send, type Schemas } from "../../api/client";
import { saveResponse } from "../../lib/download";
import { keys } from "../../api/hooks";
import { Badge, ConfirmButton, ErrorMessage, fmtTime, QueryState } from "../../components/ui";
import { VirtualTable } from "../../components/VirtualTable";
import { CONTACT_STATUSES, dialSeries, progress, type LiveState } from "../../lib/live";
import { useCampaignLive } from "./live";

type Action = "start" | "pause" | "resume" | "stop";

export default function CampaignDetail() {
  const { campaignId = "" } = useParams();
  const qc = useQueryClient();
  const campaign = useQuery({
    queryKey: [...keys.campaigns, campaignId],
    queryFn: () => data(api.GET("/api/v1/campaigns/{campaign_id}", { params: { path: { campaign_id: campaignId } } })),
  });
  const live = useCampaignLive(campaignId, campaign.data?.status, () => qc.invalidateQueries({ queryKey: [...keys.campaigns, campaignId] }));
  return (
    <section>
      <p>
        <Link to="/campaigns">← Campaigns</Link>
      </p>
      <QueryState query={campaign}>
        {(c) => (
          <>
            <h1>
              {c.name} <Badge value={live.state?.status ?? c.status} />
            </h1>
            <Actions campaign={c} status={live.state?.status ?? c.status} />
            <dl className="facts">
              <dt>Contacts</dt>
              <dd>
                {c.contacts_total} ({c.duplicates_skipped} duplicates skipped)
              </dd>
              <dt>Calls at once</dt>
              <dd>{c.max_concurrent_calls}</dd>
              <dt>Retries</dt>
              <dd>
                {c.retries_per_contact}, {c.retry_delay_seconds} s apart
              </dd>
              <dt>Started</dt>
              <dd>{fmtTime(c.started_at)}</dd>
              <dt>Completed</dt>
              <dd>{fmtTime(c.completed_at)}</dd>
              {c.failure_reason ? (
                <>
                  <dt>Failure</dt>
                  <dd>{c.failure_reason}</dd>
                </>
              ) : null}
            </dl>
            {live.error ? <p className="warning" role="status">Live updates interrupted: {live.error} (reconnecting)</p> : null}
            {live.state ? <LiveView state={live.state} /> : <p className="muted" role="status">Loading contacts…</p>}
          </>
        )}
      </QueryState>
    </section>
  );
}

function Actions({ campaign, status }: { campaign: Schemas["CampaignRead"]; status: string }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const key = [...keys.campaigns, campaign.id];
  const act = useMutation({
    mutationFn: (a: Action) => data(api.POST(`/api/v1/campaigns/{campaign_id}/${a}`, { params: { path: { campaign_id: campaign.id } } })),
    onSuccess: (c) => {
      qc.setQueryData(key, c);
      qc.invalidateQueries({ queryKey: keys.campaigns, exact: true });
    },
  });
  const remove = useMutation({
    mutationFn: () => data(api.DELETE("/api/v1/campaigns/{campaign_id}", { params: { path: { campaign_id: campaign.id } } })),
    onSuccess: () => {
      qc.invalidateQueries({ queryKey: keys.campaigns });
      navigate("/campaigns");
    },
  });
  const exportCsv = useMutation({
    mutationFn: async () => saveResponse(await send(`/api/v1/campaigns/${encodeURIComponent(campaign.id)}/contacts.csv`), `${campaign.id}-contacts.csv`),
  });
  const busy = act.isPending;
  return (
    <div className="stack">
      <div className="row" role="group" aria-label="Campaign actions">
        {status === "draft" ? (
          <button type="button" className="primary" disabled={busy} onClick={() => act.mutate("start")}>
            Start
          </button>
        ) : null}
        {status === "running" ? (
          <button type="button" disabled={busy} onClick={() => act.mutate("pause")}>
            Pause
          </button>
        ) : null}
        {status === "paused" ? (
          <button type="button" className="primary" disabled={busy} onClick={() => act.mutate("resume")}>
            Resume
          </button>
        ) : null}
        {["running", "paused", "scheduled"].includes(status) ? (
          <ConfirmButton label="Stop" question="Stop this campaign? Pending contacts are cancelled; calls in progress finish. It cannot be restarted." confirmLabel="Stop campaign" disabled={busy} onConfirm={() => act.mutate("stop")} />
        ) : null}
        {!["running", "scheduled"].includes(status) ? (
          <ConfirmButton label="Delete" question={`Delete the campaign “${campaign.name}” with its contacts and events?`} onConfirm={() => remove.mutate()} />
        ) : null}
        <button type="button" onClick={() => exportCsv.mutate()} disabled={exportCsv.isPending} title="Every contact with its status, attempts and calls">
          {exportCsv.isPending ? "Exporting…" : "Export CSV"}
        </button>
      </div>
      <ErrorMessage error={act.error ?? remove.error ?? exportCsv.error} />
    </div>
  );
}

function LiveView({ state }: { state: LiveState }) {
  const p = progress(state);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 10_000);
    return () => clearInterval(t);
  }, []);
  const series = dialSeries(state, now, 30);
  const peak = Math.max(1, ...series.map((s) => s.dials));
  const extra = Object.keys(state.counts).filter((k) => !(CONTACT_STATUSES as readonly string[]).includes(k));
  return (
    <section className="card stack" aria-label="Live progress">
      <h2>Live</h2>
      <div>
        <label htmlFor="campaign-progress">
          {p.done} of {state.total} contacts done ({Math.round(p.fraction * 100)}%), {p.inFlight} in progress
        </label>
        <progress id="campaign-progress" max={1} value={p.fraction} />
      </div>
      <ul className="counts" aria-label="Contacts by status">
        {[...CONTACT_STATUSES, ...extra].map((s) => (
          <li key={s} data-status={s}>
            <span className="count">{state.counts[s] ?? 0}</span> {s}
          </li>
        ))}
      </ul>
      <figure className="chart">
        <svg viewBox="0 0 300 80" role="img" aria-label={`Dials per minute over the last 30 minutes; this minute: ${series[series.length - 1].dials}`} preserveAspectRatio="none">
          {series.map((s, i) => {
            const h = (s.dials / peak) * 70;
            return <rect key={s.minute} x={i * 10 + 1} y={78 - h} width={8} height={h}><title>{`${new Date(s.minute).toLocaleTimeString()}: ${s.dials} dials`}</title></rect>;
          })}
        </svg>
        <figcaption>Dials per minute (last 30 minutes, peak {peak})</figcaption>
      </figure>
      <VirtualTable
        label="Contacts"
        rows={state.contacts}
        header={
          <tr>
            <th>Phone</th>
            <th>Status</th>
            <th>Attempts</th>
            <th>Outcome</th>
            <th>Call</th>
          </tr>
        }
        row={(c) => (
          <tr key={c.id} data-contact={c.id}>
            <td>{c.phone_number}</td>
            <td>
              <Badge value={c.status} />
            </td>
            <td>{c.attempts}</td>
            <td>{c.failure_reason ?? c.last_outcome ?? ""}</td>
            <td>{c.call_id ? <Link to={`/calls/${c.call_id}`}>{c.call_id.slice(-8)}</Link> : null}</td>
          </tr>
        )}
      />
    </section>
  );
}
