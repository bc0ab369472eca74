"""Tenant tables: agents, their per-agent tool configuration rows, and their links to
playbooks and FAQs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, Float, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from kataven_hub.core.db import TenantBase, utcnow


class Agent(TenantBase):
    __tablename__ = "agents"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str] = mapped_column(Text, default="")
    category: Mapped[str] = mapped_column(String(40), default="custom")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    system_prompt: Mapped[str] = mapped_column(Text, default="")
    active_prompt_id: Mapped[str | None] = mapped_column(String(100), default=None)
    greeting_message: Mapped[str] = mapped_column(Text, default="")
    greeting_mode: Mapped[str] = mapped_column(String(20), default="interruptible")
    llm_model: Mapped[str] = mapped_column(String(100), default="gpt-4o")
    voice_provider: Mapped[str] = mapped_column(String(20), default="cartesia")
    voice_id: Mapped[str] = mapped_column(String(200), default="")
    auth_mode: Mapped[str] = mapped_column(String(20), default="authenticated")
    ringing_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    background_audio_enabled: Mapped[bool] = mapped_column(Boolean, default=False)
    background_audio_volume: Mapped[float] = mapped_column(Float, default=0.8)
    noise_suppression_enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    template_id: Mapped[str | None] = mapped_column(String(100), default=None)
    created_by: Mapped[str | None] = mapped_column(String(40), default=None)
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AgentTool(TenantBase):
    """A tool exposed to one agent, with its per-agent config (upserted by tool name)."""

    __tablename__ = "agent_tools"

    agent_id: Mapped[str] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    # Deleting a tool drops every agent's row for it (tools.name is unique and immutable).
    tool_name: Mapped[str] = mapped_column(
        ForeignKey("tools.name", ondelete="CASCADE"), primary_key=True, index=True
    )
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class AgentPlaybook(TenantBase):
    """A playbook attached to an agent (removed with either side)."""

    __tablename__ = "agent_playbooks"

    agent_id: Mapped[str] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    playbook_id: Mapped[str] = mapped_column(
        ForeignKey("playbooks.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AgentFaq(TenantBase):
    """An FAQ attached to an agent (removed with either side)."""

    __tablename__ = "agent_faqs"

    agent_id: Mapped[str] = mapped_column(
        ForeignKey("agents.id", ondelete="CASCADE"), primary_key=True
    )
    faq_id: Mapped[str] = mapped_column(
        ForeignKey("faqs.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
