import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data } from "../../api/client";
import { keys } from "../../api/hooks";
import { Badge, ConfirmButton, ErrorMessage, Field, Loading, QueryState } from "../../components/ui";

export default function Playbooks() {
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<string | null>(null); // an id, or "new"
  const list = useQuery({
    queryKey: [...keys.playbooks, "search", search],
    queryFn: () => data(api.GET("/api/v1/playbooks", { params: { query: { limit: 100, ...(search ? { search } : {}) } } })),
  });
  return (
    <div className="stack">
      <div className="row">
        <Field label="Search playbooks">
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </Field>
        <button type="button" className="primary" onClick={() => setEditing("new")}>
          New playbook
        </button>
      </div>
      {editing ? <PlaybookEditor key={editing} id={editing === "new" ? null : editing} onDone={() => setEditing(null)} /> : null}
      <QueryState query={list} isEmpty={(d) => d.playbooks.length === 0} empty={search ? `No playbook matches “${search}”.` : "No playbooks yet."}>
        {(d) => (
          <ul className="list">
            {d.playbooks.map((p) => (
              <li key={p.id}>
                <strong>{p.display_name}</strong> <code>{p.name}</code> {p.is_default ? <Badge value="built-in" /> : null}
                <span className="muted"> {p.description}</span>{" "}
                <button type="button" onClick={() => setEditing(p.id)} aria-label={`Edit ${p.display_name}`}>
                  Edit
                </button>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </div>
  );
}

function PlaybookEditor({ id, onDone }: { id: string | null; onDone: () => void }) {
  const one = useQuery({
    queryKey: [...keys.playbooks, id],
    enabled: !!id,
    queryFn: () => data(api.GET("/api/v1/playbooks/{playbook_id}", { params: { path: { playbook_id: id! } } })),
  });
  if (id && one.isPending) return <Loading />;
  if (id && one.isError) return <ErrorMessage error={one.error} />;
  return <PlaybookForm playbook={one.data ?? null} onDone={onDone} />;
}

function PlaybookForm({ playbook, onDone }: { playbook: { id: string; name: string; display_name: string; category: string; description: string; content: string } | null; onDone: () => void }) {
  const qc = useQueryClient();
  const [d, setD] = useState({
    display_name: playbook?.display_name ?? "",
    category: playbook?.category ?? "general",
    description: playbook?.description ?? "",
    content: playbook?.content ?? "# Steps\n\n1. ",
  });
  const done = () => {
    qc.invalidateQueries({ queryKey: keys.playbooks });
    onDone();
  };
  const save = useMutation({
    mutationFn: () =>
      playbook
        ? data(api.PUT("/api/v1/playbooks/{playbook_id}", { params: { path: { playbook_id: playbook.id } }, body: d }))
        : data(api.POST("/api/v1/playbooks", { body: d })),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: () => data(api.DELETE("/api/v1/playbooks/{playbook_id}", { params: { path: { playbook_id: playbook!.id } } })),
    onSuccess: done,
  });
  const set = (k: keyof typeof d) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} aria-label={playbook ? `Edit playbook ${playbook.name}` : "New playbook"}>
      <h2>{playbook ? `Edit ${playbook.display_name}` : "New playbook"}</h2>
      <div className="grid">
        <Field label="Display name">
          <input value={d.display_name} onChange={set("display_name")} required />
        </Field>
        <Field label="Category">
          <input value={d.category} onChange={set("category")} />
        </Field>
      </div>
      <Field label="Description">
        <input value={d.description} onChange={set("description")} />
      </Field>
      <Field label="Content (markdown)">
        <textarea rows={10} value={d.content} onChange={set("content")} />
      </Field>
      <ErrorMessage error={save.error ?? remove.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save playbook
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {playbook ? <ConfirmButton label="Delete playbook" question={`Delete the playbook “${playbook.display_name}”?`} onConfirm={() => remove.mutate()} /> : null}
      </div>
    </form>
  );
}
