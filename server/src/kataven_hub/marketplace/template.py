"""What a marketplace template is: an agent configuration plus the knowledge and tool configs it
needs. Playbooks are named (built-ins) or given in full (created on install unless the account
already has one with that name); FAQs likewise by their spec."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def faq(
    name: str, title: str, summary: str, content: str, category: str = "general"
) -> dict[str, Any]:
    return {
        "name": name,
        "title": title,
        "summary": summary,
        "content": content,
        "category": category,
    }


@dataclass(frozen=True)
class Template:
    id: str
    name: str
    category: str
    description: str
    agent_category: str
    system_prompt: str
    greeting_message: str
    voice_provider: str
    voice_id: str
    llm_model: str = "gpt-4o"
    playbooks: tuple[str | dict[str, Any], ...] = ()
    faqs: tuple[dict[str, Any], ...] = ()
    tools: tuple[tuple[str, dict[str, Any]], ...] = ()
    setup_steps: tuple[str, ...] = ()
    tags: tuple[str, ...] = field(default=())

    def playbook_names(self) -> list[str]:
        return [p if isinstance(p, str) else p["name"] for p in self.playbooks]
