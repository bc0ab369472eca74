import { useState, type FormEvent } from "react";
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../../api/client";
import { keys, useFaqs } from "../../api/hooks";
import { ConfirmButton, ErrorMessage, Field, QueryState } from "../../components/ui";

export default function Faqs() {
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<Schemas["FaqRead"] | "new" | null>(null);
  const faqs = useFaqs();
  const q = search.trim().toLowerCase();
  return (
    <div className="stack">
      <div className="row">
        <Field label="Search FAQs">
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </Field>
        <button type="button" className="primary" onClick={() => setEditing("new")}>
          New FAQ
        </button>
      </div>
      {editing ? <FaqForm key={editing === "new" ? "new" : editing.id} faq={editing === "new" ? null : editing} onDone={() => setEditing(null)} /> : null}
      <QueryState query={faqs} isEmpty={(d) => d.faqs.length === 0} empty="No FAQs yet.">
        {(d) => {
          const shown = d.faqs.filter((f) => !q || `${f.title} ${f.summary} ${f.content}`.toLowerCase().includes(q));
          return shown.length === 0 ? (
            <p className="muted">No FAQ matches “{search}”.</p>
          ) : (
            <ul className="list">
              {shown.map((f) => (
                <li key={f.id}>
                  <strong>{f.title}</strong> <span className="muted">{f.summary}</span>{" "}
                  <button type="button" onClick={() => setEditing(f)} aria-label={`Edit ${f.title}`}>
                    Edit
                  </button>
                </li>
              ))}
            </ul>
          );
        }}
      </QueryState>
    </div>
  );
}

function FaqForm({ faq, onDone }: { faq: Schemas["FaqRead"] | null; onDone: () => void }) {
  const qc = useQueryClient();
  const [d, setD] = useState({ title: faq?.title ?? "", summary: faq?.summary ?? "", content: faq?.content ?? "", category: faq?.category ?? "general" });
  const done = () => {
    qc.invalidateQueries({ queryKey: keys.faqs });
    onDone();
  };
  const save = useMutation({
    mutationFn: () =>
      faq ? data(api.PUT("/api/v1/faqs/{faq_id}", { params: { path: { faq_id: faq.id } }, body: d })) : data(api.POST("/api/v1/faqs", { body: d })),
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: () => data(api.DELETE("/api/v1/faqs/{faq_id}", { params: { path: { faq_id: faq!.id } } })),
    onSuccess: done,
  });
  const set = (k: keyof typeof d) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    save.mutate();
  };
  return (
    <form className="card stack" onSubmit={submit} aria-label={faq ? `Edit FAQ ${faq.title}` : "New FAQ"}>
      <h2>{faq ? `Edit ${faq.title}` : "New FAQ"}</h2>
      <div className="grid">
        <Field label="Title">
          <input value={d.title} onChange={set("title")} required />
        </Field>
        <Field label="Category">
          <input value={d.category} onChange={set("category")} />
        </Field>
      </div>
      <Field label="Summary">
        <input value={d.summary} onChange={set("summary")} />
      </Field>
      <Field label="Answer">
        <textarea rows={6} value={d.content} onChange={set("content")} />
      </Field>
      <ErrorMessage error={save.error ?? remove.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save FAQ
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {faq ? <ConfirmButton label="Delete FAQ" question={`Delete the FAQ “${faq.title}”?`} onConfirm={() => remove.mutate()} /> : null}
      </div>
    </form>
  );
}
