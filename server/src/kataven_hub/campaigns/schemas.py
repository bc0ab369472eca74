from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, ClassVar, Literal, get_args

from fastapi import UploadFile
from pydantic import BaseModel, Field, field_validator, model_validator

from kataven_hub.campaigns.models import CONTACT_DONE, CONTACT_STATUSES, IN_FLIGHT
from kataven_hub.campaigns.windows import known_zones
from kataven_hub.core.schemas import Name, RequestModel, ResponseModel, Timestamp, UpdateModel

Day = Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
RetryOutcome = Literal["busy", "no_answer", "failed"]
_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
_END = r"^(([01][0-9]|2[0-3]):[0-5][0-9]|24:00)$"


def check_zone(value: str) -> str:
    if value not in known_zones():
        raise ValueError("must be an IANA time zone such as America/New_York")
    return value


class CallingWindow(RequestModel):
    """When contacts may be dialled, in their local time (or one fixed zone)."""

    start: Annotated[str, Field(pattern=_CLOCK, description="HH:MM, local")] = "09:00"
    end: Annotated[str, Field(pattern=_END, description="HH:MM (24:00: midnight)")] = "20:00"
    days: Annotated[list[Day], Field(min_length=1, max_length=7)] = Field(
        default_factory=lambda: list(get_args(Day))
    )
    timezone: Annotated[str, Field(max_length=64, description="`recipient` or an IANA zone")] = (
        "recipient"
    )

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str) -> str:
        return value if value == "recipient" else check_zone(value)

    @model_validator(mode="after")
    def _order(self) -> CallingWindow:
        start, end = (int(v[:2]) * 60 + int(v[3:]) for v in (self.start, self.end))
        if end - start < 15:
            raise ValueError("end must be at least 15 minutes after start")
        if len(set(self.days)) != len(self.days):
            raise ValueError("days must not repeat")
        self.days = sorted(self.days, key=["mon", "tue", "wed", "thu", "fri", "sat", "sun"].index)
        return self


class CampaignUpdate(UpdateModel):
    """Changes to a draft, scheduled or paused campaign; fields left out stay as they are."""

    nullable: ClassVar[frozenset[str]] = frozenset({"calling_window", "scheduled_at"})
    name: Name | None = None
    max_concurrent_calls: int | None = Field(default=None, ge=1, le=100)
    retries_per_contact: int | None = Field(default=None, ge=0, le=5)
    retry_delay_seconds: int | None = Field(default=None, ge=0, le=7 * 86400, description="≥ 60")
    retry_on: list[RetryOutcome] | None = Field(default=None, max_length=3)
    calling_window: CallingWindow | None = None
    default_timezone: str | None = Field(default=None, max_length=64)
    scheduled_at: datetime | None = Field(default=None, description="RFC 3339, in the future")

    @field_validator("default_timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return None if value is None else check_zone(value)

    @field_validator("scheduled_at", mode="before")
    @classmethod
    def _rfc3339(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                when = datetime.fromisoformat(value)
            except ValueError:
                raise ValueError("must be an RFC 3339 timestamp with a time zone") from None
            if when.tzinfo is None:
                raise ValueError("must be an RFC 3339 timestamp with a time zone")
            return when
        return value

    @field_validator("retry_on")
    @classmethod
    def _unique(cls, value: list[str] | None) -> list[str] | None:
        return (
            None if value is None else sorted(set(value), key=["busy", "no_answer", "failed"].index)
        )


CampaignStatus = Literal["draft", "scheduled", "running", "paused", "completed", "failed"]


def progress_of(counts: dict[str, int]) -> dict[str, Any]:
    """Contact counts by status → the progress figures shared by campaign reads and the SSE
    snapshot (so both always agree)."""
    counts = {status: counts.get(status, 0) for status in CONTACT_STATUSES}
    total = sum(counts.values())
    done = sum(counts[k] for k in CONTACT_DONE)
    return {
        "counts": counts,
        "in_flight": sum(counts[k] for k in IN_FLIGHT),
        "total": total,
        "done": done,
        "progress": round(done / total, 4) if total else 1.0,
    }


class CampaignProgress(ResponseModel):
    counts: dict[str, int] = Field(
        description="Contacts by status: " + ", ".join(CONTACT_STATUSES),
        examples=[{s: 0 for s in CONTACT_STATUSES}],
    )
    in_flight: int = Field(description="originated + connected")
    total: int
    done: int = Field(description="completed + failed + cancelled")
    progress: float = Field(description="done / total, 0–1 (1 when there are no contacts)")


class CampaignRead(ResponseModel):
    id: str
    name: str
    agent_id: str
    phone_number_id: str
    max_concurrent_calls: int
    retries_per_contact: int
    retry_delay_seconds: int
    scheduled_at: Timestamp | None
    status: str
    failure_reason: str | None
    contacts_total: int
    duplicates_skipped: int
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp
    started_at: Timestamp | None
    completed_at: Timestamp | None
    stopped_at: Timestamp | None
    progress: CampaignProgress | None = Field(
        default=None,
        description="Contact counts by status, as in the SSE snapshot (reads and actions)",
    )
    retry_on: list[str] = Field(description="Outcomes that are retried: busy, no_answer, failed")
    calling_window: dict[str, Any] | None = Field(
        description="{start, end, days, timezone}: when contacts may be dialled (null: any time)"
    )
    default_timezone: str = Field(description="The zone of numbers that span several zones")
    do_not_call_skipped: int = Field(description="Contacts skipped: on the do-not-call list")


class CampaignList(ResponseModel):
    campaigns: list[CampaignRead]


class ContactRead(ResponseModel):
    id: str
    campaign_id: str
    phone_number: str
    custom_fields: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: Timestamp | None
    call_id: str | None
    last_outcome: str | None
    failure_reason: str | None
    created_at: Timestamp
    updated_at: Timestamp
    completed_at: Timestamp | None
    timezone: str | None = Field(description="The recipient's zone, from the number")


class ContactList(ResponseModel):
    contacts: list[ContactRead]
    total: int
    limit: int
    offset: int


class InvalidRow(ResponseModel):
    row: int = Field(description="The line in the file (the header is line 1)")
    reason: str


class PreflightReport(ResponseModel):
    accepted: bool = Field(description="Whether create would accept this body")
    error: str | None = Field(description="What create would answer (400) when it would not")
    contacts_total: int = Field(description="Contacts create would store (as its contacts_total)")
    valid: int = Field(description="Contacts that would be dialled (not on the do-not-call list)")
    invalid: list[InvalidRow] = Field(description="Bad rows, the first 100")
    invalid_total: int
    duplicates: int = Field(description="Rows repeating an earlier number (duplicates_skipped)")
    do_not_call: int = Field(description="Contacts on the do-not-call list (stored as skipped)")
    outside_calling_window_now: int = Field(
        description="Contacts that would be dialled whose calling window is closed right now"
    )
    estimated_minutes_to_finish: int | None = Field(
        description="First attempts of every valid contact, from the concurrency, the call "
        "limits and the average call length (60 s until the account has history); null when a "
        "limit blocks calling"
    )
    average_call_seconds: float


class ContactsAdded(ResponseModel):
    added: int
    duplicates_skipped: int = Field(description="Rows repeating a number (of the file or campaign)")
    do_not_call_skipped: int
    campaign: CampaignRead


class CampaignForm(BaseModel):
    # The multipart body of create and preflight, as sent: the router checks and converts the
    # text fields (campaigns.service.CampaignCreate). Unknown fields are refused by
    # core/strictness.py. Each operation has its own subclass, so the OpenAPI document keeps one
    # named schema per operation (CreateCampaignForm, PreflightCampaignForm).
    name: str = Field(description="Campaign name")
    agent_id: str = Field(description="The agent that handles the calls")
    phone_number_id: str = Field(description="The caller-ID number (outbound enabled)")
    contacts: UploadFile = Field(description="CSV with a phone_number column, ≤ 10 MB")
    max_concurrent_calls: int = Field(default=5, ge=1.0, le=100.0)
    retries_per_contact: int = Field(default=0, ge=0.0, le=5.0)
    retry_delay_seconds: int = Field(default=300, ge=0.0, le=7 * 86400.0, description="≥ 60")
    scheduled_at: str | None = Field(default=None, description="RFC 3339, in the future")
    default_region: str | None = Field(
        default=None, description="ISO region (e.g. US) for numbers written without +"
    )
    retry_on: list[str] | None = Field(
        default=None,
        description="Outcomes to retry: busy, no_answer, failed (default all three); "
        "repeat the field or separate with commas",
    )
    calling_window: str | None = Field(
        default=None,
        description='JSON {"start": "09:00", "end": "20:00", "days": ["mon", …], '
        '"timezone": "recipient" | IANA zone}; default: any time',
    )
    default_timezone: str | None = Field(
        default=None, description="IANA zone of numbers spanning several zones (UTC)"
    )


class CreateCampaignForm(CampaignForm):
    pass


class PreflightCampaignForm(CampaignForm):
    pass
