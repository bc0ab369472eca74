"""A small typed use of the SDK (checked by `make types` with mypy --strict)."""

from __future__ import annotations

import asyncio

from kataven import AsyncKatavenClient, KatavenClient, NotFoundError
from kataven.types import Agent, Campaign


def busiest_agent(client: KatavenClient) -> Agent | None:
    agents = client.agents.list()
    return max(agents, key=lambda a: len(a["name"]), default=None)


def campaign_summary(client: KatavenClient, campaign_id: str) -> str:
    try:
        campaign: Campaign = client.campaigns.get(campaign_id)
    except NotFoundError as exc:
        return f"missing ({exc.message})"
    done = sum(1 for _ in client.campaigns.iter_contacts(campaign_id, status="completed"))
    return f"{campaign['name']}: {campaign['status']}, {done} completed"


async def agent_names() -> list[str]:
    async with AsyncKatavenClient() as client:
        return [agent["name"] for agent in await client.agents.list()]


if __name__ == "__main__":
    with KatavenClient() as client:
        agent = client.agents.create(name="Front desk", status="active")
        client.agents.update(agent["id"], greeting_message="Hello!")
        print(busiest_agent(client))
    print(asyncio.run(agent_names()))
