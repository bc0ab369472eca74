from __future__ import annotations

from typing import Any

from pydantic import Field

from kataven_hub.core.schemas import Name, RequestModel, ResponseModel


class TemplateInstall(RequestModel):
    read_schema_echo = False  # answers with the new agent, but is not an agent body

    name: Name | None = Field(default=None, description="Agent name; default: the template's")


class TemplateFaq(ResponseModel):
    name: str
    title: str


class TemplateToolConfig(ResponseModel):
    tool_name: str
    config: dict[str, Any]


class TemplateRead(ResponseModel):
    id: str
    name: str
    category: str
    description: str
    tags: list[str]
    agent_category: str
    llm_model: str
    voice_provider: str
    voice_id: str
    greeting_message: str
    system_prompt: str
    playbooks: list[str] = Field(description="Names of the playbooks installed and attached")
    faqs: list[TemplateFaq]
    tools: list[TemplateToolConfig]
    setup_steps: list[str] = Field(description="What to customise after installing")


class TemplateList(ResponseModel):
    templates: list[TemplateRead]
    count: int
    category_counts: dict[str, int]
