from __future__ import annotations

from kataven_hub.core.db import ControlSession
from kataven_hub.core.repository import Repository
from kataven_hub.limits.models import CallLimit


class CallLimitRepository(Repository[CallLimit, ControlSession]):
    model = CallLimit
