import { useMemo, useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { Link, useNavigate } from "react-router";
import { ApiError, send, type Schemas } from "../../api/client";
import { keys, useAgents, useNumbers } from "../../api/hooks";
import { ErrorMessage, Field } from "../../components/ui";
import { previewCsv, rowErrors, rowsToShow } from "../../lib/csv";
import { campaignEntries, DAYS, RETRY_OUTCOMES, retryProblem, windowProblem, type CallingWindow, type RetryOutcome } from "../../lib/campaignForm";

const EDITABLE_BYTES = 256 * 1024; // larger files are uploaded as they are, without the editor

export default function NewCampaign() {
  const agents = useAgents();
  const numbers = useNumbers();
  const qc = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState("");
  const [agentId, setAgentId] = useState("");
  const [numberId, setNumberId] = useState("");
  const [concurrency, setConcurrency] = useState(2);
  const [retries, setRetries] = useState(0);
  const [retryDelay, setRetryDelay] = useState(300);
  const [region, setRegion] = useState("");
  const [retryOn, setRetryOn] = useState<RetryOutcome[]>([...RETRY_OUTCOMES]);
  const [window, setWindow] = useState<CallingWindow | null>(null);
  const [defaultTimezone, setDefaultTimezone] = useState("");
  const [file, setFile] = useState<File | null>(null);
  const [text, setText] = useState("");
  const [fileError, setFileError] = useState<string | null>(null);

  const preview = useMemo(() => (text ? previewCsv(text) : null), [text]);
  const buildForm = () => {
    const form = new FormData();
    const fields = {
      name,
      agentId: agentId || agents.data?.[0]?.id || "",
      phoneNumberId: numberId || numbers.data?.numbers[0]?.id || "",
      concurrency,
      retries,
      retryDelay,
      region,
      retryOn,
      window,
      defaultTimezone,
    };
    for (const [k, v] of campaignEntries(fields)) form.append(k, v);
    const body = file && file.size > EDITABLE_BYTES ? file : new Blob([text], { type: "text/csv" });
    form.set("contacts", body, file?.name ?? "contacts.csv");
    return form;
  };
  const localProblem = windowProblem(window) ?? retryProblem({ retries, retryOn });
  const preflight = useMutation({
    mutationFn: async () => {
      const r = await send("/api/v1/campaigns/preflight", { method: "POST", body: buildForm() });
      return (await r.json()) as Schemas["PreflightReport"];
    },
  });
  const create = useMutation({
    mutationFn: async () => {
      const r = await send("/api/v1/campaigns", { method: "POST", body: buildForm() });
      return (await r.json()) as Schemas["CampaignRead"];
    },
    onSuccess: (c) => {
      qc.invalidateQueries({ queryKey: keys.campaigns });
      navigate(`/campaigns/${c.id}`);
    },
  });
  const serverErrors = create.error instanceof ApiError ? rowErrors(create.error.errors) : new Map<number, string>();

  async function onFile(f: File | null) {
    setFile(f);
    setFileError(null);
    create.reset();
    preflight.reset();
    if (!f) return setText("");
    if (f.size > 10 * 1024 * 1024) {
      setFileError("The file is larger than 10 MB, the most a campaign takes.");
      return setText("");
    }
    // The preview reads the start of a large file; the editor only small ones.
    setText(await (f.size > EDITABLE_BYTES ? f.slice(0, EDITABLE_BYTES) : f).text());
  }

  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate();
  };
  const editable = !file || file.size <= EDITABLE_BYTES;
  const shown = preview ? rowsToShow(text, preview, serverErrors) : [];
  const localProblems = new Map((preview?.problems ?? []).map((p) => [p.line, p.message]));

  return (
    <section>
      <p>
        <Link to="/campaigns">← Campaigns</Link>
      </p>
      <h1>New campaign</h1>
      <form className="stack" onSubmit={submit} aria-label="New campaign">
        <div className="card grid">
          <Field label="Name">
            <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} />
          </Field>
          <Field label="Agent">
            <select value={agentId || agents.data?.[0]?.id || ""} onChange={(e) => setAgentId(e.target.value)} required>
              {(agents.data ?? []).map((a) => (
                <option key={a.id} value={a.id}>
                  {a.name} ({a.status})
                </option>
              ))}
            </select>
          </Field>
          <Field label="Caller number">
            <select value={numberId || numbers.data?.numbers[0]?.id || ""} onChange={(e) => setNumberId(e.target.value)} required>
              {(numbers.data?.numbers ?? []).map((n) => (
                <option key={n.id} value={n.id}>
                  {n.e164}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Calls at once">
            <input type="number" min={1} max={100} value={concurrency} onChange={(e) => setConcurrency(Number(e.target.value))} />
          </Field>
          <Field label="Retries per contact">
            <input type="number" min={0} max={10} value={retries} onChange={(e) => setRetries(Number(e.target.value))} />
          </Field>
          <Field label="Seconds between retries">
            <input type="number" min={0} value={retryDelay} onChange={(e) => setRetryDelay(Number(e.target.value))} />
          </Field>
          <Field label="Default region for national numbers" hint="Two letters, e.g. US; leave empty when every number is E.164">
            <input value={region} onChange={(e) => setRegion(e.target.value)} maxLength={2} />
          </Field>
          <fieldset>
            <legend>Retry on</legend>
            {RETRY_OUTCOMES.map((o) => (
              <label key={o} className="inline">
                <input type="checkbox" checked={retryOn.includes(o)} onChange={(e) => setRetryOn(e.target.checked ? [...retryOn, o] : retryOn.filter((x) => x !== o))} /> {o.replace("_", " ")}
              </label>
            ))}
          </fieldset>
        </div>
        <div className="card stack">
          <h2>Calling window</h2>
          <label className="inline">
            <input
              type="checkbox"
              checked={window !== null}
              onChange={(e) => setWindow(e.target.checked ? { start: "09:00", end: "20:00", days: ["mon", "tue", "wed", "thu", "fri"], timezone: "recipient" } : null)}
            />{" "}
            Only call within a window (otherwise any time)
          </label>
          {window ? (
            <div className="grid">
              <Field label="Window start">
                <input type="time" value={window.start} onChange={(e) => setWindow({ ...window, start: e.target.value })} />
              </Field>
              <Field label="Window end" hint="24:00 is midnight">
                <input value={window.end} onChange={(e) => setWindow({ ...window, end: e.target.value })} pattern="([01][0-9]|2[0-3]):[0-5][0-9]|24:00" placeholder="20:00" />
              </Field>
              <Field label="Window time zone" hint="recipient: each contact's own local time, from the number; or an IANA zone">
                <input value={window.timezone} onChange={(e) => setWindow({ ...window, timezone: e.target.value })} maxLength={64} />
              </Field>
              <Field label="Zone of numbers spanning several zones" hint="IANA zone, e.g. America/New_York (UTC when empty)">
                <input value={defaultTimezone} onChange={(e) => setDefaultTimezone(e.target.value)} maxLength={64} />
              </Field>
              <fieldset>
                <legend>Window days</legend>
                {DAYS.map((d) => (
                  <label key={d} className="inline">
                    <input type="checkbox" checked={window.days.includes(d)} onChange={(e) => setWindow({ ...window, days: e.target.checked ? [...window.days, d] : window.days.filter((x) => x !== d) })} /> {d}
                  </label>
                ))}
              </fieldset>
            </div>
          ) : null}
        </div>
        <div className="card stack">
          <h2>Contacts</h2>
          <Field label="CSV file" hint="A header row with a phone_number column; other columns become custom fields. Up to 10 MB.">
            <input type="file" accept=".csv,text/csv" onChange={(e) => onFile(e.target.files?.[0] ?? null)} />
          </Field>
          {fileError ? <p className="error" role="alert">{fileError}</p> : null}
          {editable ? (
            <Field label="Contacts CSV" hint="Edit the rows here to fix what the server refused.">
              <textarea
                rows={8}
                className="mono"
                value={text}
                onChange={(e) => {
                  setText(e.target.value);
                  setFile(null);
                  create.reset(); // the server's row errors were about the old text
                  preflight.reset();
                }}
                placeholder={"phone_number,first_name\n+15551230001,Ada"}
              />
            </Field>
          ) : (
            <p className="muted">This file is uploaded as it is; the preview shows its first rows.</p>
          )}
          {preview && preview.header.length ? (
            <div className="stack">
              <p role="status">
                {preview.rowCount} row{preview.rowCount === 1 ? "" : "s"}
                {file && !editable ? " in the first part of the file" : ""}; columns: {preview.header.join(", ")}
              </p>
              <div className="table-wrap">
                <table aria-label="CSV preview">
                  <thead>
                    <tr>
                      <th>Line</th>
                      {preview.header.map((h, i) => (
                        <th key={i}>{h}</th>
                      ))}
                      <th>Problem</th>
                    </tr>
                  </thead>
                  <tbody>
                    {shown.map((r) => {
                      const problem = serverErrors.get(r.line) ?? localProblems.get(r.line);
                      return (
                        <tr key={r.line} className={problem ? "bad-row" : undefined}>
                          <td>{r.line}</td>
                          {preview.header.map((_, i) => (
                            <td key={i}>{r.fields[i] ?? ""}</td>
                          ))}
                          <td>{problem ? <span className="error">{problem}</span> : null}</td>
                        </tr>
                      );
                    })}
                  </tbody>
                </table>
              </div>
              {preview.problems.length > 0 && serverErrors.size === 0 ? (
                <p className="warning">
                  {preview.problems.length} row{preview.problems.length === 1 ? " looks" : "s look"} wrong here ({preview.problems.slice(0, 3).map((p) => `line ${p.line}: ${p.message}`).join("; ")}); the server has the last word.
                </p>
              ) : null}
            </div>
          ) : null}
        </div>
        {localProblem ? <p className="warning">{localProblem}</p> : null}
        {preflight.data ? <Preflight report={preflight.data} /> : null}
        <ErrorMessage error={create.error ?? preflight.error} />
        <div className="row">
          <button type="button" onClick={() => preflight.mutate()} disabled={preflight.isPending || !text || !!localProblem}>
            {preflight.isPending ? "Checking…" : "Check"}
          </button>
          <button type="submit" className="primary" disabled={create.isPending || !text || !!localProblem}>
            {create.isPending ? "Uploading…" : "Create campaign"}
          </button>
        </div>
      </form>
    </section>
  );
}

function Preflight({ report: r }: { report: Schemas["PreflightReport"] }) {
  return (
    <div className="card stack" role="region" aria-label="Check result">
      <h2>Check</h2>
      <p className={r.accepted ? undefined : "error"}>{r.accepted ? "Create would accept this campaign." : `Create would refuse it: ${r.error ?? "see the rows below"}`}</p>
      <dl className="grid">
        <dt>Contacts stored</dt>
        <dd>{r.contacts_total}</dd>
        <dt>To dial</dt>
        <dd>{r.valid}</dd>
        <dt>Bad rows</dt>
        <dd>{r.invalid_total}</dd>
        <dt>Repeated numbers</dt>
        <dd>{r.duplicates}</dd>
        <dt>On the do-not-call list</dt>
        <dd>{r.do_not_call}</dd>
        <dt>Outside the calling window now</dt>
        <dd>{r.outside_calling_window_now}</dd>
        <dt>Estimated time to dial everyone once</dt>
        <dd>{r.estimated_minutes_to_finish == null ? "a call limit blocks calling" : `${r.estimated_minutes_to_finish} min (calls average ${Math.round(r.average_call_seconds)} s)`}</dd>
      </dl>
      {r.invalid.length ? (
        <ul>
          {r.invalid.slice(0, 20).map((x, i) => (
            <li key={i}>
              line {x.row}: {x.reason}
            </li>
          ))}
        </ul>
      ) : null}
    </div>
  );
}
