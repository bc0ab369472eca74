from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kataven_hub.core.schemas import (
    Name,
    RequestModel,
    ResponseModel,
    SnakeName,
    Tags,
    Text,
    Timestamp,
)

CONTENT_MAX = 100_000
ToolNames = Annotated[list[SnakeName], Field(max_length=100)]


class PlaybookCreate(RequestModel):
    display_name: Name = Field(examples=["Refund Workflow"])
    name: SnakeName | None = Field(
        default=None,
        description="Default: the snake_case of display_name",
        examples=["refund_workflow"],
    )
    category: Text(100, 1) = "custom"  # type: ignore[valid-type]
    description: Text(2000) = ""  # type: ignore[valid-type]
    tool_names: ToolNames = Field(default_factory=list, examples=[["lookup_order", "send_sms"]])
    tags: Tags = Field(default_factory=list)
    content: Text(CONTENT_MAX) = Field(default="", description="The prompt fragment, markdown")  # type: ignore[valid-type]


class PlaybookUpdate(RequestModel):
    """Partial update; `name` is immutable (sending a different one is a 400)."""

    name: str | None = None
    display_name: Name | None = None
    category: Text(100, 1) | None = None  # type: ignore[valid-type]
    description: Text(2000) | None = None  # type: ignore[valid-type]
    tool_names: ToolNames | None = None
    tags: Tags | None = None
    content: Text(CONTENT_MAX) | None = None  # type: ignore[valid-type]


class PlaybookSummary(ResponseModel):
    id: str
    name: str
    display_name: str
    category: str
    description: str
    tool_names: list[str]
    tags: list[str]
    is_default: bool
    modified_from_default: bool
    default_version: str | None
    created_at: Timestamp
    updated_at: Timestamp


class PlaybookRead(PlaybookSummary):
    content: str


class PlaybookList(ResponseModel):
    """Like the tools envelope; rows carry no `content` (GET one does)."""

    playbooks: list[PlaybookSummary]
    count: int
    total: int
    limit: int
    offset: int
    has_next: bool
    has_prev: bool
    next_offset: int
    prev_offset: int
    category_counts: dict[str, int]
