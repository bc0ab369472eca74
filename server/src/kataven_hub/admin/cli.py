"""`kataven-hub`: the operator command (serve, migrate, provision accounts, users and keys,
rotate the secrets keyring).

Every subcommand prints a short human line or an aligned table by default (long runs over
every account show a progress bar on a terminal, then a summary) and a JSON object with
`--json`.

Subcommands import what they use inside their own function: `kataven-hub api` and
`kataven-hub dispatcher` start without loading every module the account commands need.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import os
import secrets
import sys
import time
from collections.abc import Awaitable, Callable
from typing import Any

from kataven_hub.admin.output import ProgressBar, table
from kataven_hub.core.errors import AppError


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    if not hasattr(args, "run"):
        parser.print_help()
        return 2
    try:
        return int(args.run(args) or 0)
    except AppError as exc:
        _emit(args, {"error": exc.code, "detail": exc.message}, f"error: {exc.message}", sys.stderr)
        return 1


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kataven-hub", description=__doc__)
    sub = parser.add_subparsers(metavar="command")

    def command(name: str, help_: str, run: Callable[[argparse.Namespace], int | None]) -> Any:
        p = sub.add_parser(name, help=help_)
        p.add_argument("--json", action="store_true", help="print JSON for scripts")
        p.set_defaults(run=run)
        return p

    api = command("api", "serve the API", _api)
    api.add_argument("--host", default=None)
    api.add_argument("--port", type=int, default=None)
    api.add_argument("--workers", type=int, default=1)
    api.add_argument("--reload", action="store_true")

    command("dispatcher", "run the campaign dispatcher (SIGTERM stops it cleanly)", _dispatcher)

    command(
        "migrate",
        "upgrade the control database and every account's database (and add new defaults)",
        _migrate,
    )

    accounts = sub.add_parser("accounts", help="create, list or delete accounts")
    acc = accounts.add_subparsers(metavar="action")
    create = acc.add_parser("create", help="create an account, its database and its owner")
    create.add_argument("slug")
    create.add_argument("--name")
    create.add_argument("--owner-email")
    create.add_argument("--owner-password", help="default: generated and printed once")
    create.add_argument("--json", action="store_true")
    create.set_defaults(run=_accounts_create)
    lst = acc.add_parser("list", help="list accounts")
    lst.add_argument("--json", action="store_true")
    lst.set_defaults(run=_accounts_list)
    delete = acc.add_parser("delete", help="delete an account and drop its database")
    delete.add_argument("slug")
    delete.add_argument("--yes", action="store_true", help="confirm: this destroys the data")
    delete.add_argument("--json", action="store_true")
    delete.set_defaults(run=_accounts_delete)

    keys = sub.add_parser("keys", help="mint, list and revoke API keys")
    ka = keys.add_subparsers(metavar="action")
    kl = ka.add_parser("list", help="an account's API keys (never the keys themselves)")
    kl.add_argument("--account", required=True)
    kl.add_argument("--json", action="store_true")
    kl.set_defaults(run=_keys_list)
    kr = ka.add_parser("revoke", help="disable a key at once, in every API process")
    kr.add_argument("key_id")
    kr.add_argument("--account", required=True)
    kr.add_argument("--json", action="store_true")
    kr.set_defaults(run=_keys_revoke)
    kc = ka.add_parser("create", help="mint an sk_live_ key")
    kc.add_argument("--account", required=True)
    kc.add_argument("--name", required=True)
    kc.add_argument("--expiry", default=None, help="never (default), <n>d or <n>y")
    kc.add_argument("--json", action="store_true")
    kc.set_defaults(run=_keys_create)

    limits = sub.add_parser("limits", help="an account's call cost caps and request rate limits")
    la = limits.add_subparsers(metavar="action")
    lshow = la.add_parser("show", help="an account's call cost caps and request rate limits")
    lshow.add_argument("--account", required=True)
    lshow.add_argument("--json", action="store_true")
    lshow.set_defaults(run=_limits_show)
    ls = la.add_parser(
        "set", help="set call cost caps and/or request rate limits (only the flags given change)"
    )
    ls.add_argument("--account", required=True)
    for flag in (*_CALL_CAP_FLAGS, *_RATE_LIMIT_FLAGS):
        ls.add_argument(f"--{flag}", type=int, default=None, metavar="N", help="0 blocks")
    ls.add_argument("--json", action="store_true")
    ls.set_defaults(run=_limits_set)

    sec = sub.add_parser("secrets", help="rotate the keyring that encrypts stored secrets")
    sa = sec.add_subparsers(metavar="action")
    for name, help_ in (
        ("rotate", "add a key, make it active and re-encrypt every stored secret"),
        ("reencrypt", "re-encrypt every stored secret under the active key"),
        ("status", "keys, and how many stored secrets each protects"),
    ):
        p = sa.add_parser(name, help=help_)
        p.add_argument("--json", action="store_true")
        p.set_defaults(run=_secrets, action=name)
    rm = sa.add_parser("remove-key", help="drop a key once no stored secret needs it")
    rm.add_argument("key_id", type=int)
    rm.add_argument("--json", action="store_true")
    rm.set_defaults(run=_secrets, action="remove-key")

    users = sub.add_parser("users", help="add and list users")
    uactions = users.add_subparsers(metavar="action")
    ul = uactions.add_parser("list", help="users and their roles")
    ul.add_argument("--account", help="only this account's members")
    ul.add_argument("--json", action="store_true")
    ul.set_defaults(run=_users_list)
    ua = uactions.add_parser("add", help="add a user or a role")
    ua.add_argument("--email", required=True)
    ua.add_argument("--password", help="for the built-in login; '-' reads it from stdin")
    ua.add_argument("--account")
    ua.add_argument("--role", default="member", choices=["owner", "admin", "member"])
    ua.add_argument("--name", default="")
    ua.add_argument("--json", action="store_true")
    ua.set_defaults(run=_users_add)
    return parser


_CALL_CAP_FLAGS = ("concurrent-max", "calls-per-minute", "daily-calls-max", "daily-minutes-max")
_RATE_LIMIT_FLAGS = (
    "requests-per-minute",
    "requests-per-hour",
    "requests-per-day",
    "concurrent-requests",
)


def _emit(args: argparse.Namespace, data: dict[str, Any], human: str, stream: Any = None) -> None:
    stream = stream or sys.stdout
    print(json.dumps(data, default=str) if args.json else human, file=stream)


def _with_control(work: Callable[[Any], Awaitable[Any]]) -> Any:
    """Run `work(control_session)` with tenancy initialised, then shut it down."""

    async def go() -> Any:
        from kataven_hub import wiring
        from kataven_hub.core import migrate, tenancy
        from kataven_hub.core.db import ControlSession, new_session, sqlite_immediate
        from kataven_hub.core.settings import get_settings

        registry = tenancy.init(get_settings())
        wiring.register()  # tenant seeders, for accounts created or migrated here
        try:
            await migrate.upgrade(registry.control_engine, "control")
            # Immediate on SQLite: these read, then write, while an API process may be writing.
            async with new_session(sqlite_immediate(registry.control_engine)) as session:
                return await work(ControlSession(session))
        finally:
            await tenancy.shutdown()

    return asyncio.run(go())


def _api(args: argparse.Namespace) -> int:
    import uvicorn

    from kataven_hub.core import settings as settings_mod

    settings = settings_mod.get_settings()
    host, port = args.host or settings.HOST, args.port or settings.PORT
    # The served address is the process's HOST/PORT: without KATAVEN_PUBLIC_BASE_URL, carrier
    # callback and recording URLs are built from it (workers and reloads inherit it too).
    os.environ["KATAVEN_HOST"], os.environ["KATAVEN_PORT"] = host, str(port)
    settings_mod.configure()
    uvicorn.run(
        "kataven_hub.main:create_app",
        factory=True,
        host=host,
        port=port,
        workers=args.workers,
        reload=args.reload,
        log_config=None,
        access_log=False,
        proxy_headers=True,
    )
    return 0


def _dispatcher(args: argparse.Namespace) -> int:
    from kataven_hub.dispatcher.__main__ import main as dispatcher_main

    return dispatcher_main()


def _migrate(args: argparse.Namespace) -> int:
    bar = ProgressBar("accounts", enabled=not args.json)
    started = time.monotonic()

    async def work(session: Any) -> list[str]:
        from kataven_hub.accounts import service as accounts_service
        from kataven_hub.core import migrate, tenancy
        from kataven_hub.widget import origins as widget_origins

        done: list[str] = []
        accounts = await accounts_service.list_accounts(session)
        for account in accounts:
            bar(len(done), len(accounts), account.slug)
            engine = await tenancy.get().engine_for(account.slug)
            assert engine is not None
            await migrate.upgrade(engine, "tenant")
            await accounts_service.seed_tenant(engine)  # defaults added by newer releases
            await widget_origins.rebuild(account.slug, engine, session)  # the CORS origin index
            await tenancy.get().forget(account.slug)  # one pool at a time, however many
            done.append(account.slug)
        bar(len(done), len(accounts), "")
        return done

    done = _with_control(work)
    seconds = round(time.monotonic() - started, 1)
    _emit(
        args,
        {"control": "head", "accounts": done, "seconds": seconds},
        f"migrated the control database and {len(done)} account(s) to the latest schema "
        f"in {seconds}s",
    )
    return 0


def _accounts_create(args: argparse.Namespace) -> int:
    async def work(session: Any) -> dict[str, Any]:
        from kataven_hub.accounts import service as accounts_service

        account = await accounts_service.create_account(session, args.slug, args.name)
        result: dict[str, Any] = {"account": account.slug, "database": account.database_name}
        if args.owner_email:
            password = args.owner_password or secrets.token_urlsafe(12)
            await accounts_service.add_user(
                session, args.owner_email, password=password, account=account.slug, role="owner"
            )
            result.update(owner=args.owner_email.lower())
            if not args.owner_password:
                result["owner_password"] = password
        await session.commit()
        return result

    result = _with_control(work)
    human = f"created account {result['account']}"
    if "owner_password" in result:
        human += f"\nowner {result['owner']} password (shown once): {result['owner_password']}"
    _emit(args, result, human)
    return 0


def _accounts_list(args: argparse.Namespace) -> int:
    async def work(session: Any) -> list[dict[str, Any]]:
        from kataven_hub.accounts import service as accounts_service

        return [
            {
                "account": a.slug,
                "name": a.name,
                "database": a.database_name,
                "created_at": a.created_at,
            }
            for a in await accounts_service.list_accounts(session)
        ]

    rows = _with_control(work)
    human = table(rows, ("account", "name", "database", "created_at"), "no accounts")
    _emit(args, {"accounts": rows}, human)
    return 0


def _accounts_delete(args: argparse.Namespace) -> int:
    if not args.yes:
        _emit(
            args, {"error": "confirm", "detail": "pass --yes"}, "refusing without --yes", sys.stderr
        )
        return 2

    async def work(session: Any) -> None:
        from kataven_hub.accounts import service as accounts_service

        await accounts_service.delete_account(session, args.slug)

    _with_control(work)
    _emit(args, {"deleted": args.slug}, f"deleted account {args.slug}")
    return 0


def _keys_create(args: argparse.Namespace) -> int:
    async def work(session: Any) -> str:
        from kataven_hub.api_keys import service as api_keys_service

        return await api_keys_service.create_for_account(args.account, args.name, args.expiry)

    key = _with_control(work)
    _emit(args, {"account": args.account, "name": args.name, "key": key}, key)
    return 0


_KEY_COLUMNS = ("id", "name", "last8", "created_at", "expires_at", "last_used_at", "disabled")


def _key_row(key: Any) -> dict[str, Any]:
    from kataven_hub.api_keys.schemas import ApiKeyRead

    return ApiKeyRead.model_validate(key).model_dump()


def _keys_list(args: argparse.Namespace) -> int:
    async def work(session: Any) -> list[dict[str, Any]]:
        from kataven_hub.api_keys import service as api_keys_service

        return [_key_row(k) for k in await api_keys_service.list_for_account(args.account)]

    rows = _with_control(work)
    _emit(args, {"account": args.account, "keys": rows}, table(rows, _KEY_COLUMNS, "no keys"))
    return 0


def _keys_revoke(args: argparse.Namespace) -> int:
    async def work(session: Any) -> dict[str, Any]:
        from kataven_hub.api_keys import service as api_keys_service

        return _key_row(await api_keys_service.revoke_for_account(args.account, args.key_id))

    row = _with_control(work)
    human = f"revoked {row['id']} ({row['name']}, …{row['last8']}): it stops working at once"
    _emit(args, {"account": args.account, "revoked": row}, human)
    return 0


def _users_list(args: argparse.Namespace) -> int:
    async def work(session: Any) -> list[dict[str, Any]]:
        from kataven_hub.accounts import service as accounts_service

        return await accounts_service.list_users(session, args.account)

    rows = _with_control(work)
    human = table(rows, ("email", "name", "account", "role", "login"), "no users")
    _emit(args, {"users": rows}, human)
    return 0


def _limits_show(args: argparse.Namespace) -> int:
    async def work(session: Any) -> dict[str, Any]:
        from dataclasses import asdict

        from kataven_hub.accounts import service as accounts_service
        from kataven_hub.core.errors import NotFound
        from kataven_hub.limits import service as limits_service
        from kataven_hub.rate_limits import service as rate_limits_service

        if not (await accounts_service.validate(session, args.account))["exists"]:
            raise NotFound(f"Account {args.account!r} not found")
        caps = await limits_service.get_limits(session, args.account)
        rates = asdict(await rate_limits_service.get_limits(session, args.account))
        return {"account": args.account, "call_caps": caps, "request_limits": rates}

    result = _with_control(work)
    rows = [
        {"limit": k.replace("_", " "), "value": v, "kind": "call cost cap"}
        for k, v in result["call_caps"].items()
    ] + [
        {"limit": k.replace("_", " "), "value": v, "kind": "request rate limit"}
        for k, v in result["request_limits"].items()
    ]
    human = f"{args.account} (0 blocks a dimension)\n" + table(rows, ("kind", "limit", "value"), "")
    _emit(args, result, human)
    return 0


def _limits_set(args: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from kataven_hub.core.errors import InvalidRequest
    from kataven_hub.limits.schemas import CallLimitsUpdate
    from kataven_hub.rate_limits.schemas import RateLimitsUpdate

    def given(flags: tuple[str, ...]) -> dict[str, int]:
        values = {f.replace("-", "_"): getattr(args, f.replace("-", "_")) for f in flags}
        return {k: v for k, v in values.items() if v is not None}

    caps, rates = given(_CALL_CAP_FLAGS), given(_RATE_LIMIT_FLAGS)
    try:
        caps_body = CallLimitsUpdate(**caps) if caps else None
        rates_body = RateLimitsUpdate(**rates) if rates else None
    except ValidationError as exc:
        message = "; ".join(f"--{e['loc'][0]}: {e['msg']}".replace("_", "-") for e in exc.errors())
        raise InvalidRequest(f"invalid limits: {message}") from None

    async def work(session: Any) -> dict[str, Any]:
        from dataclasses import asdict

        from kataven_hub.accounts import service as accounts_service
        from kataven_hub.core.errors import NotFound
        from kataven_hub.core.sessions import commit
        from kataven_hub.limits import service as limits_service
        from kataven_hub.rate_limits import service as rate_limits_service

        if args.account not in {a.slug for a in await accounts_service.list_accounts(session)}:
            raise NotFound(f"Account {args.account!r} not found")
        result: dict[str, Any] = {"account": args.account}
        if caps_body is not None:
            result.update(
                await limits_service.update_limits(session, args.account, caps_body, "operator")
            )
        if rates_body is not None:
            limits = await rate_limits_service.set_limits(session, args.account, rates_body)
            result.update(asdict(limits))
        await commit(session)
        return result

    result = _with_control(work)
    human = ", ".join(f"{k.replace('_', ' ')} {v}" for k, v in result.items() if k != "account")
    _emit(args, result, f"{result['account']}: {human or 'unchanged'}")
    return 0


def _secrets(args: argparse.Namespace) -> int:
    bar = ProgressBar("accounts", enabled=not args.json)

    async def work(session: Any) -> dict[str, Any]:
        from kataven_hub.admin import secrets as ops

        if args.action == "rotate":
            report = await ops.rotate(session, progress=bar)
        elif args.action == "reencrypt":
            report = await ops.reencrypt(session, progress=bar)
        elif args.action == "remove-key":
            report = await ops.remove_key(session, args.key_id)
        else:
            report = await ops.status(session)
        return report.as_dict()

    result = _with_control(work)
    human = (
        f"keys {result['keys']} (active {result['active_key']}), {result['accounts']} account(s); "
        f"re-encrypted {result['reencrypted']}, unchanged {result['unchanged']}, "
        f"undecryptable {result['undecryptable']}; secrets per key {result['by_key']}"
    )
    _emit(args, {"action": args.action, **result}, human)
    return 1 if result["undecryptable"] else 0


def _users_add(args: argparse.Namespace) -> int:
    password = args.password
    if password == "-":
        password = (
            sys.stdin.readline().rstrip("\n") if not sys.stdin.isatty() else getpass.getpass()
        )

    async def work(session: Any) -> dict[str, Any]:
        from kataven_hub.accounts import service as accounts_service

        user = await accounts_service.add_user(
            session,
            args.email,
            password=password,
            account=args.account,
            role=args.role,
            name=args.name,
        )
        await session.commit()
        return {"user_id": user.id, "email": user.email, "account": args.account, "role": args.role}

    result = _with_control(work)
    _emit(args, result, f"user {result['email']} ({result['user_id']})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
