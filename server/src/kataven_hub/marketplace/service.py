"""Marketplace: pre-built agent templates that ship with the product (templates/, read-only,
the same for every account, so this module has no tables).

Installing creates, in the caller's account and in the request's one transaction, a `draft`
agent carrying `template_id`, the template's playbooks and FAQs (an existing playbook or FAQ
with the same name is reused, never duplicated or overwritten), their links to the agent, and
the agent's tool configs. Built-ins are (re)seeded first so a template never misses one.
Installing the same template twice makes two agents sharing the knowledge.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from kataven_hub.agents import service as agents_service
from kataven_hub.agents.schemas import AgentCreate, AgentToolUpsert
from kataven_hub.core.auth import Principal
from kataven_hub.core.db import TenantSession
from kataven_hub.core.errors import NotFound
from kataven_hub.core.settings import get_settings
from kataven_hub.faqs import service as faqs_service
from kataven_hub.marketplace.schemas import TemplateInstall
from kataven_hub.marketplace.template import Template
from kataven_hub.marketplace.templates import BY_ID, TEMPLATES
from kataven_hub.playbooks import service as playbooks_service
from kataven_hub.tools import service as tools_service


def _view(t: Template) -> dict[str, Any]:
    return {
        "id": t.id,
        "name": t.name,
        "category": t.category,
        "description": t.description,
        "tags": list(t.tags),
        "agent_category": t.agent_category,
        "llm_model": t.llm_model,
        "voice_provider": t.voice_provider,
        "voice_id": t.voice_id,
        "greeting_message": t.greeting_message,
        "system_prompt": t.system_prompt,
        "playbooks": t.playbook_names(),
        "faqs": [{"name": f["name"], "title": f["title"]} for f in t.faqs],
        "tools": [{"tool_name": name, "config": config} for name, config in t.tools],
        "setup_steps": list(t.setup_steps),
    }


def list_templates(category: str | None) -> dict[str, Any]:
    rows = [_view(t) for t in TEMPLATES if category is None or t.category == category]
    counts = Counter(t.category for t in TEMPLATES)
    return {"templates": rows, "count": len(rows), "category_counts": dict(sorted(counts.items()))}


def _get(template_id: str) -> Template:
    template = BY_ID.get(template_id)
    if template is None:
        raise NotFound("Template not found")
    return template


def read(template_id: str) -> dict[str, Any]:
    return _view(_get(template_id))


async def install(
    session: TenantSession, principal: Principal, template_id: str, body: TemplateInstall | None
) -> dict[str, Any]:
    t = _get(template_id)
    await tools_service.seed_builtins(session)
    await playbooks_service.seed_builtins(session)
    models = get_settings().LLM_MODELS
    fields = {
        "name": (body.name if body and body.name else t.name),
        "description": t.description,
        "category": t.agent_category,
        "status": "draft",
        "system_prompt": t.system_prompt,
        "greeting_message": t.greeting_message,
        "llm_model": t.llm_model if t.llm_model in models else models[0],
        "voice_provider": t.voice_provider,
        "voice_id": t.voice_id,
    }
    agent = await agents_service.create(
        session, principal, AgentCreate.model_validate(fields), template_id=t.id
    )
    playbook_ids = []
    for spec in t.playbooks:
        if isinstance(spec, str):
            playbook_ids.append((await playbooks_service.get(session, spec)).id)
        else:
            playbook_ids.append((await playbooks_service.ensure(session, spec)).id)
    faq_ids = [(await faqs_service.ensure(session, spec)).id for spec in t.faqs]
    await agents_service.link_knowledge(session, agent["id"], playbook_ids, faq_ids)
    for tool_name, config in t.tools:
        upsert = AgentToolUpsert.model_validate({"tool_name": tool_name, "config": config})
        await agents_service.upsert_tool(session, agent["id"], upsert)
    return await agents_service.read(session, agent["id"])
