from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import Field, computed_field

from kataven_hub.core.schemas import (
    Bounded,
    Name,
    RequestModel,
    ResponseModel,
    Timestamp,
    UpdateModel,
)


class ApiKeyCreate(RequestModel):
    name: Name = Field(examples=["ci-deploy-bot"])
    expiry: Annotated[str, Bounded(10)] | None = Field(
        default=None,
        description="`never` (default), `<n>d` (1–3650 days) or `<n>y` (1–10 years): "
        "the Hub UI offers never, 1y, 90d and 30d.",
        examples=["90d"],
    )


class ApiKeyUpdate(UpdateModel):
    nullable = frozenset({"name", "disabled"})  # null leaves the field as it is

    name: Name | None = None
    disabled: bool | None = Field(default=None, description="true revokes; false re-enables")


class ApiKeyRead(ResponseModel):
    id: str
    name: str
    last8: str = Field(description="The last 8 characters of the key")
    created_by: str | None
    created_at: Timestamp
    expires_at: Timestamp | None
    disabled_at: Timestamp | None
    last_used_at: Timestamp | None

    @computed_field  # a property (pydantic wraps it): mypy refuses decorators on @property
    def disabled(self) -> bool:
        return self.disabled_at is not None


class ApiKeyCreated(ApiKeyRead):
    key: str = Field(description="The plaintext `sk_live_` key. Shown once, never again.")


__all__ = ["ApiKeyCreate", "ApiKeyCreated", "ApiKeyRead", "ApiKeyUpdate", "datetime"]
