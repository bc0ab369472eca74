import { useState } from "react";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useNavigate } from "react-router";
import { api, data } from "../api/client";
import { keys } from "../api/hooks";
import { ErrorMessage, Field, QueryState } from "../components/ui";

export default function Marketplace() {
  const [category, setCategory] = useState("");
  const templates = useQuery({
    queryKey: ["templates", category],
    queryFn: () => data(api.GET("/api/v1/marketplace/templates", { params: { query: category ? { category } : {} } })),
  });
  const qc = useQueryClient();
  const navigate = useNavigate();
  const install = useMutation({
    mutationFn: (id: string) => data(api.POST("/api/v1/marketplace/templates/{template_id}/install", { params: { path: { template_id: id } } })),
    onSuccess: (agent) => {
      qc.invalidateQueries({ queryKey: keys.agents });
      qc.invalidateQueries({ queryKey: keys.playbooks });
      qc.invalidateQueries({ queryKey: keys.faqs });
      navigate(`/agents/${agent.id}`);
    },
  });
  const categories = Object.keys(templates.data?.category_counts ?? {});
  return (
    <section>
      <h1>Marketplace</h1>
      <p className="muted">Templates install a draft agent with its playbooks, FAQs and tool settings.</p>
      <Field label="Category">
        <select value={category} onChange={(e) => setCategory(e.target.value)}>
          <option value="">All</option>
          {(categories.length ? categories : category ? [category] : []).map((c) => (
            <option key={c}>{c}</option>
          ))}
        </select>
      </Field>
      <ErrorMessage error={install.error} />
      <QueryState query={templates} isEmpty={(d) => d.templates.length === 0} empty="No templates in this category.">
        {(d) => (
          <div className="cards">
            {d.templates.map((t) => (
              <article key={t.id} className="card stack" aria-labelledby={`t-${t.id}`}>
                <h2 id={`t-${t.id}`}>{t.name}</h2>
                <p className="muted">
                  {t.category} · {t.llm_model} · {t.voice_provider}
                </p>
                <p>{t.description}</p>
                <details>
                  <summary>What it installs</summary>
                  <p>Greeting: “{t.greeting_message}”</p>
                  <p>Playbooks: {t.playbooks.join(", ") || "none"}</p>
                  <p>FAQs: {t.faqs.map((f) => f.title).join(", ") || "none"}</p>
                  <p>Tools: {t.tools.map((x) => x.tool_name).join(", ") || "none"}</p>
                  {t.setup_steps.length ? (
                    <ol>
                      {t.setup_steps.map((s) => (
                        <li key={s}>{s}</li>
                      ))}
                    </ol>
                  ) : null}
                </details>
                <button type="button" className="primary" disabled={install.isPending} onClick={() => install.mutate(t.id)} aria-label={`Install ${t.name}`}>
                  Install
                </button>
              </article>
            ))}
          </div>
        )}
      </QueryState>
    </section>
  );
}
