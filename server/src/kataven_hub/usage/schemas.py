"""Usage rows."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from kataven_hub.core.schemas import ResponseModel, Timestamp

Granularity = Literal["day", "hour"]


class UsageRow(ResponseModel):
    period: str = Field(
        description="The UTC day (`2026-12-06`) or hour (`2026-12-06T07:00:00Z`).",
        examples=["2026-12-06"],
    )
    calls: int = Field(description="Calls created in the period, outbound and inbound.")
    answered: int = Field(description="Of those, the calls that were answered.")
    minutes: int = Field(
        description="Talk minutes of the calls that ended completed in the period, each call "
        "rounded up to a whole minute."
    )
    outbound_calls: int = Field(
        description="Outbound calls created in the period: what the daily call cap counts."
    )
    inbound_calls: int
    outbound_minutes: int = Field(
        description="`minutes` of outbound calls only: what the daily minute budget counts."
    )
    by_outcome: dict[str, int] = Field(
        description="Calls created in the period by their status now (completed, busy, "
        "no_answer, failed, canceled, or still queued, ringing, in_progress).",
        examples=[{"completed": 12, "no_answer": 3}],
    )


class UsageRead(ResponseModel):
    granularity: Granularity
    start: Timestamp = Field(alias="from", serialization_alias="from")
    end: Timestamp = Field(alias="to", serialization_alias="to")
    rows: list[UsageRow]
