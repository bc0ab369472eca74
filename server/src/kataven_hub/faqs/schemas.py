from __future__ import annotations

from pydantic import Field

from kataven_hub.core.schemas import RequestModel, ResponseModel, SnakeName, Tags, Text, Timestamp

Title = Text(500, 1)
ANSWER_MAX = 20_000


class FaqCreate(RequestModel):
    title: Title = Field(examples=["What are your business hours?"])  # type: ignore[valid-type]
    name: SnakeName | None = Field(
        default=None, description="Default: the snake_case of title", examples=["hours"]
    )
    summary: Text(2000) = Field(default="", examples=["Mon–Fri 9am–6pm Pacific."])  # type: ignore[valid-type]
    content: Text(ANSWER_MAX) = Field(default="", description="The full answer")  # type: ignore[valid-type]
    category: Text(100, 1) = "general"  # type: ignore[valid-type]
    tags: Tags = Field(default_factory=list, examples=[["hours", "general"]])


class FaqUpdate(RequestModel):
    """Partial update; `name` is immutable (sending a different one is a 400)."""

    name: str | None = None
    title: Title | None = None  # type: ignore[valid-type]
    summary: Text(2000) | None = None  # type: ignore[valid-type]
    content: Text(ANSWER_MAX) | None = None  # type: ignore[valid-type]
    category: Text(100, 1) | None = None  # type: ignore[valid-type]
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
