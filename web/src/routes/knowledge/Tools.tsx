import { useState, type FormEvent } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api, data, type Schemas } from "../../api/client";
import { keys } from "../../api/hooks";
import { Badge, ConfirmButton, ErrorMessage, Field, QueryState } from "../../components/ui";

type Draft = { name: string; display_name: string; category: string; description: string; implementation_type: "python" | "http"; schema: string };
const blank: Draft = { name: "", display_name: "", category: "custom", description: "", implementation_type: "http", schema: '{\n  "type": "object",\n  "properties": {}\n}' };

export default function Tools() {
  const [search, setSearch] = useState("");
  const [editing, setEditing] = useState<Schemas["ToolRead"] | "new" | null>(null);
  const list = useQuery({
    queryKey: [...keys.tools, "search", search],
    queryFn: () => data(api.GET("/api/v1/tools", { params: { query: { limit: 100, ...(search ? { search } : {}) } } })),
  });
  return (
    <div className="stack">
      <div className="row">
        <Field label="Search tools">
          <input type="search" value={search} onChange={(e) => setSearch(e.target.value)} />
        </Field>
        <button type="button" className="primary" onClick={() => setEditing("new")}>
          New tool
        </button>
      </div>
      {editing ? <ToolEditor key={editing === "new" ? "new" : editing.id} tool={editing === "new" ? null : editing} onDone={() => setEditing(null)} /> : null}
      <QueryState query={list} isEmpty={(d) => d.tools.length === 0} empty={search ? `No tool matches “${search}”.` : "No tools yet."}>
        {(d) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Tool</th>
                  <th>Category</th>
                  <th>Type</th>
                  <th>Description</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {d.tools.map((t) => (
                  <tr key={t.id}>
                    <td>
                      {t.display_name} <code>{t.name}</code> {t.is_default ? <Badge value="built-in" /> : null}
                    </td>
                    <td>{t.category}</td>
                    <td>{t.implementation_type}</td>
                    <td>{t.description}</td>
                    <td>
                      <button type="button" onClick={() => setEditing(t)} aria-label={`Edit ${t.display_name}`}>
                        Edit
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </div>
  );
}

function ToolEditor({ tool, onDone }: { tool: Schemas["ToolRead"] | null; onDone: () => void }) {
  const qc = useQueryClient();
  const [d, setD] = useState<Draft>(() =>
    tool ? { name: tool.name, display_name: tool.display_name, category: tool.category, description: tool.description, implementation_type: tool.implementation_type === "python" ? "python" : "http", schema: JSON.stringify(tool.schema, null, 2) } : blank,
  );
  const [local, setLocal] = useState<string | null>(null);
  const done = () => {
    qc.invalidateQueries({ queryKey: keys.tools });
    onDone();
  };
  const save = useMutation({
    mutationFn: async (schema: Record<string, unknown>) => {
      const body = { display_name: d.display_name || undefined, category: d.category, description: d.description, implementation_type: d.implementation_type, schema: schema as Schemas["ToolCreate"]["schema"] };
      return tool
        ? data(api.PUT("/api/v1/tools/{tool_id}", { params: { path: { tool_id: tool.id } }, body }))
        : data(api.POST("/api/v1/tools", { body: { ...body, name: d.name } }));
    },
    onSuccess: done,
  });
  const remove = useMutation({
    mutationFn: () => data(api.DELETE("/api/v1/tools/{tool_id}", { params: { path: { tool_id: tool!.id } } })),
    onSuccess: done,
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    try {
      setLocal(null);
      save.mutate(JSON.parse(d.schema) as Record<string, unknown>);
    } catch {
      setLocal("The parameters schema must be valid JSON.");
    }
  };
  const set = (k: keyof Draft) => (e: { target: { value: string } }) => setD({ ...d, [k]: e.target.value });
  return (
    <form className="card stack" onSubmit={submit} aria-label={tool ? `Edit tool ${tool.name}` : "New tool"}>
      <h2>{tool ? `Edit ${tool.display_name}` : "New tool"}</h2>
      <div className="grid">
        <Field label="Name (snake_case, cannot change later)">
          <input value={d.name} onChange={set("name")} required disabled={!!tool} pattern="[a-z][a-z0-9_]*" />
        </Field>
        <Field label="Display name">
          <input value={d.display_name} onChange={set("display_name")} />
        </Field>
        <Field label="Category">
          <input value={d.category} onChange={set("category")} required />
        </Field>
        <Field label="Implementation">
          <select value={d.implementation_type} onChange={set("implementation_type")}>
            <option value="http">http</option>
            <option value="python">python</option>
          </select>
        </Field>
      </div>
      <Field label="Description">
        <input value={d.description} onChange={set("description")} />
      </Field>
      <Field label="Parameters schema (JSON)">
        <textarea rows={6} value={d.schema} onChange={set("schema")} />
      </Field>
      {local ? <p className="error" role="alert">{local}</p> : null}
      <ErrorMessage error={save.error ?? remove.error} />
      <div className="row">
        <button type="submit" className="primary" disabled={save.isPending}>
          Save tool
        </button>
        <button type="button" onClick={onDone}>
          Cancel
        </button>
        {tool ? <ConfirmButton label="Delete tool" question={`Delete the tool “${tool.name}”? Agents using it lose it.`} onConfirm={() => remove.mutate()} /> : null}
      </div>
    </form>
  );
}
