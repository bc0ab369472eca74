"""Refusals of the public widget routes, each with a stable `code` the widget script reads."""

from __future__ import annotations

from kataven_hub.core.errors import AppError, Forbidden, InvalidRequest


class InvalidClientKey(AppError):
    status_code = 401
    code = "invalid_client_key"
    title = "Invalid client key"
    description = "Invalid client_key"


class OriginNotAllowed(Forbidden):
    code = "origin_not_allowed"
    title = "Origin not allowed"
    description = "Origin not in allowlist for this client_key"


class ClientKeyDisabled(Forbidden):
    code = "client_key_disabled"
    title = "Client key disabled"
    description = "This widget key is disabled"


class WidgetDisabled(Forbidden):
    code = "widget_disabled"
    title = "Widget disabled"
    description = "The widget is disabled for this agent"


class AgentUnavailable(Forbidden):
    code = "agent_unavailable"
    title = "Agent unavailable"
    description = "This agent is not taking conversations right now"


class AuthModeRefused(Forbidden):
    code = "auth_mode_not_allowed"
    title = "Sign-in mode not allowed"
    description = "This agent does not accept this kind of visitor"


class RefreshTokenReused(InvalidRequest):
    """A used refresh token came back: the whole session is revoked, and that revocation is
    committed although the request fails (`commit_anyway`)."""

    code = "refresh_token_reused"
    description = "refresh_token already used; the session has been revoked"
    commit_anyway = True
