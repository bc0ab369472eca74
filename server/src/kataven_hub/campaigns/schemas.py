from __future__ import annotations

from typing import Any

from kataven_hub.core.schemas import ResponseModel, Timestamp


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
