// A loopback HTTP proxy in front of the hub that can lose a response or cut a stream, and
// records every request it forwarded ({ method, url, headers, status, replayed }).
import { request as httpRequest, createServer } from "node:http";

/**
 * `decide(req)` returns "pass", "lose-response" (forward, let the server finish, then drop the
 * client's connection without answering) or { cutAfterEvents: n } (relay n SSE events, then
 * drop the connection).
 */
export async function startProxy(target, decide = () => "pass") {
  const upstream = new URL(target);
  const seen = [];
  const server = createServer((req, res) => {
    const mode = decide(req);
    const entry = { method: req.method, url: req.url, headers: req.headers, mode };
    seen.push(entry);
    const out = httpRequest(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: req.method,
        path: req.url,
        headers: { ...req.headers, host: upstream.host },
      },
      (answer) => {
        entry.status = answer.statusCode;
        entry.replayed = answer.headers["idempotent-replayed"] === "true";
        if (mode === "lose-response") {
          answer.resume();
          answer.on("end", () => req.socket.destroy());
          return;
        }
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        if (typeof mode === "object" && mode.cutAfterEvents) {
          let events = 0;
          answer.on("data", (chunk) => {
            res.write(chunk);
            events += (chunk.toString("utf8").match(/\n\n/g) ?? []).length;
            if (events >= mode.cutAfterEvents) {
              answer.destroy();
              req.socket.destroy();
            }
          });
          return;
        }
        answer.pipe(res);
      },
    );
    out.on("error", () => req.socket.destroy());
    req.pipe(out);
  });
  await new Promise((ok) => server.listen(0, "127.0.0.1", ok));
  return {
    url: `http://127.0.0.1:${server.address().port}`,
    seen,
    close: () =>
      new Promise((ok) => {
        server.closeAllConnections();
        server.close(ok);
      }),
  };
}
