"""TypedDicts for the Hub API's JSON, generated from its OpenAPI document by
sdks/python/scripts/generate_types.py (`make sdk-types`). Do not edit by hand.
"""

from __future__ import annotations

from typing import Any, Literal, Required, TypedDict


class AccountList(TypedDict, total=False):
    accounts: Required[list[AccountRead]]


class AccountRead(TypedDict, total=False):
    account: Required[str]
    name: Required[str]
    created_at: Required[str]


class AccountValidation(TypedDict, total=False):
    account: Required[str]
    valid: Required[bool]
    exists: Required[bool]


class AddCampaignContactsForm(TypedDict, total=False):
    contacts: Required[str]
    default_region: str | None


class AgentCreate(TypedDict, total=False):
    description: str | None
    category: Literal["customer_support", "sales", "operations", "custom"] | None
    status: Literal["draft", "active", "paused", "archived"] | None
    system_prompt: str | None
    active_prompt_id: str | None
    greeting_message: str | None
    greeting_mode: Literal["interruptible", "locked"] | None
    llm_model: Literal["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-sonnet-4-6"] | None
    voice_provider: Literal["cartesia", "elevenlabs", "deepgram"] | None
    voice_id: str | None
    auth_mode: Literal["public", "authenticated"] | None
    ringing_enabled: bool | None
    background_audio_enabled: bool | None
    background_audio_volume: float | None
    noise_suppression_enabled: bool | None
    name: Required[str]
    template_id: str | None


class AgentCreateFields(TypedDict, total=False):
    description: str | None
    category: Literal["customer_support", "sales", "operations", "custom"] | None
    status: Literal["draft", "active", "paused", "archived"] | None
    system_prompt: str | None
    active_prompt_id: str | None
    greeting_message: str | None
    greeting_mode: Literal["interruptible", "locked"] | None
    llm_model: Literal["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-sonnet-4-6"] | None
    voice_provider: Literal["cartesia", "elevenlabs", "deepgram"] | None
    voice_id: str | None
    auth_mode: Literal["public", "authenticated"] | None
    ringing_enabled: bool | None
    background_audio_enabled: bool | None
    background_audio_volume: float | None
    noise_suppression_enabled: bool | None
    template_id: str | None


class AgentFace(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    greeting: Required[str]


class AgentFaq(TypedDict, total=False):
    """An FAQ attached to an agent."""

    id: Required[str]
    name: Required[str]
    title: Required[str]
    summary: Required[str]
    content: Required[str]
    category: Required[str]


class AgentPlaybook(TypedDict, total=False):
    """A playbook as listed on an agent (get the playbook for its `content`)."""

    id: Required[str]
    name: Required[str]
    display_name: Required[str]
    category: Required[str]
    description: Required[str]
    tool_names: Required[list[str]]


class AgentRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    description: Required[str]
    category: Required[str]
    status: Required[str]
    system_prompt: Required[str]
    active_prompt_id: Required[str | None]
    greeting_message: Required[str]
    greeting_mode: Required[str]
    llm_model: Required[str]
    voice_provider: Required[str]
    voice_id: Required[str]
    auth_mode: Required[str]
    ringing_enabled: Required[bool]
    background_audio_enabled: Required[bool]
    background_audio_volume: Required[float]
    noise_suppression_enabled: Required[bool]
    template_id: Required[str | None]
    playbooks: list[AgentPlaybook]
    faqs: list[AgentFaq]
    created_by: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]


class AgentToolRead(TypedDict, total=False):
    agent_id: Required[str]
    tool_name: Required[str]
    config: Required[dict[str, Any]]
    enabled: Required[bool]
    created_at: Required[str]
    updated_at: Required[str]


class AgentToolUpsert(TypedDict, total=False):
    tool_name: Required[str]
    config: dict[str, JsonValue]
    enabled: bool
    agent_id: str | None


class AgentUpdate(TypedDict, total=False):
    description: str
    category: Literal["customer_support", "sales", "operations", "custom"]
    status: Literal["draft", "active", "paused", "archived"]
    system_prompt: str
    active_prompt_id: str | None
    greeting_message: str
    greeting_mode: Literal["interruptible", "locked"]
    llm_model: Literal["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-sonnet-4-6"]
    voice_provider: Literal["cartesia", "elevenlabs", "deepgram"]
    voice_id: str
    auth_mode: Literal["public", "authenticated"]
    ringing_enabled: bool
    background_audio_enabled: bool
    background_audio_volume: float
    noise_suppression_enabled: bool
    name: str


class AgentWidgetSettingsRead(TypedDict, total=False):
    agent_id: Required[str]
    widget_enabled: Required[bool]
    auth_mode: Required[Literal["guest", "user", "both"]]
    auth_mode_source: Required[Literal["agent", "widget"]]
    greeting_override: Required[str | None]
    updated_at: Required[str | None]


class AgentWidgetSettingsUpdate(TypedDict, total=False):
    widget_enabled: bool
    auth_mode: Literal["guest", "user", "both"] | None
    greeting_override: str | None


class ApiKeyCreate(TypedDict, total=False):
    name: Required[str]
    expiry: str | None


class ApiKeyCreateFields(TypedDict, total=False):
    expiry: str | None


class ApiKeyCreated(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    last8: Required[str]
    created_by: Required[str | None]
    created_at: Required[str]
    expires_at: Required[str | None]
    disabled_at: Required[str | None]
    last_used_at: Required[str | None]
    key: Required[str]
    disabled: Required[bool]


class ApiKeyRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    last8: Required[str]
    created_by: Required[str | None]
    created_at: Required[str]
    expires_at: Required[str | None]
    disabled_at: Required[str | None]
    last_used_at: Required[str | None]
    disabled: Required[bool]


class ApiKeyUpdate(TypedDict, total=False):
    name: str | None
    disabled: bool | None


class AttachFaq(TypedDict, total=False):
    faq_id: Required[str]


class AttachPlaybook(TypedDict, total=False):
    playbook_id: Required[str]


class AuditEventList(TypedDict, total=False):
    audit_events: Required[list[AuditEventRead]]
    limit: Required[int]
    offset: Required[int]


class AuditEventRead(TypedDict, total=False):
    id: Required[str]
    at: Required[str]
    actor: Required[str]
    actor_type: Required[str]
    method: Required[str]
    route: Required[str]
    resource_type: Required[str | None]
    resource_id: Required[str | None]
    status: Required[int]
    request_id: Required[str | None]
    ip: Required[str | None]


class BrandingRead(TypedDict, total=False):
    primary_color: Required[str]
    accent_color: Required[str]
    logo_url: Required[str | None]
    launcher_position: Required[Literal["br", "bl", "tr", "tl"]]
    launcher_label: Required[str]
    privacy_notice: Required[str | None]
    updated_at: Required[str | None]


class BrandingUpdate(TypedDict, total=False):
    """Fields present are changed; `null` restores a field's default."""

    primary_color: str | None
    accent_color: str | None
    logo_url: str | None
    launcher_position: Literal["br", "bl", "tr", "tl"] | None
    launcher_label: str | None
    privacy_notice: str | None


class CallLimitsRead(TypedDict, total=False):
    concurrent_max: Required[int]
    calls_per_minute: Required[int]
    daily_calls_max: Required[int]
    daily_minutes_max: Required[int]


class CallLimitsUpdate(TypedDict, total=False):
    concurrent_max: int
    calls_per_minute: int
    daily_calls_max: int
    daily_minutes_max: int


class CallList(TypedDict, total=False):
    calls: Required[list[CallRead]]
    limit: Required[int]
    offset: Required[int]


class CallRead(TypedDict, total=False):
    session_id: Required[str]
    direction: Required[str]
    status: Required[str]
    from_number: Required[str]
    to_number: Required[str]
    agent_id: Required[str | None]
    provider: Required[str]
    campaign_id: Required[str | None]
    contact_id: Required[str | None]
    custom_fields: Required[dict[str, Any]]
    duration_seconds: Required[int | None]
    error: Required[str | None]
    recording_status: Required[str | None]
    created_at: Required[str]
    answered_at: Required[str | None]
    ended_at: Required[str | None]
    updated_at: Required[str]


class CallingWindow(TypedDict, total=False):
    """When contacts may be dialled, in their local time (or one fixed zone)."""

    start: str
    end: str
    days: list[Literal["mon", "tue", "wed", "thu", "fri", "sat", "sun"]]
    timezone: str


class CampaignList(TypedDict, total=False):
    campaigns: Required[list[CampaignRead]]


class CampaignProgress(TypedDict, total=False):
    counts: Required[dict[str, int]]
    in_flight: Required[int]
    total: Required[int]
    done: Required[int]
    progress: Required[float]


class CampaignRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    agent_id: Required[str]
    phone_number_id: Required[str]
    max_concurrent_calls: Required[int]
    retries_per_contact: Required[int]
    retry_delay_seconds: Required[int]
    scheduled_at: Required[str | None]
    status: Required[str]
    failure_reason: Required[str | None]
    contacts_total: Required[int]
    duplicates_skipped: Required[int]
    created_by: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]
    started_at: Required[str | None]
    completed_at: Required[str | None]
    stopped_at: Required[str | None]
    progress: CampaignProgress | None
    retry_on: Required[list[str]]
    calling_window: Required[dict[str, Any] | None]
    default_timezone: Required[str]
    do_not_call_skipped: Required[int]


class CampaignUpdate(TypedDict, total=False):
    """Changes to a draft, scheduled or paused campaign; fields left out stay as they are."""

    name: str
    max_concurrent_calls: int
    retries_per_contact: int
    retry_delay_seconds: int
    retry_on: list[Literal["busy", "no_answer", "failed"]]
    calling_window: CallingWindow | None
    default_timezone: str
    scheduled_at: str | None


class ContactList(TypedDict, total=False):
    contacts: Required[list[ContactRead]]
    total: Required[int]
    limit: Required[int]
    offset: Required[int]


class ContactRead(TypedDict, total=False):
    id: Required[str]
    campaign_id: Required[str]
    phone_number: Required[str]
    custom_fields: Required[dict[str, Any]]
    status: Required[str]
    attempts: Required[int]
    next_attempt_at: Required[str | None]
    call_id: Required[str | None]
    last_outcome: Required[str | None]
    failure_reason: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]
    completed_at: Required[str | None]
    timezone: Required[str | None]


class ContactsAdded(TypedDict, total=False):
    added: Required[int]
    duplicates_skipped: Required[int]
    do_not_call_skipped: Required[int]
    campaign: Required[CampaignRead]


class CreateCampaignForm(TypedDict, total=False):
    name: Required[str]
    agent_id: Required[str]
    phone_number_id: Required[str]
    contacts: Required[str]
    max_concurrent_calls: int
    retries_per_contact: int
    retry_delay_seconds: int
    scheduled_at: str | None
    default_region: str | None
    retry_on: list[str] | None
    calling_window: str | None
    default_timezone: str | None


class CreateCampaignFormFields(TypedDict, total=False):
    max_concurrent_calls: int
    retries_per_contact: int
    retry_delay_seconds: int
    scheduled_at: str | None
    default_region: str | None
    retry_on: list[str] | None
    calling_window: str | None
    default_timezone: str | None


class CredentialField(TypedDict, total=False):
    name: Required[str]
    label: Required[str]
    description: Required[str]


class DncCreate(TypedDict, total=False):
    phone_number: Required[str]
    reason: str | None


class DncCreateFields(TypedDict, total=False):
    reason: str | None


class DncImportResult(TypedDict, total=False):
    rows: Required[int]
    added: Required[int]
    already_listed: Required[int]
    duplicates_skipped: Required[int]


class DncList(TypedDict, total=False):
    numbers: Required[list[DncRead]]
    total: Required[int]
    limit: Required[int]
    offset: Required[int]


class DncRead(TypedDict, total=False):
    phone_number: Required[str]
    reason: Required[str | None]
    created_by: Required[str | None]
    created_at: Required[str]


class ExchangeRequest(TypedDict, total=False):
    client_key: str | None
    user_token: str | None
    agent_id: str | None


class FaqCreate(TypedDict, total=False):
    title: Required[str]
    name: str | None
    summary: str
    content: str
    category: str
    tags: list[str]


class FaqCreateFields(TypedDict, total=False):
    name: str | None
    summary: str
    content: str
    category: str
    tags: list[str]


class FaqList(TypedDict, total=False):
    faqs: Required[list[FaqRead]]
    count: Required[int]


class FaqRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    title: Required[str]
    summary: Required[str]
    content: Required[str]
    category: Required[str]
    tags: Required[list[str]]
    created_at: Required[str]
    updated_at: Required[str]


class FaqUpdate(TypedDict, total=False):
    """Partial update; `name` is immutable (sending a different one is a 400)."""

    name: str
    title: str
    summary: str
    content: str
    category: str
    tags: list[str]


class GuestAuthRequest(TypedDict, total=False):
    client_key: str | None
    agent_id: str | None


class ImportDncForm(TypedDict, total=False):
    file: Required[str]
    reason: str | None
    default_region: str | None


class IntegrationInstall(TypedDict, total=False):
    credentials: Required[dict[str, str]]


class IntegrationList(TypedDict, total=False):
    integrations: Required[list[IntegrationRead]]
    category_counts: Required[dict[str, int]]


class IntegrationRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    display_name: Required[str]
    category: Required[str]
    description: Required[str]
    docs_url: Required[str]
    credential_keys: Required[list[str]]
    credential_fields: Required[list[CredentialField]]
    tools: Required[list[IntegrationTool]]
    installed: Required[bool]
    credential_keys_set: Required[list[str]]
    installed_at: Required[str | None]
    updated_at: Required[str | None]


class IntegrationTool(TypedDict, total=False):
    name: Required[str]
    display_name: Required[str]
    description: Required[str]


class InvalidRow(TypedDict, total=False):
    row: Required[int]
    reason: Required[str]


JsonValue = Any


class LoginRequest(TypedDict, total=False):
    email: Required[str]
    password: Required[str]


class LoginResponse(TypedDict, total=False):
    token: Required[str]
    token_type: str
    expires_at: Required[str]
    accounts: Required[list[MembershipRead]]


class McpConnectionList(TypedDict, total=False):
    mcp_connections: Required[list[dict[str, Any]]]


class MembershipRead(TypedDict, total=False):
    account: Required[str]
    name: Required[str]
    role: Required[str]


class NativeToolList(TypedDict, total=False):
    native_tools: Required[list[ToolRead]]
    count: Required[int]


class NumberCreate(TypedDict, total=False):
    e164: Required[str]
    provider: Required[str]
    credentials_id: Required[str]
    agent_id: str | None
    inbound_enabled: bool
    outbound_enabled: bool


class NumberCreateFields(TypedDict, total=False):
    agent_id: str | None
    inbound_enabled: bool
    outbound_enabled: bool


class NumberList(TypedDict, total=False):
    numbers: Required[list[NumberRead]]


class NumberRead(TypedDict, total=False):
    id: Required[str]
    e164: Required[str]
    provider: Required[str]
    credentials_id: Required[str]
    agent_id: Required[str | None]
    inbound_enabled: Required[bool]
    outbound_enabled: Required[bool]
    created_at: Required[str]
    updated_at: Required[str]


class NumberUpdate(TypedDict, total=False):
    agent_id: str | None
    inbound_enabled: bool
    outbound_enabled: bool


class OriginateRequest(TypedDict, total=False):
    from_number: Required[str]
    to_number: Required[str]
    agent_id: Required[str]
    custom_fields: dict[str, str] | None


class OriginateRequestFields(TypedDict, total=False):
    custom_fields: dict[str, str] | None


class PlaybookCreate(TypedDict, total=False):
    display_name: Required[str]
    name: str | None
    category: str
    description: str
    tool_names: list[str]
    tags: list[str]
    content: str


class PlaybookCreateFields(TypedDict, total=False):
    name: str | None
    category: str
    description: str
    tool_names: list[str]
    tags: list[str]
    content: str


class PlaybookList(TypedDict, total=False):
    """Like the tools envelope; rows carry no `content` (GET one does)."""

    playbooks: Required[list[PlaybookSummary]]
    count: Required[int]
    total: Required[int]
    limit: Required[int]
    offset: Required[int]
    has_next: Required[bool]
    has_prev: Required[bool]
    next_offset: Required[int]
    prev_offset: Required[int]
    category_counts: Required[dict[str, int]]


class PlaybookRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    display_name: Required[str]
    category: Required[str]
    description: Required[str]
    tool_names: Required[list[str]]
    tags: Required[list[str]]
    is_default: Required[bool]
    modified_from_default: Required[bool]
    default_version: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]
    content: Required[str]


class PlaybookSummary(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    display_name: Required[str]
    category: Required[str]
    description: Required[str]
    tool_names: Required[list[str]]
    tags: Required[list[str]]
    is_default: Required[bool]
    modified_from_default: Required[bool]
    default_version: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]


class PlaybookUpdate(TypedDict, total=False):
    """Partial update; `name` is immutable (sending a different one is a 400)."""

    name: str
    display_name: str
    category: str
    description: str
    tool_names: list[str]
    tags: list[str]
    content: str


class PreflightCampaignForm(TypedDict, total=False):
    name: Required[str]
    agent_id: Required[str]
    phone_number_id: Required[str]
    contacts: Required[str]
    max_concurrent_calls: int
    retries_per_contact: int
    retry_delay_seconds: int
    scheduled_at: str | None
    default_region: str | None
    retry_on: list[str] | None
    calling_window: str | None
    default_timezone: str | None


class PreflightReport(TypedDict, total=False):
    accepted: Required[bool]
    error: Required[str | None]
    contacts_total: Required[int]
    valid: Required[int]
    invalid: Required[list[InvalidRow]]
    invalid_total: Required[int]
    duplicates: Required[int]
    do_not_call: Required[int]
    outside_calling_window_now: Required[int]
    estimated_minutes_to_finish: Required[int | None]
    average_call_seconds: Required[float]


class Problem(TypedDict, total=False):
    """RFC 9457 problem details, sent when the client accepts JSON."""

    type: Required[str]
    title: Required[str]
    status: Required[int]
    detail: Required[str]
    code: Required[str]
    request_id: str | None
    errors: list[dict[str, Any]] | None


class ProviderCreate(TypedDict, total=False):
    provider: Required[str]
    label: str
    credentials: dict[str, str]


class ProviderCreateFields(TypedDict, total=False):
    label: str
    credentials: dict[str, str]


class ProviderList(TypedDict, total=False):
    providers: Required[list[ProviderRead]]


class ProviderRead(TypedDict, total=False):
    id: Required[str]
    provider: Required[str]
    label: Required[str]
    credential_keys: Required[list[str]]
    created_at: Required[str]
    updated_at: Required[str]


class PublicBranding(TypedDict, total=False):
    primary_color: Required[str]
    accent_color: Required[str]
    logo_url: Required[str | None]
    launcher_position: Required[Literal["br", "bl", "tr", "tl"]]
    launcher_label: Required[str]
    privacy_notice: Required[str | None]


class RecordingRead(TypedDict, total=False):
    url: Required[str]
    expires_at: Required[str]
    content_type: Required[str]
    duration_seconds: Required[int | None]


class RefreshRequest(TypedDict, total=False):
    refresh_token: str | None
    client_key: str | None


class TemplateFaq(TypedDict, total=False):
    name: Required[str]
    title: Required[str]


class TemplateInstall(TypedDict, total=False):
    name: str | None


class TemplateList(TypedDict, total=False):
    templates: Required[list[TemplateRead]]
    count: Required[int]
    category_counts: Required[dict[str, int]]


class TemplateRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    category: Required[str]
    description: Required[str]
    tags: Required[list[str]]
    agent_category: Required[str]
    llm_model: Required[str]
    voice_provider: Required[str]
    voice_id: Required[str]
    greeting_message: Required[str]
    system_prompt: Required[str]
    playbooks: Required[list[str]]
    faqs: Required[list[TemplateFaq]]
    tools: Required[list[TemplateToolConfig]]
    setup_steps: Required[list[str]]


class TemplateToolConfig(TypedDict, total=False):
    tool_name: Required[str]
    config: Required[dict[str, Any]]


class ToolCreate(TypedDict, total=False):
    name: Required[str]
    category: Required[str]
    display_name: str | None
    description: str
    schema: dict[str, JsonValue]
    implementation_type: Literal["python", "http"]
    implementation_config: dict[str, JsonValue]
    implementation_code: str
    tags: list[str]


class ToolCreateFields(TypedDict, total=False):
    display_name: str | None
    description: str
    schema: dict[str, JsonValue]
    implementation_type: Literal["python", "http"]
    implementation_config: dict[str, JsonValue]
    implementation_code: str
    tags: list[str]


class ToolList(TypedDict, total=False):
    tools: Required[list[ToolRead]]
    count: Required[int]
    total: Required[int]
    limit: Required[int]
    offset: Required[int]
    has_next: Required[bool]
    has_prev: Required[bool]
    next_offset: Required[int]
    prev_offset: Required[int]
    category_counts: Required[dict[str, int]]


class ToolRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    display_name: Required[str]
    category: Required[str]
    description: Required[str]
    schema: Required[dict[str, Any]]
    implementation_type: Required[str]
    implementation_config: Required[dict[str, Any]]
    implementation_code: Required[str]
    tags: Required[list[str]]
    is_default: Required[bool]
    modified_from_default: Required[bool]
    default_version: Required[str | None]
    integration_id: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]


class ToolUpdate(TypedDict, total=False):
    """Partial update; `name` is immutable (sending a different one is a 400)."""

    name: str
    category: str
    display_name: str
    description: str
    schema: dict[str, JsonValue]
    implementation_type: Literal["python", "http"]
    implementation_config: dict[str, JsonValue]
    implementation_code: str
    tags: list[str]


class UsageRow(TypedDict, total=False):
    period: Required[str]
    calls: Required[int]
    answered: Required[int]
    minutes: Required[int]
    outbound_calls: Required[int]
    inbound_calls: Required[int]
    outbound_minutes: Required[int]
    by_outcome: Required[dict[str, int]]


class UserOrg(TypedDict, total=False):
    user: Required[UserRead]
    accounts: Required[list[MembershipRead]]


class UserRead(TypedDict, total=False):
    id: Required[str]
    email: Required[str]
    name: Required[str]


class UserTokenRead(TypedDict, total=False):
    user_token: Required[str]
    expires_at: Required[str]
    expires_in: Required[int]


class UserTokenRequest(TypedDict, total=False):
    external_user_id: Required[str]
    display_name: str | None
    email: str | None


class UserTokenRequestFields(TypedDict, total=False):
    display_name: str | None
    email: str | None


class VisitorSession(TypedDict, total=False):
    token: Required[str]
    token_type: Literal["Bearer"]
    expires_at: Required[str]
    expires_in: Required[int]
    refresh_token: Required[str]
    refresh_expires_at: Required[str]
    mode: Required[Literal["guest", "user"]]
    agent_id: Required[str]
    visitor_id: Required[str]
    session_id: Required[str]


class WebhookDeliveryList(TypedDict, total=False):
    deliveries: Required[list[WebhookDeliveryRead]]
    limit: Required[int]
    offset: Required[int]


class WebhookDeliveryRead(TypedDict, total=False):
    id: Required[str]
    endpoint_id: Required[str]
    event_id: Required[str]
    event_type: Required[str]
    status: Required[Literal["pending", "delivered", "failed"]]
    attempts: Required[int]
    response_status: Required[int | None]
    latency_ms: Required[int | None]
    error: Required[str | None]
    next_attempt_at: Required[str | None]
    last_attempt_at: Required[str | None]
    delivered_at: Required[str | None]
    created_at: Required[str]


class WebhookEndpointCreate(TypedDict, total=False):
    url: Required[str]
    events: list[Literal["call.queued", "call.ringing", "call.in_progress", "call.completed", "call.failed", "call.recording_ready", "campaign.started", "campaign.paused", "campaign.resumed", "campaign.completed", "campaign.failed", "campaign.contact_finished", "*"]]
    description: str
    disabled: bool


class WebhookEndpointCreateFields(TypedDict, total=False):
    events: list[Literal["call.queued", "call.ringing", "call.in_progress", "call.completed", "call.failed", "call.recording_ready", "campaign.started", "campaign.paused", "campaign.resumed", "campaign.completed", "campaign.failed", "campaign.contact_finished", "*"]]
    description: str
    disabled: bool


class WebhookEndpointCreated(TypedDict, total=False):
    id: Required[str]
    url: Required[str]
    events: Required[list[str]]
    description: Required[str]
    disabled: Required[bool]
    disabled_reason: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]
    secret: Required[str]


class WebhookEndpointList(TypedDict, total=False):
    webhook_endpoints: Required[list[WebhookEndpointRead]]


class WebhookEndpointRead(TypedDict, total=False):
    id: Required[str]
    url: Required[str]
    events: Required[list[str]]
    description: Required[str]
    disabled: Required[bool]
    disabled_reason: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]


class WebhookEndpointUpdate(TypedDict, total=False):
    url: str
    events: list[Literal["call.queued", "call.ringing", "call.in_progress", "call.completed", "call.failed", "call.recording_ready", "campaign.started", "campaign.paused", "campaign.resumed", "campaign.completed", "campaign.failed", "campaign.contact_finished", "*"]]
    description: str
    disabled: bool


class WebhookSecretRotated(TypedDict, total=False):
    secret: Required[str]
    previous_secret_expires_at: Required[str]


class WidgetConfig(TypedDict, total=False):
    branding: Required[PublicBranding]
    agent: Required[AgentFace | None]
    pinned: Required[bool]
    widget_enabled: Required[bool]
    auth_modes: Required[list[Literal["guest", "user"]]]
    unavailable_reason: Required[Literal["agent_required", "widget_disabled", "agent_unavailable"] | None]
    voice_connected: Required[bool]


class WidgetKeyCreate(TypedDict, total=False):
    name: Required[str]
    domain_allowlist: list[str]
    agent_id: str | None


class WidgetKeyCreateFields(TypedDict, total=False):
    domain_allowlist: list[str]
    agent_id: str | None


class WidgetKeyCreated(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    last8: Required[str]
    secret_last8: Required[str]
    domain_allowlist: Required[list[str]]
    agent_id: Required[str | None]
    created_by: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]
    disabled_at: Required[str | None]
    last_used_at: Required[str | None]
    public_key: Required[str]
    secret_key: Required[str]
    disabled: Required[bool]


class WidgetKeyRead(TypedDict, total=False):
    id: Required[str]
    name: Required[str]
    last8: Required[str]
    secret_last8: Required[str]
    domain_allowlist: Required[list[str]]
    agent_id: Required[str | None]
    created_by: Required[str | None]
    created_at: Required[str]
    updated_at: Required[str]
    disabled_at: Required[str | None]
    last_used_at: Required[str | None]
    disabled: Required[bool]


class WidgetKeyUpdate(TypedDict, total=False):
    name: str
    domain_allowlist: list[str]
    agent_id: str | None
    disabled: bool


UsageRead = TypedDict("UsageRead", {"granularity": Required[Literal["day", "hour"]], "from": Required[str], "to": Required[str], "rows": Required[list[UsageRow]]}, total=False)


__all__ = [
    "AccountList",
    "AccountRead",
    "AccountValidation",
    "AddCampaignContactsForm",
    "AgentCreate",
    "AgentCreateFields",
    "AgentFace",
    "AgentFaq",
    "AgentPlaybook",
    "AgentRead",
    "AgentToolRead",
    "AgentToolUpsert",
    "AgentUpdate",
    "AgentWidgetSettingsRead",
    "AgentWidgetSettingsUpdate",
    "ApiKeyCreate",
    "ApiKeyCreateFields",
    "ApiKeyCreated",
    "ApiKeyRead",
    "ApiKeyUpdate",
    "AttachFaq",
    "AttachPlaybook",
    "AuditEventList",
    "AuditEventRead",
    "BrandingRead",
    "BrandingUpdate",
    "CallLimitsRead",
    "CallLimitsUpdate",
    "CallList",
    "CallRead",
    "CallingWindow",
    "CampaignList",
    "CampaignProgress",
    "CampaignRead",
    "CampaignUpdate",
    "ContactList",
    "ContactRead",
    "ContactsAdded",
    "CreateCampaignForm",
    "CreateCampaignFormFields",
    "CredentialField",
    "DncCreate",
    "DncCreateFields",
    "DncImportResult",
    "DncList",
    "DncRead",
    "ExchangeRequest",
    "FaqCreate",
    "FaqCreateFields",
    "FaqList",
    "FaqRead",
    "FaqUpdate",
    "GuestAuthRequest",
    "ImportDncForm",
    "IntegrationInstall",
    "IntegrationList",
    "IntegrationRead",
    "IntegrationTool",
    "InvalidRow",
    "JsonValue",
    "LoginRequest",
    "LoginResponse",
    "McpConnectionList",
    "MembershipRead",
    "NativeToolList",
    "NumberCreate",
    "NumberCreateFields",
    "NumberList",
    "NumberRead",
    "NumberUpdate",
    "OriginateRequest",
    "OriginateRequestFields",
    "PlaybookCreate",
    "PlaybookCreateFields",
    "PlaybookList",
    "PlaybookRead",
    "PlaybookSummary",
    "PlaybookUpdate",
    "PreflightCampaignForm",
    "PreflightReport",
    "Problem",
    "ProviderCreate",
    "ProviderCreateFields",
    "ProviderList",
    "ProviderRead",
    "PublicBranding",
    "RecordingRead",
    "RefreshRequest",
    "TemplateFaq",
    "TemplateInstall",
    "TemplateList",
    "TemplateRead",
    "TemplateToolConfig",
    "ToolCreate",
    "ToolCreateFields",
    "ToolList",
    "ToolRead",
    "ToolUpdate",
    "UsageRead",
    "UsageRow",
    "UserOrg",
    "UserRead",
    "UserTokenRead",
    "UserTokenRequest",
    "UserTokenRequestFields",
    "VisitorSession",
    "WebhookDeliveryList",
    "WebhookDeliveryRead",
    "WebhookEndpointCreate",
    "WebhookEndpointCreateFields",
    "WebhookEndpointCreated",
    "WebhookEndpointList",
    "WebhookEndpointRead",
    "WebhookEndpointUpdate",
    "WebhookSecretRotated",
    "WidgetConfig",
    "WidgetKeyCreate",
    "WidgetKeyCreateFields",
    "WidgetKeyCreated",
    "WidgetKeyRead",
    "WidgetKeyUpdate",
]
