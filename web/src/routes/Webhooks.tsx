import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../api/client";
import { keys } from "../api/hooks";
import { Badge, ConfirmButton, ErrorMessage, Field, fmtTime, QueryState, SecretOnce } from "../components/ui";
import { anyPending, describeEvents, EVENT_TYPES, lastOutcome, nextRetry, receives, toggleEvent, validEvents, type EventType } from "../lib/webhooks";

type Endpoint = Schemas["WebhookEndpointRead"];
type Secret = { title: string; value: string };

export default function Webhooks() {
  const qc = useQueryClient();
  const list = useQuery({ queryKey: keys.webhooks, queryFn: () => data(api.GET("/api/v1/webhook-endpoints")) });
  const [secret, setSecret] = useState<Secret | null>(null);
  const [open, setOpen] = useState<string | null>(null);
  return (
    <section>
      <h1>Webhooks</h1>
      <p className="muted">
        Call and campaign events are POSTed to your endpoints, signed with the Standard Webhooks scheme
        (<code>webhook-id</code>, <code>webhook-timestamp</code>, <code>webhook-signature</code>). Delivery is at least once;
        failures are retried for 24 hours.
      </p>
      {secret ? <SecretOnce title={secret.title} value={secret.value} /> : null}
      <NewEndpoint
        onCreated={(e) => {
          setSecret({ title: `Signing secret for ${e.url}`, value: e.secret });
          setOpen(e.id);
          qc.invalidateQueries({ queryKey: keys.webhooks });
        }}
      />
      <QueryState query={list} isEmpty={(d) => d.webhook_endpoints.length === 0} empty="No webhook endpoints yet.">
        {(d) => (
          <div className="stack">
            {d.webhook_endpoints.map((e) => (
              <EndpointCard key={e.id} endpoint={e} open={open === e.id} onOpen={() => setOpen(open === e.id ? null : e.id)} onSecret={setSecret} />
            ))}
          </div>
        )}
      </QueryState>
    </section>
  );
}

function EventPicker({ events, onChange, legend }: { events: readonly string[]; onChange: (e: EventType[]) => void; legend: string }) {
  return (
    <fieldset className="events">
      <legend>{legend}</legend>
      <label className="inline">
        <input type="checkbox" checked={events.includes("*")} onChange={(e) => onChange(e.target.checked ? ["*"] : [])} /> All events
      </label>
      {EVENT_TYPES.map((t) => (
        <label key={t} className="inline">
          <input type="checkbox" checked={receives(events, t)} onChange={(e) => onChange(toggleEvent(events, t, e.target.checked))} /> {t}
        </label>
      ))}
    </fieldset>
  );
}

function NewEndpoint({ onCreated }: { onCreated: (e: Schemas["WebhookEndpointCreated"]) => void }) {
  const [url, setUrl] = useState("");
  const [description, setDescription] = useState("");
  const [events, setEvents] = useState<EventType[]>(["*"]);
  const create = useMutation({
    mutationFn: () => data(api.POST("/api/v1/webhook-endpoints", { body: { url: url.trim(), events, description } })),
    onSuccess: (e) => {
      setUrl("");
      setDescription("");
      setEvents(["*"]);
      onCreated(e);
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <details className="card">
      <summary>Add an endpoint</summary>
      <form className="stack" aria-label="Add a webhook endpoint" onSubmit={submit}>
        <div className="grid">
          <Field label="Endpoint URL" hint="https:// on the public internet; it must answer 2xx within 5 s.">
            <input type="url" value={url} onChange={(e) => setUrl(e.target.value)} required placeholder="https://example.com/hooks/kataven" />
          </Field>
          <Field label="Description">
            <input value={description} onChange={(e) => setDescription(e.target.value)} maxLength={500} />
          </Field>
        </div>
        <EventPicker legend="Events to send" events={events} onChange={setEvents} />
        <ErrorMessage error={create.error} />
        <div>
          <button type="submit" className="primary" disabled={create.isPending || !validEvents(events) || !url.trim()}>
            Add endpoint
          </button>
        </div>
      </form>
    </details>
  );
}

function EndpointCard({ endpoint: e, open, onOpen, onSecret }: { endpoint: Endpoint; open: boolean; onOpen: () => void; onSecret: (s: Secret) => void }) {
  const qc = useQueryClient();
  const [editing, setEditing] = useState(false);
  const [events, setEvents] = useState<string[]>(e.events);
  const [description, setDescription] = useState(e.description);
  const refresh = () => qc.invalidateQueries({ queryKey: keys.webhooks });
  const path = { params: { path: { endpoint_id: e.id } } };
  const update = useMutation({
    mutationFn: (body: Schemas["WebhookEndpointUpdate"]) => data(api.PATCH("/api/v1/webhook-endpoints/{endpoint_id}", { ...path, body })),
    onSuccess: () => {
      setEditing(false);
      refresh();
    },
  });
  const rotate = useMutation({
    mutationFn: () => data(api.POST("/api/v1/webhook-endpoints/{endpoint_id}/rotate-secret", path)),
    onSuccess: (r) => onSecret({ title: `New signing secret for ${e.url} (the old one signs too until ${fmtTime(r.previous_secret_expires_at)})`, value: r.secret }),
  });
  const test = useMutation({
    mutationFn: () => data(api.POST("/api/v1/webhook-endpoints/{endpoint_id}/test", path)),
    onSuccess: () => {
      if (!open) onOpen();
      qc.invalidateQueries({ queryKey: keys.webhookDeliveries(e.id) });
    },
  });
  const remove = useMutation({
    mutationFn: () => data(api.DELETE("/api/v1/webhook-endpoints/{endpoint_id}", path)),
    onSuccess: refresh,
  });
  return (
    <article className="card stack" aria-label={`Endpoint ${e.url}`}>
      <div className="row">
        <strong className="mono">{e.url}</strong>
        <Badge value={e.disabled ? "disabled" : "enabled"} />
      </div>
      {e.description ? <p>{e.description}</p> : null}
      {e.disabled_reason ? <p className="error">Disabled automatically: {e.disabled_reason}</p> : null}
      <p className="muted">Events: {describeEvents(e.events)} · created {fmtTime(e.created_at)}</p>
      <div className="row">
        <button type="button" onClick={() => test.mutate()} disabled={test.isPending || e.disabled}>
          Send test ping
        </button>
        <button type="button" onClick={() => update.mutate({ disabled: !e.disabled })} disabled={update.isPending}>
          {e.disabled ? "Enable" : "Disable"}
        </button>
        <button
          type="button"
          onClick={() => {
            setEvents(e.events);
            setDescription(e.description);
            setEditing(!editing);
          }}
        >
          {editing ? "Cancel edit" : "Edit"}
        </button>
        <ConfirmButton className="" label="Rotate secret" question="Issue a new signing secret? The old one keeps signing for 24 hours." confirmLabel="Rotate" onConfirm={() => rotate.mutate()} />
        <button type="button" onClick={onOpen} aria-expanded={open}>
          {open ? "Hide deliveries" : "Deliveries"}
        </button>
        <ConfirmButton label="Delete" question={`Delete ${e.url} and its delivery log?`} onConfirm={() => remove.mutate()} />
      </div>
      <ErrorMessage error={update.error ?? rotate.error ?? test.error ?? remove.error} />
      {test.isSuccess ? (
        <p role="status" className="muted">
          Test ping queued.
        </p>
      ) : null}
      {editing ? (
        <form
          className="stack"
          aria-label={`Edit ${e.url}`}
          onSubmit={(ev) => {
            ev.preventDefault();
            update.mutate({ events: events as EventType[], description });
          }}
        >
          <Field label="Description">
            <input value={description} onChange={(ev) => setDescription(ev.target.value)} maxLength={500} />
          </Field>
          <EventPicker legend="Events to send" events={events} onChange={setEvents} />
          <div>
            <button type="submit" className="primary" disabled={update.isPending || !validEvents(events)}>
              Save
            </button>
          </div>
        </form>
      ) : null}
      {open ? <Deliveries endpointId={e.id} disabled={e.disabled} /> : null}
    </article>
  );
}

const PAGE = 50;

function Deliveries({ endpointId, disabled }: { endpointId: string; disabled: boolean }) {
  const qc = useQueryClient();
  const [status, setStatus] = useState<"" | "pending" | "delivered" | "failed">("");
  const [offset, setOffset] = useState(0);
  const list = useQuery({
    queryKey: [...keys.webhookDeliveries(endpointId), status, offset],
    queryFn: () =>
      data(
        api.GET("/api/v1/webhook-endpoints/{endpoint_id}/deliveries", {
          params: { path: { endpoint_id: endpointId }, query: { limit: PAGE, offset, ...(status ? { status } : {}) } },
        }),
      ),
    // Poll while something is in flight, so a queued ping settles on screen.
    refetchInterval: (q) => (q.state.data && !anyPending(q.state.data.deliveries) ? false : 2000),
  });
  const retry = useMutation({
    mutationFn: (deliveryId: string) =>
      data(api.POST("/api/v1/webhook-endpoints/{endpoint_id}/deliveries/{delivery_id}/retry", { params: { path: { endpoint_id: endpointId, delivery_id: deliveryId } } })),
    onSuccess: () => qc.invalidateQueries({ queryKey: keys.webhookDeliveries(endpointId) }),
  });
  const now = Date.now();
  return (
    <section className="stack" aria-label="Deliveries">
      <h2>Deliveries</h2>
      <div className="row">
        <Field label="Delivery status">
          <select
            value={status}
            onChange={(e) => {
              setStatus(e.target.value as typeof status);
              setOffset(0);
            }}
          >
            <option value="">Any</option>
            <option value="pending">pending</option>
            <option value="delivered">delivered</option>
            <option value="failed">failed</option>
          </select>
        </Field>
        <button type="button" onClick={() => list.refetch()}>
          Refresh
        </button>
      </div>
      <ErrorMessage error={retry.error} />
      <QueryState query={list} isEmpty={(d) => d.deliveries.length === 0} empty="No deliveries yet: send a test ping.">
        {(d) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Event</th>
                  <th>Status</th>
                  <th>Response</th>
                  <th>Attempts</th>
                  <th>Latency</th>
                  <th>Next retry</th>
                  <th>Created</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.deliveries.map((x) => (
                  <tr key={x.id} data-testid="delivery">
                    <td>
                      {x.event_type} <span className="muted mono">{x.event_id}</span>
                    </td>
                    <td>
                      <Badge value={x.status} />
                    </td>
                    <td>{lastOutcome(x)}</td>
                    <td>{x.attempts}</td>
                    <td>{x.latency_ms != null ? `${x.latency_ms} ms` : "—"}</td>
                    <td>{nextRetry(x, now)}</td>
                    <td>{fmtTime(x.created_at)}</td>
                    <td>
                      <button type="button" onClick={() => retry.mutate(x.id)} disabled={disabled || retry.isPending}>
                        Retry
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
      <div className="row">
        <button type="button" onClick={() => setOffset(Math.max(0, offset - PAGE))} disabled={offset === 0}>
          Newer
        </button>
        <button type="button" onClick={() => setOffset(offset + PAGE)} disabled={(list.data?.deliveries.length ?? 0) < PAGE}>
          Older
        </button>
      </div>
    </section>
  );
}
