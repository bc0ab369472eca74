from __future__ import annotations

from typing import Any, Literal

from pydantic import Field

from kataven_hub.campaigns.models import CONTACT_DONE, CONTACT_STATUSES, IN_FLIGHT
from kataven_hub.core.schemas import ResponseModel, Timestamp

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


class ContactList(ResponseModel):
    contacts: list[ContactRead]
    total: int
    limit: int
    offset: int
