from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import AliasChoices, Field, StringConstraints

from kataven_hub.core.schemas import Bounded, RequestModel, ResponseModel, Timestamp
from kataven_hub.telephony.schemas import E164

CallStatus = Literal[
    "queued", "ringing", "in_progress", "completed", "busy", "no_answer", "failed", "canceled"
]

CallDirection = Literal["outbound", "inbound"]


_FieldName = Annotated[
    str, StringConstraints(min_length=1, max_length=64, pattern=r"^[^\x00-\x1f]+$")
]


class OriginateRequest(RequestModel):
    from_number: E164 = Field(examples=["+12025550123"], description="A number of this account.")
    to_number: E164 = Field(examples=["+14155550100"])
    agent_id: Annotated[str, Bounded(100, min_length=1)] = Field(
        examples=["agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z"]
    )
    custom_fields: dict[_FieldName, Annotated[str, Bounded(4096)]] | None = Field(
        default=None,
        max_length=50,
        examples=[{"first_name": "Ada", "plan": "gold"}],
        description="Up to 50 named values handed to the agent when the call is answered (as "
        "its template variables), like a campaign contact's extra CSV columns.",
    )


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
    # Beyond spec 08 and DECISIONS (which list the originate response's fields but not this
    # input): a call returns the custom_fields it was placed with, {} when none, so a caller can
    # see what the agent was given.
    custom_fields: dict[str, Any]
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
