from __future__ import annotations

from typing import Literal

from pydantic import AliasChoices, Field

from kataven_hub.core.schemas import RequestModel, ResponseModel, Text, Timestamp
from kataven_hub.telephony.schemas import E164

CallStatus = Literal[
    "queued", "ringing", "in_progress", "completed", "busy", "no_answer", "failed", "canceled"
]

CallDirection = Literal["outbound", "inbound"]


class OriginateRequest(RequestModel):
    from_number: E164 = Field(examples=["+12025550123"], description="A number of this account.")
    to_number: E164 = Field(examples=["+14155550100"])
    agent_id: Text(100, 1) = Field(examples=["agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z"])  # type: ignore[valid-type]


class CallRead(ResponseModel):
    session_id: str = Field(validation_alias=AliasChoices("session_id", "id"))
    direction: str = Field(description="outbound (originated) or inbound (answered)")
    status: str = Field(
        description="queued, ringing, in_progress, completed, busy, no_answer, failed or canceled"
    )
    from_number: str
    to_number: str
    agent_id: str | None
    provider: str
    campaign_id: str | None
    contact_id: str | None
    duration_seconds: int | None
    error: str | None
    recording_status: str | None = Field(description="null (none), pending or ready")
    created_at: Timestamp
    answered_at: Timestamp | None
    ended_at: Timestamp | None
    updated_at: Timestamp


class CallList(ResponseModel):
    calls: list[CallRead]
    limit: int
    offset: int
