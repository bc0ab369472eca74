from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field, GetJsonSchemaHandler, field_validator
from pydantic.json_schema import JsonSchemaValue
from pydantic_core import CoreSchema

from kataven_hub.core.schemas import (
    Bounded,
    JsonObject,
    LongText,
    Name,
    RequestModel,
    ResourceId,
    ResponseModel,
    ShortText,
    SnakeName,
    Timestamp,
    UpdateModel,
)
from kataven_hub.core.settings import get_settings

Category = Literal["customer_support", "sales", "operations", "custom"]
Status = Literal["draft", "active", "paused", "archived"]
GreetingMode = Literal["interruptible", "locked"]
VoiceProvider = Literal["cartesia", "elevenlabs", "deepgram"]
AuthMode = Literal["public", "authenticated"]

_PROMPT_MAX = 100_000


def check_model(value: str | None) -> str | None:
    allowed = get_settings().LLM_MODELS
    if value is not None and value not in allowed:
        raise ValueError(f"llm_model must be one of: {', '.join(allowed)}")
    return value


class _ModelCatalogue:
    """Documents the configured model catalogue (LLM_MODELS) as the allowed values."""

    @classmethod
    def __get_pydantic_json_schema__(
        cls, core_schema: CoreSchema, handler: GetJsonSchemaHandler
    ) -> JsonSchemaValue:
        schema = handler(core_schema)
        schema["enum"] = list(get_settings().LLM_MODELS)
        return schema


ModelName = Annotated[str, Bounded(100), _ModelCatalogue]
Prompt = Annotated[str, Bounded(_PROMPT_MAX)]


class _AgentFields(RequestModel):
    description: LongText | None = None
    category: Category | None = None
    status: Status | None = None
    system_prompt: Prompt | None = None
    active_prompt_id: ResourceId | None = None
    greeting_message: LongText | None = None
    greeting_mode: GreetingMode | None = None
    llm_model: ModelName | None = Field(default=None, examples=["gpt-4o"])
    voice_provider: VoiceProvider | None = None
    voice_id: ShortText | None = Field(default=None, examples=["v1_friendly_female"])
    auth_mode: AuthMode | None = None
    ringing_enabled: bool | None = None
    background_audio_enabled: bool | None = None
    background_audio_volume: Annotated[float, Field(ge=0.0, le=1.0)] | None = None
    noise_suppression_enabled: bool | None = None

    _check_model = field_validator("llm_model")(classmethod(lambda cls, v: check_model(v)))

    @field_validator("background_audio_volume", mode="before")
    @classmethod
    def _volume_number(cls, value: Any) -> Any:
        # Strict mode refuses ints for floats; 1 and 0 are fine volumes.
        if isinstance(value, int) and not isinstance(value, bool):
            return float(value)
        return value


class AgentCreate(_AgentFields):
    name: Name = Field(examples=["Front Desk"])
    template_id: str | None = Field(
        default=None,
        max_length=100,
        description="The marketplace template this agent is based on (recorded on the agent; "
        "400 unless it names a template of GET /marketplace/templates). Installing a template "
        "with its playbooks and FAQs is POST /marketplace/templates/{id}/install.",
    )


class AgentUpdate(UpdateModel, _AgentFields):
    nullable = frozenset({"active_prompt_id"})

    name: Name | None = None


class AgentPlaybook(ResponseModel):
    """A playbook as listed on an agent (get the playbook for its `content`)."""

    id: str
    name: str
    display_name: str
    category: str
    description: str
    tool_names: list[str]


class AgentFaq(ResponseModel):
    """An FAQ attached to an agent."""

    id: str
    name: str
    title: str
    summary: str
    content: str
    category: str


class AgentRead(ResponseModel):
    id: str
    name: str
    description: str
    category: str
    status: str
    system_prompt: str
    active_prompt_id: str | None
    greeting_message: str
    greeting_mode: str
    llm_model: str
    voice_provider: str
    voice_id: str
    auth_mode: str
    ringing_enabled: bool
    background_audio_enabled: bool
    background_audio_volume: float
    noise_suppression_enabled: bool
    template_id: str | None
    playbooks: list[AgentPlaybook] = Field(default_factory=list)
    faqs: list[AgentFaq] = Field(default_factory=list)
    created_by: str | None
    created_at: Timestamp
    updated_at: Timestamp


class AgentToolUpsert(RequestModel):
    tool_name: SnakeName = Field(examples=["lookup_order"])
    config: JsonObject = Field(default_factory=dict)
    enabled: bool = True
    agent_id: ResourceId | None = Field(
        default=None, description="Ignored: the agent in the path wins."
    )


class AgentToolRead(ResponseModel):
    agent_id: str
    tool_name: str
    config: dict[str, Any]
    enabled: bool
    created_at: Timestamp
    updated_at: Timestamp


Ref = Annotated[str, Bounded(200, min_length=1)]  # an id or a name


class AttachPlaybook(RequestModel):
    playbook_id: Ref = Field(description="Playbook id or name", examples=["refund_request"])


class AttachFaq(RequestModel):
    faq_id: Ref = Field(description="FAQ id or name", examples=["hours"])
