from __future__ import annotations

from pydantic import Field

from kataven_hub.core.schemas import ResponseModel, Timestamp


class RecordingRead(ResponseModel):
    url: str = Field(description="Plays the recording until `expires_at` (5 minutes).")
    expires_at: Timestamp
    content_type: str
    duration_seconds: int | None
