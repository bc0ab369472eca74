import { useEffect, useRef, useState } from "react";
import { api, authHeaders, data } from "../../api/client";
import { applyMessages, initialState, replaceContacts, type LiveContact, type LiveState } from "../../lib/live";
import { streamEvents, type SseMessage } from "../../lib/sse";

const PAGE = 1000;

async function loadContacts(campaignId: string, signal: AbortSignal): Promise<{ contacts: LiveContact[]; total: number }> {
  const contacts: LiveContact[] = [];
  let total = 0;
  for (let offset = 0; ; offset += PAGE) {
    const page = await data(
      api.GET("/api/v1/campaigns/{campaign_id}/contacts", { params: { path: { campaign_id: campaignId }, query: { limit: PAGE, offset } }, signal }),
    );
    contacts.push(...page.contacts);
    total = page.total;
    if (page.contacts.length < PAGE || contacts.length >= total) break;
  }
  return { contacts, total };
}

/** The live state of a campaign: its contacts, then the SSE stream folded in once per frame. */
export function useCampaignLive(campaignId: string, status: string | undefined, onStatus: () => void) {
  const [state, setState] = useState<LiveState | null>(null);
  const [error, setError] = useState<string | null>(null);
  const statusRef = useRef(status);
  statusRef.current = status;
  const onStatusRef = useRef(onStatus);
  onStatusRef.current = onStatus;
  const ready = status !== undefined;

  useEffect(() => {
    if (!ready) return;
    const controller = new AbortController();
    let queue: SseMessage[] = [];
    let frame = 0;
    // A campaign's stream ends with its terminal status, and rows can still move after that
    // (a stop cancels pending contacts, calls in flight finish): the REST rows then have the
    // last word, re-read until nothing is in flight.
    const settle = async () => {
      for (let i = 0; i < 60 && !controller.signal.aborted; i++) {
        const { contacts, total } = await loadContacts(campaignId, controller.signal);
        setState((s) => (s ? replaceContacts(s, contacts, total) : s));
        if (!contacts.some((c) => c.status === "originated" || c.status === "connected")) return;
        await new Promise((r) => setTimeout(r, 2000));
      }
    };
    const flush = () => {
      frame = 0;
      const batch = queue;
      queue = [];
      setState((s) => (s ? applyMessages(s, batch) : s));
      if (batch.some((m) => m.event === "status" || m.event === "end")) onStatusRef.current();
      if (batch.some((m) => m.event === "end")) settle().catch(() => undefined);
    };
    (async () => {
      const { contacts, total } = await loadContacts(campaignId, controller.signal);
      if (controller.signal.aborted) return;
      setState(initialState(statusRef.current ?? "draft", contacts, total));
      await streamEvents({
        url: `/api/v1/campaigns/${encodeURIComponent(campaignId)}/events`,
        headers: authHeaders,
        signal: controller.signal,
        onError: (m) => setError(m),
        onMessages: (messages) => {
          setError(null);
          queue.push(...messages);
          // Many events a second become one render per frame.
          if (!frame) frame = requestAnimationFrame(flush);
        },
      });
    })().catch((e: unknown) => {
      if (!controller.signal.aborted) setError(e instanceof Error ? e.message : String(e));
    });
    return () => {
      controller.abort();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [campaignId, ready]);

  return { state, error };
}
