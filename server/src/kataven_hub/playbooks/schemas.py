from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kataven_hub.core.schemas import (
    Bounded,
    Category,
    LongText,
    Name,
    RequestModel,
    ResponseModel,
    SnakeName,
    Tags,
    Timestamp,
    UpdateModel,
)

CONTENT_MAX = 100_000
Content = Annotated[str, Bounded(CONTENT_MAX)]
ToolNames = Annotated[list[SnakeName], Field(max_length=100)]


class PlaybookCreate(RequestModel):
    display_name: Name = Field(examples=["Refund Workflow"])
    name: SnakeName | None = Field(
        default=None,
        description="Default: the snake_case of display_name",
        examples=["refund_workflow"],
    )
    category: Category = "custom"
    description: LongText = ""
    tool_names: ToolNames = Field(default_factory=list, examples=[["lookup_order", "send_sms"]])
    tags: Tags = Field(default_factory=list)
    content: Content = Field(default="", description="The prompt fragment, markdown")


class PlaybookUpdate(UpdateModel):
    """Partial update; `name` is immutable (sending a different one is a 400)."""

    name: str | None = None
    display_name: Name | None = None
    category: Category | None = None
    description: LongText | None = None
    tool_names: ToolNames | None = None
    tags: Tags | None = None
    content: Content | None = None


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
