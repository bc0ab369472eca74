"""Audit log entries."""

from __future__ import annotations

from pydantic import Field

from kataven_hub.core.schemas import ResponseModel, Timestamp


class AuditEventRead(ResponseModel):
    id: str
    at: Timestamp
    actor: str = Field(description="The API key id or the user id that made the request.")
    actor_type: str = Field(description="`api_key` or `user` (signed in to the Hub UI).")
    method: str
    route: str = Field(description="The route template, e.g. `/api/v1/agents/{agent_id}`.")
    resource_type: str | None = Field(description="The collection acted on, e.g. `agents`.")
    resource_id: str | None
    status: int = Field(description="The response's HTTP status.")
    request_id: str | None = Field(description="The `X-Request-ID` of the request.")
    ip: str | None = Field(description="The client address the request came from.")


class AuditEventList(ResponseModel):
    audit_events: list[AuditEventRead]
    limit: int
    offset: int
