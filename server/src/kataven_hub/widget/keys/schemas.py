from __future__ import annotations

from typing import Annotated

from pydantic import AliasChoices, Field, computed_field, field_validator

from kataven_hub.core.schemas import (
    Bounded,
    Name,
    RequestModel,
    ResourceId,
    ResponseModel,
    Timestamp,
    UpdateModel,
)
from kataven_hub.widget import allowlist

AllowlistEntry = Annotated[str, Bounded(allowlist.MAX_ENTRY_LENGTH)]
_ALLOWLIST_DOC = (
    "Origins allowed to embed the widget: `acme.com`, `https://acme.com`, `*.acme.com`, "
    "`localhost:*`. Replaces the whole list. Empty blocks the key."
)


def _check_allowlist(value: list[str] | None) -> list[str] | None:
    return None if value is None else allowlist.normalise(value)


class WidgetKeyCreate(RequestModel):
    name: Name = Field(examples=["acme.com production"])
    domain_allowlist: list[AllowlistEntry] = Field(
        default_factory=list,
        max_length=allowlist.MAX_ENTRIES,
        description=_ALLOWLIST_DOC,
        examples=[["https://acme.com", "https://www.acme.com"]],
    )
    agent_id: ResourceId | None = Field(
        default=None, description="Pin the key to one agent: it wins over the embed's agentId."
    )

    _allowlist = field_validator("domain_allowlist")(
        classmethod(lambda cls, v: _check_allowlist(v))
    )


class WidgetKeyUpdate(UpdateModel):
    nullable = frozenset({"agent_id"})

    name: Name | None = None
    domain_allowlist: list[AllowlistEntry] | None = Field(
        default=None, max_length=allowlist.MAX_ENTRIES, description=_ALLOWLIST_DOC
    )
    agent_id: ResourceId | None = Field(default=None, description="Re-pin; null unpins.")
    disabled: bool | None = Field(
        default=None, description="true revokes both keys (idempotent); false re-enables"
    )

    _allowlist = field_validator("domain_allowlist")(
        classmethod(lambda cls, v: _check_allowlist(v))
    )


class WidgetKeyRead(ResponseModel):
    id: str
    name: str
    last8: str = Field(
        description="The last 8 characters of the public key",
        validation_alias=AliasChoices("public_last8", "last8"),
    )
    secret_last8: str = Field(description="The last 8 characters of the secret key")
    domain_allowlist: list[str]
    agent_id: str | None
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp
    disabled_at: Timestamp | None
    last_used_at: Timestamp | None

    @computed_field  # a property (pydantic wraps it): mypy refuses decorators on @property
    def disabled(self) -> bool:
        return self.disabled_at is not None


class WidgetKeyCreated(WidgetKeyRead):
    public_key: str = Field(description="`pk_live_…`: goes in your pages. Shown once.")
    secret_key: str = Field(
        description="`sk_live_…`: stays on your backend, mints logged-in visitor tokens at "
        "`/api/v1/widget/auth/user-token`. Shown once, never again."
    )
