from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field

from kataven_hub.core.schemas import Bounded, RequestModel, ResponseModel, Timestamp
from kataven_hub.tools.schemas import ToolRead

CredentialKey = Annotated[str, Bounded(100)]
CredentialValue = Annotated[str, Bounded(4096)]


class IntegrationInstall(RequestModel):
    credentials: Annotated[dict[CredentialKey, CredentialValue], Field(max_length=20)] = Field(
        examples=[{"secret_key": "sk_test_…"}],
        description="Every key the integration lists in `credential_keys`, and nothing else",
    )


class CredentialField(ResponseModel):
    name: str
    label: str
    description: str


class IntegrationTool(ResponseModel):
    name: str
    display_name: str
    description: str


class IntegrationRead(ResponseModel):
    id: str
    name: str
    display_name: str
    category: str
    description: str
    docs_url: str
    credential_keys: list[str]
    credential_fields: list[CredentialField]
    tools: list[IntegrationTool]
    installed: bool
    credential_keys_set: list[str] = Field(description="Which keys are stored; never their values")
    installed_at: Timestamp | None
    updated_at: Timestamp | None


class IntegrationList(ResponseModel):
    integrations: list[IntegrationRead]
    category_counts: dict[str, int]


class NativeToolList(ResponseModel):
    native_tools: list[ToolRead]
    count: int


class McpConnectionList(ResponseModel):
    mcp_connections: list[dict[str, Any]]
