import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, send, type Schemas } from "../api/client";
import { keys } from "../api/hooks";
import { ConfirmButton, ErrorMessage, Field, fmtTime, QueryState } from "../components/ui";

const PAGE = 100;

export default function DoNotCall() {
  const qc = useQueryClient();
  const [search, setSearch] = useState("");
  const [offset, setOffset] = useState(0);
  const lookup = search.trim();
  const list = useQuery({
    queryKey: [...keys.dnc, lookup, offset],
    queryFn: () => data(api.GET("/api/v1/dnc", { params: { query: { limit: PAGE, offset, ...(lookup ? { phone_number: lookup } : {}) } } })),
  });
  const refresh = () => qc.invalidateQueries({ queryKey: keys.dnc });
  const remove = useMutation({
    mutationFn: (phone: string) => data(api.DELETE("/api/v1/dnc/{phone_number}", { params: { path: { phone_number: phone } } })),
    onSuccess: refresh,
  });
  return (
    <section>
      <h1>Do not call</h1>
      <p className="muted">Numbers on this list are never dialled: campaigns skip them (even running ones) and single calls are refused.</p>
      <AddNumber onDone={refresh} />
      <ImportNumbers onDone={refresh} />
      <div className="row">
        <Field label="Find a number">
          <input
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setOffset(0);
            }}
            placeholder="+15551230001"
          />
        </Field>
      </div>
      <ErrorMessage error={remove.error} />
      <QueryState query={list} isEmpty={(d) => d.numbers.length === 0} empty={lookup ? "That number is not listed." : "No numbers listed."}>
        {(d) => (
          <>
            <p className="muted">{d.total} listed</p>
            <div className="table-wrap">
              <table>
                <thead>
                  <tr>
                    <th>Number</th>
                    <th>Reason</th>
                    <th>Listed by</th>
                    <th>Listed</th>
                    <th />
                  </tr>
                </thead>
                <tbody>
                  {d.numbers.map((n) => (
                    <tr key={n.phone_number}>
                      <td className="mono">{n.phone_number}</td>
                      <td>{n.reason ?? "—"}</td>
                      <td>{n.created_by ?? "—"}</td>
                      <td>{fmtTime(n.created_at)}</td>
                      <td>
                        <ConfirmButton label="Remove" question={`Take ${n.phone_number} off the do-not-call list? It can be dialled again.`} onConfirm={() => remove.mutate(n.phone_number)} />
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <div className="row">
              <button type="button" onClick={() => setOffset(Math.max(0, offset - PAGE))} disabled={offset === 0}>
                Newer
              </button>
              <button type="button" onClick={() => setOffset(offset + PAGE)} disabled={offset + d.numbers.length >= d.total}>
                Older
              </button>
            </div>
          </>
        )}
      </QueryState>
    </section>
  );
}

function AddNumber({ onDone }: { onDone: () => void }) {
  const [phone, setPhone] = useState("");
  const [reason, setReason] = useState("");
  const add = useMutation({
    mutationFn: () => data(api.POST("/api/v1/dnc", { body: { phone_number: phone.trim(), ...(reason.trim() ? { reason: reason.trim() } : {}) } })),
    onSuccess: () => {
      setPhone("");
      setReason("");
      onDone();
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    add.mutate();
  };
  return (
    <form className="card row" aria-label="Add a number" onSubmit={submit}>
      <Field label="Phone number (E.164)">
        <input value={phone} onChange={(e) => setPhone(e.target.value)} required maxLength={40} placeholder="+15551230001" />
      </Field>
      <Field label="Reason">
        <input value={reason} onChange={(e) => setReason(e.target.value)} maxLength={200} />
      </Field>
      <button type="submit" className="primary" disabled={add.isPending || !phone.trim()}>
        Add to list
      </button>
      <ErrorMessage error={add.error} />
      {add.data ? (
        <span role="status" className="muted">
          Listed {add.data.phone_number}.
        </span>
      ) : null}
    </form>
  );
}

function ImportNumbers({ onDone }: { onDone: () => void }) {
  const [file, setFile] = useState<File | null>(null);
  const [region, setRegion] = useState("");
  const upload = useMutation({
    mutationFn: async () => {
      const form = new FormData();
      form.set("file", file!, file!.name);
      if (region.trim()) form.set("default_region", region.trim().toUpperCase());
      const r = await send("/api/v1/dnc/import", { method: "POST", body: form });
      return (await r.json()) as Schemas["DncImportResult"];
    },
    onSuccess: onDone,
  });
  return (
    <details className="card">
      <summary>Import a CSV</summary>
      <form
        className="stack"
        aria-label="Import numbers"
        onSubmit={(e) => {
          e.preventDefault();
          upload.mutate();
        }}
      >
        <Field label="CSV file" hint="A header with phone_number (and optionally reason). Any bad row refuses the whole file.">
          <input type="file" accept=".csv,text/csv" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </Field>
        <Field label="Default region for national numbers">
          <input value={region} onChange={(e) => setRegion(e.target.value)} maxLength={2} />
        </Field>
        <ErrorMessage error={upload.error} />
        {upload.data ? (
          <p role="status">
            {upload.data.added} added, {upload.data.already_listed} already listed, {upload.data.duplicates_skipped} repeated rows.
          </p>
        ) : null}
        <div>
          <button type="submit" disabled={!file || upload.isPending}>
            Import
          </button>
        </div>
      </form>
    </details>
  );
}
