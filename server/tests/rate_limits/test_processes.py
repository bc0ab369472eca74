"""Rate limits and Idempotency-Key across two real API processes sharing PostgreSQL and Redis,
configured through the operator command (`kataven-hub limits set`)."""

from __future__ import annotations

import asyncio
import concurrent.futures
import math
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.fixtures.servers import Cluster, start_cluster

# One worker runs the whole module, so its API processes start once (make test: --dist loadgroup).
pytestmark = pytest.mark.xdist_group("processes")


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Cluster]:
    running = start_cluster(
        tmp_path_factory.mktemp("two-processes"), processes=2, RATE_LIMITS_CACHE_SECONDS="1"
    )
    try:
        yield running
    finally:
        running.stop()


@pytest.fixture(scope="module")
def accounts(cluster: Cluster) -> dict[str, dict[str, str]]:
    """The module's accounts, made through the operator command (in parallel: it is slow)."""
    wanted = {"burst": False, "defaults": False, "operator": True, "idem": True}
    with concurrent.futures.ThreadPoolExecutor(len(wanted)) as pool:
        futures = {
            slug: pool.submit(cluster.account, slug, generous=generous)
            for slug, generous in wanted.items()
        }
        return {slug: future.result() for slug, future in futures.items()}


async def fresh_minute(margin: float = 8.0) -> None:
    """Wait, if needed, so that a burst of a few seconds stays inside one minute window."""
    left = 60 - time.time() % 60
    if left < margin:
        await asyncio.sleep(left + 0.05)


async def burst(
    cluster: Cluster, key: str, n: int
) -> list[tuple[httpx.Response, float, float, int]]:
    """n GETs at once, alternating between the processes: (response, sent, received, process)."""
    headers = {"Authorization": f"Bearer {key}"}
    limits = httpx.Limits(max_connections=n, max_keepalive_connections=n)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:

        async def one(i: int) -> tuple[httpx.Response, float, float, int]:
            process = i % len(cluster.urls)
            sent = time.time()
            r = await http.get(f"{cluster.urls[process]}/api/v1/agents", headers=headers)
            return r, sent, time.time(), process

        return await asyncio.gather(*[one(i) for i in range(n)])


class TestAcrossProcesses:
    async def test_burst_never_admits_more_than_the_limit(
        self, cluster: Cluster, accounts: dict[str, dict[str, str]]
    ) -> None:
        account = accounts["burst"]
        cluster.limits(
            account["slug"], minute="30", hour="1000000", day="1000000", concurrent="1000000"
        )
        await fresh_minute()
        results = await burst(cluster, account["key"], 90)
        statuses = [r.status_code for r, *_ in results]
        assert statuses.count(200) == 30, statuses
        assert statuses.count(429) == 60
        admitted_by = {p for r, _, _, p in results if r.status_code == 200}
        refused_by = {p for r, _, _, p in results if r.status_code == 429}
        assert refused_by == {0, 1}, "both processes must have seen the shared count"
        assert admitted_by  # (which process wins each slot is a race)
        for r, sent, received, _ in results:
            if r.status_code != 429:
                continue
            assert r.text == "rate_limited: per-minute (30) exceeded"
            end = (math.floor(sent / 60) + 1) * 60
            # Right to the second: the whole seconds left in the window when it was counted.
            assert (
                math.ceil(end - received) <= int(r.headers["retry-after"]) <= math.ceil(end - sent)
            )

    async def test_documented_defaults_for_a_new_account(
        self, cluster: Cluster, accounts: dict[str, dict[str, str]]
    ) -> None:
        account = accounts["defaults"]
        await fresh_minute(margin=15)
        results = []
        for _ in range(7):  # batches of 10: well under the default of 20 in flight
            results += await burst(cluster, account["key"], 10)
        statuses = [r.status_code for r, *_ in results]
        assert statuses.count(200) == 60
        assert statuses.count(429) == 10
        texts = {r.text for r, *_ in results if r.status_code == 429}
        assert texts == {"rate_limited: per-minute (60) exceeded"}

    async def test_operator_change_reaches_every_process(
        self, cluster: Cluster, accounts: dict[str, dict[str, str]]
    ) -> None:
        account = accounts["operator"]  # generous until changed below
        assert {r.status_code for r, *_ in await burst(cluster, account["key"], 4)} == {200}
        output = cluster.limits(account["slug"], day="0")
        assert output == {
            "account": "operator",
            "requests_per_minute": 1_000_000,
            "requests_per_hour": 1_000_000,
            "requests_per_day": 0,
            "concurrent_requests": 1_000_000,
        }
        await asyncio.sleep(1.2)  # RATE_LIMITS_CACHE_SECONDS=1 in this cluster
        results = await burst(cluster, account["key"], 4)
        assert [r.status_code for r, *_ in results] == [429] * 4
        assert {r.text for r, *_ in results} == {"rate_limited: per-day (0) exceeded"}

    async def test_one_idempotency_key_runs_once(
        self, cluster: Cluster, accounts: dict[str, dict[str, str]]
    ) -> None:
        account = accounts["idem"]
        headers = {"Authorization": f"Bearer {account['key']}", "Idempotency-Key": "order-42"}
        async with httpx.AsyncClient(timeout=60, limits=httpx.Limits(max_connections=60)) as http:
            rs = await asyncio.gather(
                *[
                    http.post(
                        f"{cluster.urls[i % 2]}/api/v1/agents",
                        json={"name": "Once"},
                        headers=headers,
                    )
                    for i in range(60)
                ]
            )
            originals = [
                r for r in rs if r.status_code == 201 and "idempotent-replayed" not in r.headers
            ]
            assert len(originals) == 1
            assert all(
                r.status_code == 409 or r.content == originals[0].content
                for r in rs
                if r is not originals[0]
            )
            later = await http.post(
                f"{cluster.urls[1]}/api/v1/agents", json={"name": "Once"}, headers=headers
            )
            assert later.content == originals[0].content
            assert later.headers["idempotent-replayed"] == "true"
            listed = await http.get(f"{cluster.urls[0]}/api/v1/agents", headers=headers)
            assert [a["name"] for a in listed.json()] == ["Once"]


class TestOperatorCommand:
    def test_refuses_unknown_accounts_and_bad_values(self, cluster: Cluster) -> None:
        cases = [
            ("5", 1, "not_found"),
            ("-1", 1, "invalid_request"),
            ("10000000000", 1, "invalid_request"),
        ]
        with concurrent.futures.ThreadPoolExecutor(len(cases)) as pool:
            runs = [
                pool.submit(
                    cluster.cli,
                    "limits",
                    "set",
                    "--account",
                    "nobody",
                    "--requests-per-minute",
                    value,
                    check=False,
                )
                for value, _, _ in cases
            ]
            for (value, code, error), run in zip(cases, runs, strict=True):
                got_code, output = run.result()
                assert got_code == code, value
                assert output["error"] == error, value
