from __future__ import annotations

from pydantic import Field

from kataven_hub.core.schemas import RequestModel, ResponseModel

_MAX = 1_000_000_000


class RateLimitsUpdate(RequestModel):
    """Only the fields given change. 0 blocks that dimension."""

    requests_per_minute: int | None = Field(default=None, ge=0, le=_MAX)
    requests_per_hour: int | None = Field(default=None, ge=0, le=_MAX)
    requests_per_day: int | None = Field(default=None, ge=0, le=_MAX)
    concurrent_requests: int | None = Field(default=None, ge=0, le=_MAX)


class RateLimitsRead(ResponseModel):
    account: str
    requests_per_minute: int
    requests_per_hour: int
    requests_per_day: int
    concurrent_requests: int
