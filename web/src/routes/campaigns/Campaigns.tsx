import { useQuery } from "@tanstack/react-query";
import { Link } from "react-router";
import { api, data } from "../../api/client";
import { keys, useAgents } from "../../api/hooks";
import { Badge, fmtTime, QueryState } from "../../components/ui";

export default function Campaigns() {
  const campaigns = useQuery({
    queryKey: keys.campaigns,
    queryFn: () => data(api.GET("/api/v1/campaigns")),
    refetchInterval: 5000,
  });
  const agents = useAgents();
  const agentName = new Map((agents.data ?? []).map((a) => [a.id, a.name]));
  return (
    <section>
      <div className="row spread">
        <h1>Campaigns</h1>
        <Link className="button primary" to="/campaigns/new">
          New campaign
        </Link>
      </div>
      <QueryState query={campaigns} isEmpty={(d) => d.campaigns.length === 0} empty={<>No campaigns yet. <Link to="/campaigns/new">Create one from a CSV</Link>.</>}>
        {(d) => (
          <div className="table-wrap">
            <table>
              <thead>
                <tr>
                  <th>Name</th>
                  <th>Status</th>
                  <th>Agent</th>
                  <th>Contacts</th>
                  <th>Concurrency</th>
                  <th>Created</th>
                </tr>
              </thead>
              <tbody>
                {d.campaigns.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/campaigns/${c.id}`}>{c.name}</Link>
                    </td>
                    <td>
                      <Badge value={c.status} />
                    </td>
                    <td>{agentName.get(c.agent_id) ?? c.agent_id}</td>
                    <td>
                      {c.contacts_total}
                      {c.duplicates_skipped ? ` (+${c.duplicates_skipped} duplicates skipped)` : ""}
                    </td>
                    <td>{c.max_concurrent_calls}</td>
                    <td>{fmtTime(c.created_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </QueryState>
    </section>
  );
}
