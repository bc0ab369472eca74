from __future__ import annotations

import re
from typing import Annotated

from pydantic import AfterValidator, Field, StringConstraints

from kataven_hub.core.schemas import (
    Bounded,
    Documented,
    RequestModel,
    ResourceId,
    ResponseModel,
    ShortText,
    Timestamp,
    UpdateModel,
)

_E164 = r"^\+[1-9][0-9]{6,14}$"


def _e164(value: str) -> str:
    if not re.fullmatch(_E164, value):
        raise ValueError(
            "must be an E.164 phone number such as +14155550100: a +, the country code, then "
            "digits only (no spaces or dashes)"
        )
    return value


E164 = Annotated[str, AfterValidator(_e164), Documented(_E164)]
CredentialValue = Annotated[str, StringConstraints(min_length=1, max_length=500)]
CredentialKey = Annotated[str, Bounded(50)]
Provider = Annotated[str, Bounded(20)]


class ProviderCreate(RequestModel):
    provider: Provider = Field(examples=["twilio"])
    label: ShortText = Field(default="", examples=["Production Twilio"])
    credentials: dict[CredentialKey, CredentialValue] = Field(
        default_factory=dict,
        description="twilio: account_sid, auth_token; plivo and vobiz: auth_id, auth_token.",
        examples=[{"account_sid": "AC…", "auth_token": "…"}],
    )


class ProviderRead(ResponseModel):
    id: str
    provider: str
    label: str
    credential_keys: list[str] = Field(
        description="Which credential keys are stored (never values)."
    )
    created_at: Timestamp
    updated_at: Timestamp


class ProviderList(ResponseModel):
    providers: list[ProviderRead]


class NumberCreate(RequestModel):
    e164: E164 = Field(examples=["+12025550123"])
    provider: Provider = Field(examples=["twilio"])
    credentials_id: ResourceId = Field(examples=["prov_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z"])
    agent_id: ResourceId | None = Field(default=None, examples=["agent_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z"])
    inbound_enabled: bool = True
    outbound_enabled: bool = True


class NumberRead(ResponseModel):
    id: str
    e164: str
    provider: str
    credentials_id: str
    agent_id: str | None
    inbound_enabled: bool
    outbound_enabled: bool
    created_at: Timestamp
    updated_at: Timestamp


class NumberUpdate(UpdateModel):
    read_schema = NumberRead  # the PATCH answers 204, but a read number sent back is fine
    nullable = frozenset({"agent_id"})

    agent_id: ResourceId | None = Field(
        default=None, description="An agent id to pin, or null to unpin (detach)."
    )
    inbound_enabled: bool | None = None
    outbound_enabled: bool | None = None


class NumberList(ResponseModel):
    numbers: list[NumberRead]
