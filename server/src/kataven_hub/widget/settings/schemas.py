from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, StringConstraints

from kataven_hub.core.schemas import Bounded, LongText, ResponseModel, Timestamp, UpdateModel

LauncherPosition = Literal["br", "bl", "tr", "tl"]
WidgetAuthMode = Literal["guest", "user", "both"]
Color = Annotated[str, StringConstraints(pattern=r"^#[0-9a-fA-F]{6}$"), AfterValidator(str.lower)]
LOGO_URL_MAX = 2048


def _https_url(value: str) -> str:
    if any(c.isspace() or ord(c) < 32 or ord(c) == 127 for c in value):
        raise ValueError("must be a URL without spaces or control characters")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises on a malformed port)
    except ValueError:
        raise ValueError("must be an https:// URL") from None
    if parts.scheme.lower() != "https" or not parts.hostname or parts.username or parts.password:
        raise ValueError("must be an https:// URL (no credentials)")
    return value


HttpsUrl = Annotated[str, Bounded(LOGO_URL_MAX), AfterValidator(_https_url)]


def _no_nul(value: str) -> str:
    if "\x00" in value:
        raise ValueError("must not contain NUL characters")
    return value


Label = Annotated[
    str,
    StringConstraints(min_length=1, max_length=60, strip_whitespace=True),
    AfterValidator(_no_nul),
]

DEFAULT_BRANDING: dict[str, str | None] = {
    "primary_color": "#2563eb",
    "accent_color": "#1e40af",
    "logo_url": None,
    "launcher_position": "br",
    "launcher_label": "Talk to us",
    "privacy_notice": None,
}


class BrandingUpdate(UpdateModel):
    """Fields present are changed; `null` restores a field's default."""

    nullable = frozenset(
        {"primary_color", "accent_color", "logo_url", "launcher_position", "launcher_label",
         "privacy_notice"}
    )  # fmt: skip

    primary_color: Color | None = Field(default=None, examples=["#2563eb"])
    accent_color: Color | None = Field(default=None, examples=["#1e40af"])
    logo_url: HttpsUrl | None = Field(default=None, examples=["https://acme.com/logo.svg"])
    launcher_position: LauncherPosition | None = Field(
        default=None, description="br (bottom right), bl, tr or tl"
    )
    launcher_label: Label | None = Field(default=None, examples=["Talk to us"])
    privacy_notice: Annotated[str, Bounded(1000)] | None = Field(
        default=None, examples=["Calls may be recorded for quality."]
    )


class BrandingRead(ResponseModel):
    primary_color: str
    accent_color: str
    logo_url: str | None
    launcher_position: LauncherPosition
    launcher_label: str
    privacy_notice: str | None
    updated_at: Timestamp | None = Field(description="null while every field is a default")


class AgentWidgetSettingsUpdate(UpdateModel):
    nullable = frozenset({"auth_mode", "greeting_override"})  # null: back to the default

    widget_enabled: bool | None = None
    auth_mode: WidgetAuthMode | None = Field(
        default=None,
        description="guest (anonymous visitors only), user (signed-in visitors only) or both; "
        "null follows the agent's auth_mode (public → both, authenticated → user).",
    )
    greeting_override: LongText | None = Field(
        default=None, description="What the widget greets with instead of the agent's greeting."
    )


class AgentWidgetSettingsRead(ResponseModel):
    agent_id: str
    widget_enabled: bool
    auth_mode: WidgetAuthMode
    auth_mode_source: Literal["agent", "widget"] = Field(
        description="`agent` while auth_mode follows the agent's own auth_mode"
    )
    greeting_override: str | None
    updated_at: Timestamp | None = Field(description="null while the defaults apply")
