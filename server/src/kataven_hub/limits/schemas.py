from __future__ import annotations

from pydantic import Field

from kataven_hub.core.schemas import ResponseModel, UpdateModel

_MAX = 1_000_000


class CallLimitsRead(ResponseModel):
    concurrent_max: int = Field(description="Ceiling on simultaneous calls (0 blocks calls).")
    calls_per_minute: int = Field(description="Calls started in any sliding 60 s window.")
    daily_calls_max: int = Field(description="Calls per UTC day.")
    daily_minutes_max: int = Field(description="Talk minutes per UTC day (durations rounded up).")


class CallLimitsUpdate(UpdateModel):
    concurrent_max: int | None = Field(default=None, ge=0, le=_MAX)
    calls_per_minute: int | None = Field(default=None, ge=0, le=_MAX)
    daily_calls_max: int | None = Field(default=None, ge=0, le=_MAX)
    daily_minutes_max: int | None = Field(default=None, ge=0, le=_MAX)
