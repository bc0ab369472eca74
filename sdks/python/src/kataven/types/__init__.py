"""The API's JSON shapes as TypedDicts (generated; see `_generated.py`), with short aliases."""

from kataven.types._generated import *  # noqa: F403
from kataven.types._generated import (
    AgentRead,
    CallRead,
    CampaignRead,
    ContactRead,
    FaqRead,
    PlaybookRead,
    ToolRead,
)
from kataven.types._generated import __all__ as _generated_all

Agent = AgentRead
Call = CallRead
Campaign = CampaignRead
Contact = ContactRead
Faq = FaqRead
Playbook = PlaybookRead
Tool = ToolRead

__all__ = [
    *_generated_all,
    "Agent",
    "Call",
    "Campaign",
    "Contact",
    "Faq",
    "Playbook",
    "Tool",
]
