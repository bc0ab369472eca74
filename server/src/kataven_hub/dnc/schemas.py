from __future__ import annotations

from typing import Annotated

from pydantic import Field

from kataven_hub.core.schemas import Bounded, RequestModel, ResponseModel, ShortText, Timestamp


class DncCreate(RequestModel):
    phone_number: Annotated[str, Bounded(40, min_length=1)] = Field(
        description="E.164 (`+14155550123`); other forms need the number's country code"
    )
    reason: ShortText | None = Field(default=None, description="Why it is listed")


class DncRead(ResponseModel):
    phone_number: str
    reason: str | None
    created_by: str | None
    created_at: Timestamp


class DncList(ResponseModel):
    numbers: list[DncRead]
    total: int
    limit: int
    offset: int


class DncImportResult(ResponseModel):
    rows: int = Field(description="Distinct valid numbers in the file")
    added: int = Field(description="Numbers newly listed")
    already_listed: int
    duplicates_skipped: int = Field(description="Rows repeating an earlier row's number")
