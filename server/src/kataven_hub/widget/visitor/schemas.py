from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, Field, StringConstraints

from kataven_hub.core.schemas import Bounded, RequestModel, ResourceId, ShortText, Timestamp
from kataven_hub.widget.settings.schemas import LauncherPosition

ClientKey = Annotated[str, Bounded(300)]
Email = Annotated[str, Bounded(320), StringConstraints(pattern=r"^[^@\s]+@[^@\s]+$")]


class GuestAuthRequest(RequestModel):
    client_key: ClientKey | None = Field(
        default=None, description="The `pk_live_` key (or pass it as `?client_key=`)."
    )
    agent_id: ResourceId | None = Field(
        default=None, description="Ignored when the key pins an agent."
    )


class UserTokenRequest(RequestModel):
    external_user_id: Annotated[str, Bounded(200, min_length=1)] = Field(examples=["user-4821"])
    display_name: ShortText | None = Field(default=None, examples=["Ada Lovelace"])
    email: Email | None = Field(default=None, examples=["ada@example.com"])


class ExchangeRequest(RequestModel):
    client_key: ClientKey | None = None
    user_token: Annotated[str, Bounded(4096)] | None = Field(
        default=None, description="From your backend's call to `/widget/auth/user-token`."
    )
    agent_id: ResourceId | None = None


class RefreshRequest(RequestModel):
    refresh_token: Annotated[str, Bounded(300)] | None = None
    client_key: ClientKey | None = Field(
        default=None, description="Optional; when given it must be the session's key."
    )


class VisitorSession(BaseModel):
    token: str = Field(description="RS256 JWT for the call runtime; verify with the JWKS.")
    token_type: Literal["Bearer"] = "Bearer"
    expires_at: Timestamp
    expires_in: int = Field(description="Seconds")
    refresh_token: str = Field(description="Opaque, single use (rotated), 24 hours.")
    refresh_expires_at: Timestamp
    mode: Literal["guest", "user"]
    agent_id: str
    visitor_id: str
    session_id: str = Field(description="Stable across refreshes (`sid` claim).")


class UserTokenRead(BaseModel):
    user_token: str = Field(description="Hand it to the browser: `Kataven.init({userToken})`.")
    expires_at: Timestamp
    expires_in: int


class PublicBranding(BaseModel):
    primary_color: str
    accent_color: str
    logo_url: str | None
    launcher_position: LauncherPosition
    launcher_label: str
    privacy_notice: str | None


class AgentFace(BaseModel):
    id: str
    name: str
    greeting: str


class WidgetConfig(BaseModel):
    branding: PublicBranding
    agent: AgentFace | None = Field(description="null when the widget cannot be used")
    pinned: bool = Field(description="true when the key pins the agent")
    widget_enabled: bool
    auth_modes: list[Literal["guest", "user"]]
    unavailable_reason: Literal["agent_required", "widget_disabled", "agent_unavailable"] | None
    voice_connected: bool = Field(
        description="false while the Hub has no call runtime (KATAVEN_CALL_PROCESSOR_STREAM_URL): "
        "visitors can sign in, but no voice conversation can start; the widget says so"
    )
