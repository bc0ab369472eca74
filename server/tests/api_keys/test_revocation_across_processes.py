"""Revoke a key through one API process; the very next request through another fails.

Runs a production layout: two `kataven-hub api` processes on PostgreSQL + Redis.
"""

from __future__ import annotations

import httpx

from tests.fixtures.processes import Deployment


def test_revocation_reaches_the_other_process(pg_redis_deployment: Deployment) -> None:
    dep = pg_redis_deployment
    dep.cli(
        "accounts",
        "create",
        "acme-x",
        "--owner-email",
        "ops@acme.test",
        "--owner-password",
        "pw-123456",
    )
    a, b = dep.urls
    with httpx.Client(timeout=10) as http:
        login = http.post(
            f"{a}/api/login", json={"email": "ops@acme.test", "password": "pw-123456"}
        )
        assert login.status_code == 200
        admin = {"Authorization": f"Bearer {login.json()['token']}", "X-Account-ID": "acme-x"}
        for round_ in range(5):
            created = http.post(
                f"{a}/api/v1/api-keys", json={"name": f"k{round_}"}, headers=admin
            ).json()
            key = {"Authorization": f"Bearer {created['key']}"}
            # Warm both processes' caches with the valid key.
            for _ in range(3):
                assert http.get(f"{b}/api/v1/agents", headers=key).status_code == 200
                assert http.get(f"{a}/api/v1/agents", headers=key).status_code == 200
            revoked = http.patch(
                f"{a}/api/v1/api-keys/{created['id']}", json={"disabled": True}, headers=admin
            )
            assert revoked.status_code == 200
            assert http.get(f"{b}/api/v1/agents", headers=key).status_code == 401
            assert http.get(f"{a}/api/v1/agents", headers=key).status_code == 401


def test_operator_commands_speak_json(pg_redis_deployment: Deployment) -> None:
    dep = pg_redis_deployment
    created = dep.cli("accounts", "create", "ops-co", "--name", "Ops Co")
    assert created["account"] == "ops-co"
    assert created["database"].endswith("ops-co")
    key = dep.cli("keys", "create", "--account", "ops-co", "--name", "ci")["key"]
    assert key.startswith("sk_live_ops-co_")
    user = dep.cli(
        "users", "add", "--email", "Ann@Ops.test", "--account", "ops-co", "--role", "admin"
    )
    assert user["email"] == "ann@ops.test"
    listed = dep.cli("accounts", "list")["accounts"]
    assert "ops-co" in [row["account"] for row in listed]
    assert dep.cli("migrate")["accounts"] == [row["account"] for row in listed]
    with httpx.Client(timeout=10) as http:
        r = http.get(f"{dep.urls[1]}/api/v1/agents", headers={"Authorization": f"Bearer {key}"})
        assert r.status_code == 200
    assert dep.cli("accounts", "delete", "ops-co", "--yes") == {"deleted": "ops-co"}
    with httpx.Client(timeout=10) as http:
        for url in dep.urls:  # urls[1] had the key cached and an engine open
            r = http.get(f"{url}/api/v1/agents", headers={"Authorization": f"Bearer {key}"})
            assert r.status_code == 401
