"""The operator command reads as well as writes: `limits show`, `keys list`, `keys revoke`,
`users list` and `accounts list` print tables for people and JSON with `--json`; long runs
across accounts (`migrate`, `secrets rotate`/`reencrypt`) show a progress bar on a terminal and
end with a summary. Run as a real process on both backends."""

from __future__ import annotations

import asyncio
import io
import json
import sys

import httpx
from kataven_hub.admin.output import ProgressBar, table

from tests.fixtures.app import Tenant
from tests.fixtures.processes import clean_environ


async def run(backend, *args: str) -> tuple[int, str, str]:
    env = {**clean_environ(), **backend.env}
    proc = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "kataven_hub.admin.cli", *args, env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    out, err = await proc.communicate()
    return proc.returncode or 0, out.decode(), err.decode()


class TestLimitsShow:
    async def test_table_and_json(self, backend, new_tenant) -> None:
        tenant = await new_tenant(generous=False)
        code, out, err = await run(backend, "limits", "show", "--account", tenant.slug)
        assert code == 0, err
        lines = out.splitlines()
        assert lines[0] == f"{tenant.slug} (0 blocks a dimension)"
        assert lines[1].split() == ["KIND", "LIMIT", "VALUE"]
        assert any(
            line.split()[-3:] == ["requests", "per", "minute"] or "60" in line for line in lines
        )
        code, out, _ = await run(backend, "limits", "show", "--account", tenant.slug, "--json")
        data = json.loads(out)
        assert data["call_caps"]["concurrent_max"] == 10
        assert data["request_limits"] == {
            "requests_per_minute": 60, "requests_per_hour": 1000, "requests_per_day": 10000,
            "concurrent_requests": 20,
        }  # fmt: skip

    async def test_unknown_account(self, backend) -> None:
        code, _out, err = await run(backend, "limits", "show", "--account", "no-such-acct")
        assert code == 1
        assert "no-such-acct" in err


class TestKeys:
    async def test_list_then_revoke_stops_the_key_at_once(
        self, backend, client: httpx.AsyncClient, new_tenant
    ) -> None:
        tenant: Tenant = await new_tenant()
        assert (await client.get("/api/v1/agents", headers=tenant.headers)).status_code == 200
        code, out, err = await run(backend, "keys", "list", "--account", tenant.slug, "--json")
        assert code == 0, err
        keys = json.loads(out)["keys"]
        assert [k["last8"] for k in keys] == [tenant.key[-8:]]
        assert tenant.key not in out  # never the key itself
        code, out, err = await run(backend, "keys", "list", "--account", tenant.slug)
        assert out.splitlines()[0].split()[:3] == ["ID", "NAME", "LAST8"]
        assert keys[0]["id"] in out
        code, out, err = await run(
            backend, "keys", "revoke", keys[0]["id"], "--account", tenant.slug
        )
        assert code == 0, err
        assert out.startswith(f"revoked {keys[0]['id']}")
        r = await client.get("/api/v1/agents", headers=tenant.headers)
        assert r.status_code == 401
        code, out, err = await run(backend, "keys", "revoke", "key_nope", "--account", tenant.slug)
        assert code == 1
        assert "not found" in err


class TestUsersAndAccounts:
    async def test_users_list(self, backend, new_tenant) -> None:
        tenant = await new_tenant()
        code, out, err = await run(backend, "users", "list", "--account", tenant.slug, "--json")
        assert code == 0, err
        users = json.loads(out)["users"]
        assert [(u["email"], u["account"], u["role"]) for u in users] == [
            (tenant.email, tenant.slug, "owner")
        ]
        code, out, _ = await run(backend, "users", "list", "--account", tenant.slug)
        assert out.splitlines()[0].split() == ["EMAIL", "NAME", "ACCOUNT", "ROLE", "LOGIN"]
        assert tenant.email in out
        assert "password" in out

    async def test_accounts_list_is_a_table(self, backend, new_tenant) -> None:
        tenant = await new_tenant()
        code, out, err = await run(backend, "accounts", "list")
        assert code == 0, err
        assert out.splitlines()[0].split() == ["ACCOUNT", "NAME", "DATABASE", "CREATED", "AT"]
        assert any(line.startswith(tenant.slug + " ") for line in out.splitlines())
        code, out, _ = await run(backend, "accounts", "list", "--json")
        assert tenant.slug in [a["account"] for a in json.loads(out)["accounts"]]


class TestLongRuns:
    async def test_migrate_summarises(self, backend, new_tenant) -> None:
        await new_tenant()
        code, out, err = await run(backend, "migrate")
        assert code == 0, err
        assert out.startswith("migrated the control database and ")
        assert "account(s) to the latest schema in " in out
        assert "[" not in err  # no progress bar when stderr is not a terminal
        code, out, _ = await run(backend, "migrate", "--json")
        assert json.loads(out)["control"] == "head"


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_bar_draws_on_a_terminal_only() -> None:
    screen = _Terminal()
    bar = ProgressBar("accounts", stream=screen)
    for done, name in enumerate(["acme", "globex"]):
        bar(done, 2, name)
    bar(2, 2, "")
    frames = screen.getvalue().split("\r")[1:]
    assert frames[0].startswith("[" + "-" * 30 + "] 0/2 accounts  acme")
    assert frames[1].startswith("[" + "#" * 15 + "-" * 15 + "] 1/2 accounts  globex")
    assert frames[2].startswith("[" + "#" * 30 + "] 2/2 accounts")
    assert screen.getvalue().endswith("\n")
    quiet = io.StringIO()
    ProgressBar("accounts", stream=quiet)(0, 2, "acme")
    assert quiet.getvalue() == ""


def test_table_aligns_columns() -> None:
    text = table([{"a": "x", "b": None}, {"a": "longer", "b": True}], ("a", "b"), "none")
    assert text.splitlines() == ["A       B", "x       -", "longer  yes"]
    assert table([], ("a",), "none") == "none"
