"""Public visitor auth: config, guest sessions, logged-in visitors (user_token → exchange) and
rotating refresh tokens. No management credential: the `pk_live_` key (or the refresh token,
or the `sk_live_` widget secret) names the account.

Order of checks on every browser call: client_key present (400) → key known (401) → Origin,
else Referer, in the key's allowlist (403 `origin_not_allowed`; an empty allowlist allows
nothing, a request with neither header is refused) → key enabled (403) → agent: the pinned one
wins over the requested one (400 when neither, 404 unknown) → widget enabled for it (403) →
agent `active` (403 `agent_unavailable`) → the policy admits this kind of visitor (403).

Refresh tokens are opaque (`rt_live_<account>_<random>`, stored as digests), live 24 hours and
are single use: each refresh returns a new one. Presenting a used one again revokes every
token of that visitor session (a stolen token is worth one use at most). Session JWTs already
handed out stay valid until they expire (15 minutes): the call runtime verifies them offline.
"""

from __future__ import annotations

import secrets
import string
from datetime import UTC, datetime, timedelta
from typing import Any

from kataven_hub.agents import service as agents_service
from kataven_hub.core import auth
from kataven_hub.core.db import TenantSession
from kataven_hub.core.errors import InvalidRequest, Unauthorized
from kataven_hub.core.ids import new_id
from kataven_hub.core.sessions import after_commit
from kataven_hub.core.settings import get_settings
from kataven_hub.widget import allowlist
from kataven_hub.widget.keys import service as keys_service
from kataven_hub.widget.keys.models import WidgetKey
from kataven_hub.widget.keys.repository import WidgetKeyRepository
from kataven_hub.widget.public import Caller, VisitorDb
from kataven_hub.widget.settings import service as settings_service
from kataven_hub.widget.settings.service import Policy
from kataven_hub.widget.visitor import tokens as visitor_tokens
from kataven_hub.widget.visitor.errors import (
    AgentUnavailable,
    AuthModeRefused,
    ClientKeyDisabled,
    InvalidClientKey,
    OriginNotAllowed,
    RefreshTokenReused,
    WidgetDisabled,
)
from kataven_hub.widget.visitor.models import WidgetRefreshToken
from kataven_hub.widget.visitor.repository import VisitorRepository
from kataven_hub.widget.visitor.schemas import (
    ExchangeRequest,
    GuestAuthRequest,
    RefreshRequest,
    UserTokenRequest,
)

REFRESH_PREFIX = "rt_live_"
_ALPHABET = string.ascii_letters + string.digits
_BAD_REFRESH = "Missing or expired refresh_token"
_BAD_USER_TOKEN = "Missing or expired token"


def _client_key(in_body: str | None, in_query: str | None) -> str:
    if in_body and in_query and in_body != in_query:
        raise InvalidRequest("client_key in the body and in the query differ")
    client_key = in_body or in_query
    if not client_key:
        raise InvalidRequest("Missing client_key")
    return client_key


def _check_origin(key: WidgetKey, caller: Caller) -> None:
    if not allowlist.allows(key.domain_allowlist, caller.origin):
        raise OriginNotAllowed()
    caller.cors_allowed = True


async def _open_key(
    db: VisitorDb, client_key: str, caller: Caller
) -> tuple[TenantSession, WidgetKey]:
    account = keys_service.account_of_public_key(client_key)
    session = await db.open(account) if account else None
    key = await keys_service.by_public_key(session, client_key) if session is not None else None
    if session is None or key is None:
        raise InvalidClientKey()
    _check_origin(key, caller)
    if key.disabled_at is not None:
        raise ClientKeyDisabled()
    return session, key


def _mark_used(db: VisitorDb, session: TenantSession, key: WidgetKey) -> None:
    account = db.account
    assert account is not None
    after_commit(session, lambda: keys_service.mark_used(account, key))


async def _admit(session: TenantSession, agent_id: str | None, mode: str) -> Policy:
    if not agent_id:
        raise InvalidRequest("Missing agent_id")
    agent = await agents_service.get(session, agent_id)
    policy = await settings_service.policy_for(session, agent)
    if not policy.widget_enabled:
        raise WidgetDisabled()
    if agent.status != "active":
        raise AgentUnavailable()
    if not policy.allows(mode):
        if mode == "guest":
            raise AuthModeRefused("Guest access is not allowed for this agent: sign in first")
        raise AuthModeRefused("This agent takes anonymous guests only")
    return policy


async def _issue(
    db: VisitorDb,
    session: TenantSession,
    key: WidgetKey,
    *,
    agent_id: str,
    mode: str,
    visitor_id: str,
    profile: dict[str, Any],
    family_id: str | None = None,
) -> dict[str, Any]:
    settings = get_settings()
    account = db.account
    assert account is not None
    now = datetime.now(UTC)
    plaintext = f"{REFRESH_PREFIX}{account}_" + "".join(
        secrets.choice(_ALPHABET) for _ in range(43)
    )
    row = WidgetRefreshToken(
        id=new_id("wrt"),
        family_id=family_id or new_id("wsess"),
        digest=auth.key_digest(plaintext),
        widget_key_id=key.id,
        agent_id=agent_id,
        mode=mode,
        visitor_id=visitor_id,
        profile=profile,
        created_at=now,
        expires_at=now + timedelta(seconds=settings.WIDGET_REFRESH_TTL_SECONDS),
    )
    repo = VisitorRepository(session)
    if family_id is None:
        await repo.purge_expired(now)
    await repo.add_refresh(row)
    token, expires_at = visitor_tokens.session_token(
        account=account,
        widget_key_id=key.id,
        agent_id=agent_id,
        mode=mode,
        visitor_id=visitor_id,
        profile=profile,
        session_id=row.family_id,
    )
    _mark_used(db, session, key)
    return {
        "token": token,
        "expires_at": expires_at,
        "expires_in": settings.WIDGET_SESSION_TTL_SECONDS,
        "refresh_token": plaintext,
        "refresh_expires_at": row.expires_at,
        "mode": mode,
        "agent_id": agent_id,
        "visitor_id": visitor_id,
        "session_id": row.family_id,
    }


async def config(
    db: VisitorDb, caller: Caller, client_key: str | None, agent_id: str | None
) -> dict[str, Any]:
    """What the widget needs to render; `widget_enabled: false` (with a reason) when it must
    not offer a conversation."""
    session, key = await _open_key(db, _client_key(None, client_key), caller)
    branding = await settings_service.get_branding(session)
    result: dict[str, Any] = {
        "branding": branding,
        "agent": None,
        "pinned": key.agent_id is not None,
        "widget_enabled": False,
        "auth_modes": [],
        "unavailable_reason": None,
        "voice_connected": bool(get_settings().CALL_PROCESSOR_STREAM_URL),
    }
    _mark_used(db, session, key)
    chosen = key.agent_id or agent_id
    if not chosen:
        return {**result, "unavailable_reason": "agent_required"}
    agent = await agents_service.get(session, chosen)
    policy = await settings_service.policy_for(session, agent)
    if not policy.widget_enabled:
        return {**result, "unavailable_reason": "widget_disabled"}
    if agent.status != "active":
        return {**result, "unavailable_reason": "agent_unavailable"}
    return {
        **result,
        "agent": {"id": agent.id, "name": agent.name, "greeting": policy.greeting},
        "widget_enabled": True,
        "auth_modes": policy.auth_modes,
    }


async def guest(
    db: VisitorDb, caller: Caller, body: GuestAuthRequest, query_key: str | None
) -> dict[str, Any]:
    session, key = await _open_key(db, _client_key(body.client_key, query_key), caller)
    policy = await _admit(session, key.agent_id or body.agent_id, "guest")
    return await _issue(
        db, session, key, agent_id=policy.agent_id, mode="guest", visitor_id=new_id("guest"),
        profile={},
    )  # fmt: skip


async def user_token(
    db: VisitorDb, caller: Caller, secret: str | None, body: UserTokenRequest
) -> dict[str, Any]:
    """Server to server: the customer's backend vouches for its signed-in user."""
    account = keys_service.account_of_secret_key(secret) if secret else None
    session = await db.open(account) if account else None
    key = await keys_service.by_secret_key(session, secret) if session and secret else None
    if session is None or key is None:
        raise Unauthorized("Invalid widget secret key")
    if key.disabled_at is not None:
        raise Unauthorized("Widget secret key revoked")
    if caller.from_browser and not allowlist.allows(key.domain_allowlist, caller.origin):
        # Meant for backends (and never answered with CORS); a relayed browser call must at
        # least come from an allowed page.
        raise OriginNotAllowed()
    assert db.account is not None
    token, expires_at = visitor_tokens.user_token(
        account=db.account,
        widget_key_id=key.id,
        external_user_id=body.external_user_id,
        name=body.display_name,
        email=body.email,
    )
    _mark_used(db, session, key)
    ttl = get_settings().WIDGET_USER_TOKEN_TTL_SECONDS
    return {"user_token": token, "expires_at": expires_at, "expires_in": ttl}


async def exchange(
    db: VisitorDb, caller: Caller, body: ExchangeRequest, query_key: str | None
) -> dict[str, Any]:
    """A user_token (single use) → a session for that signed-in visitor."""
    session, key = await _open_key(db, _client_key(body.client_key, query_key), caller)
    claims = (
        visitor_tokens.verify(body.user_token, visitor_tokens.USER_TOKEN)
        if body.user_token
        else None
    )
    if claims is None:
        raise InvalidRequest(_BAD_USER_TOKEN)
    if claims.get("account") != db.account or claims.get("widget_key_id") != key.id:
        raise InvalidRequest("user_token was not issued for this client_key")
    policy = await _admit(session, key.agent_id or body.agent_id, "user")
    expires_at = datetime.fromtimestamp(int(claims["exp"]), UTC)
    if not await VisitorRepository(session).redeem(str(claims["jti"]), expires_at):
        raise InvalidRequest("user_token already used")
    profile = {
        "external_user_id": claims["sub"],
        "name": claims.get("name"),
        "email": claims.get("email"),
    }
    return await _issue(
        db, session, key, agent_id=policy.agent_id, mode="user", visitor_id=str(claims["sub"]),
        profile=profile,
    )  # fmt: skip


async def refresh(
    db: VisitorDb, caller: Caller, body: RefreshRequest, query_key: str | None
) -> dict[str, Any]:
    """A new session token and a new refresh token for the same visitor and agent."""
    plaintext = body.refresh_token
    account = auth.account_of_key(plaintext, REFRESH_PREFIX) if plaintext else None
    session = await db.open(account) if account else None
    repo = VisitorRepository(session) if session is not None else None
    row = await repo.refresh_by_digest(auth.key_digest(plaintext)) if repo and plaintext else None
    key = await WidgetKeyRepository(session).get(row.widget_key_id) if session and row else None
    if session is None or repo is None or row is None or key is None:
        raise InvalidRequest(_BAD_REFRESH)
    client_key = body.client_key or query_key
    if client_key and auth.key_digest(client_key) != key.public_digest:
        raise InvalidRequest("refresh_token does not belong to this client_key")
    _check_origin(key, caller)
    if key.disabled_at is not None:
        raise ClientKeyDisabled()
    now = datetime.now(UTC)
    if row.revoked_at is not None or row.expires_at <= now:
        raise InvalidRequest(_BAD_REFRESH)
    if row.used_at is not None:
        await repo.revoke_family(row.family_id, now)
        raise RefreshTokenReused()
    if key.agent_id is not None and key.agent_id != row.agent_id:
        raise AuthModeRefused("This widget key is now pinned to another agent")
    await _admit(session, row.agent_id, row.mode)
    if not await repo.claim(row.id, now):
        await repo.revoke_family(row.family_id, now)
        raise RefreshTokenReused()
    return await _issue(
        db, session, key, agent_id=row.agent_id, mode=row.mode, visitor_id=row.visitor_id,
        profile=dict(row.profile), family_id=row.family_id,
    )  # fmt: skip
