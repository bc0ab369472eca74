from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kataven_hub.core.schemas import (
    Bounded,
    Category,
    LongText,
    RequestModel,
    ResponseModel,
    SnakeName,
    Tags,
    Timestamp,
    UpdateModel,
)

ANSWER_MAX = 20_000
Title = Annotated[str, Bounded(500, min_length=1)]
Answer = Annotated[str, Bounded(ANSWER_MAX)]


class FaqCreate(RequestModel):
    title: Title = Field(examples=["What are your business hours?"])
    name: SnakeName | None = Field(
        default=None, description="Default: the snake_case of title", examples=["hours"]
    )
    summary: LongText = Field(default="", examples=["Mon–Fri 9am–6pm Pacific."])
    content: Answer = Field(default="", description="The full answer")
    category: Category = "general"
    tags: Tags = Field(default_factory=list, examples=[["hours", "general"]])


class FaqUpdate(UpdateModel):
    """Partial update; `name` is immutable (sending a different one is a 400)."""

    name: str | None = None
    title: Title | None = None
    summary: LongText | None = None
    content: Answer | None = None
    category: Category | None = None
    tags: Tags | None = None


class FaqRead(ResponseModel):
    id: str
    name: str
    title: str
    summary: str
    content: str
    category: str
    tags: list[str]
    created_at: Timestamp
    updated_at: Timestamp


class FaqList(ResponseModel):
    faqs: list[FaqRead]
    count: int
