"""End to end through a misbehaving proxy: a create whose answer is lost is retried and applied
once; an event stream cut midway resumes with every event exactly once. Sync and async."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from kataven import AsyncKatavenClient, KatavenClient
from sdk_support import Hub, Proxy, unique_e164


@pytest.fixture
def proxy(hub: Hub) -> Iterator[Proxy]:
    p = Proxy(hub.url)
    try:
        yield p
    finally:
        p.close()


def test_lost_answer_is_retried_and_applied_once(hub: Hub, fresh_key: str, proxy: Proxy) -> None:
    with KatavenClient(fresh_key, base_url=hub.url) as direct:
        assert direct.agents.list() == []
        proxy.drop_writes = 1
        with KatavenClient(fresh_key, base_url=proxy.url) as via:
            agent = via.agents.create(name="Once")
        assert proxy.dropped == 1
        posts = [h for m, p, h in proxy.seen if m == "POST"]
        assert len(posts) == 2
        assert posts[0]["Idempotency-Key"] == posts[1]["Idempotency-Key"]
        rows = direct.agents.list()
        assert [a["id"] for a in rows] == [agent["id"]]
        assert rows[0]["name"] == "Once"


async def test_lost_answer_async(hub: Hub, fresh_key: str, proxy: Proxy) -> None:
    proxy.drop_writes = 1
    async with AsyncKatavenClient(fresh_key, base_url=proxy.url) as via:
        faq = await via.faqs.create("Where are you?", summary="Here")
        rows = (await via.faqs.list())["faqs"]
    assert proxy.dropped == 1
    assert [f["id"] for f in rows] == [faq["id"]]


def _campaign(client: KatavenClient, tmp_path: Path, contacts: int) -> str:
    provider = client.telephony.create_provider("sandbox")
    agent = client.agents.create(name="Dialer", status="active")
    number = client.telephony.create_number(
        unique_e164(), "sandbox", provider["id"], agent_id=agent["id"]
    )
    csv = tmp_path / "leads.csv"
    csv.write_text("phone_number\n" + "".join(f"{unique_e164()}\n" for _ in range(contacts)))
    campaign = client.campaigns.create(
        "Cut", agent["id"], number["id"], csv, max_concurrent_calls=4
    )
    client.campaigns.start(campaign["id"])
    return campaign["id"]


def test_stream_cut_midway_every_event_once(
    hub: Hub, fresh_key: str, proxy: Proxy, tmp_path: Path
) -> None:
    with KatavenClient(fresh_key, base_url=hub.url) as direct:
        cid = _campaign(direct, tmp_path, 10)
        proxy.cut_stream_after = 3
        with KatavenClient(fresh_key, base_url=proxy.url) as via:
            events = list(via.campaigns.stream_events(cid))
        full = list(direct.campaigns.stream_events(cid))
    ids = [e.id for e in events if e.id is not None]
    assert proxy.cuts >= 2
    assert ids == [e.id for e in full if e.id is not None]
    assert len(ids) == len(set(ids))
    assert [int(i) for i in ids] == list(range(1, len(ids) + 1))
    assert events[-1].event == "end"
    streams = [h for m, p, h in proxy.seen if p.endswith("/events")]
    assert "Last-Event-ID" not in streams[0]
    assert streams[1]["Last-Event-ID"] == "3"


async def test_stream_cut_midway_async(
    hub: Hub, fresh_key: str, proxy: Proxy, tmp_path: Path
) -> None:
    with KatavenClient(fresh_key, base_url=hub.url) as direct:
        cid = _campaign(direct, tmp_path, 6)
    proxy.cut_stream_after = 2
    async with AsyncKatavenClient(fresh_key, base_url=proxy.url) as via:
        events = [e async for e in via.campaigns.stream_events(cid)]
    ids = [int(e.id) for e in events if e.id is not None]
    assert proxy.cuts >= 2
    assert ids == list(range(1, len(ids) + 1))
    assert events[-1].event == "end"
