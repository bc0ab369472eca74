"""Visitor tokens: RS256 JWTs signed with the installation's key (`core.auth.signing_key`) and
verifiable by anyone holding `/.well-known/jwks.json`, such as the call runtime.

Claims of a session token (`typ: widget_session`):
`iss` (KATAVEN_WIDGET_TOKEN_ISSUER), `aud` (KATAVEN_WIDGET_TOKEN_AUDIENCE), `sub` (visitor id:
`guest_…` for guests, the customer's `external_user_id` for signed-in visitors), `account`,
`agent_id`, `widget_key_id`, `mode` (`guest` | `user`), `sid` (the visitor session, stable across
refreshes), `visitor` (`{id, mode, external_user_id?, name?, email?}`), `iat`, `exp`, `jti`.
A `user_token` (`typ: widget_user_token`) carries `account`, `widget_key_id`, `sub`, `name`,
`email`. The issuer and audience differ from Hub UI tokens, so neither opens the other's door.
"""

from __future__ import annotations

import secrets
import time
from datetime import UTC, datetime
from typing import Any

import jwt

from kataven_hub.core import auth
from kataven_hub.core.settings import get_settings

SESSION = "widget_session"
USER_TOKEN = "widget_user_token"


def _sign(typ: str, ttl: int, claims: dict[str, Any]) -> tuple[str, datetime]:
    settings = get_settings()
    now = int(time.time())
    payload = {
        "iss": settings.WIDGET_TOKEN_ISSUER,
        "aud": settings.WIDGET_TOKEN_AUDIENCE,
        "iat": now,
        "exp": now + ttl,
        "jti": secrets.token_urlsafe(16),
        "typ": typ,
        **claims,
    }
    return auth.signing_key().sign(payload), datetime.fromtimestamp(now + ttl, UTC)


def session_token(
    *,
    account: str,
    widget_key_id: str,
    agent_id: str,
    mode: str,
    visitor_id: str,
    profile: dict[str, Any],
    session_id: str,
) -> tuple[str, datetime]:
    visitor = {"id": visitor_id, "mode": mode, **{k: v for k, v in profile.items() if v}}
    claims = {
        "sub": visitor_id,
        "account": account,
        "agent_id": agent_id,
        "widget_key_id": widget_key_id,
        "mode": mode,
        "sid": session_id,
        "visitor": visitor,
    }
    return _sign(SESSION, get_settings().WIDGET_SESSION_TTL_SECONDS, claims)


def user_token(
    *, account: str, widget_key_id: str, external_user_id: str, name: str | None, email: str | None
) -> tuple[str, datetime]:
    claims = {
        "sub": external_user_id,
        "account": account,
        "widget_key_id": widget_key_id,
        "name": name,
        "email": email,
    }
    return _sign(USER_TOKEN, get_settings().WIDGET_USER_TOKEN_TTL_SECONDS, claims)


def verify(token: str, typ: str) -> dict[str, Any] | None:
    """The claims of a valid, unexpired token of this type signed by us; None otherwise."""
    settings = get_settings()
    try:
        claims = auth.signing_key().verify(
            token,
            audience=settings.WIDGET_TOKEN_AUDIENCE,
            issuer=settings.WIDGET_TOKEN_ISSUER,
            require=["exp", "iat", "iss", "aud", "sub", "jti"],
        )
    except jwt.PyJWTError:
        return None
    return claims if claims.get("typ") == typ else None
