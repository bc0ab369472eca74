"""Schemathesis hooks for the fuzz run (loaded through SCHEMATHESIS_HOOKS).

Every valid Idempotency-Key the generator draws is replaced by a fresh one: hypothesis reuses
small values ("!", "0") across bodies, and the API rightly answers 422 to a key reused with
another body, which the positive-data check would misread as a valid request refused. Keys that
are invalid on purpose (negative cases) are sent as generated. Replays, 409 and 422 have their
own tests (tests/platform/test_idempotency.py).
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import schemathesis

_VALID = re.compile(r"^[!-~]{1,255}$")


@schemathesis.hook
def before_call(context: Any, case: Any, kwargs: dict[str, Any]) -> None:
    headers = case.headers or {}
    for name in list(headers):
        value = headers[name]
        if name.lower() == "idempotency-key" and isinstance(value, str) and _VALID.match(value):
            headers[name] = f"fuzz-{uuid.uuid4()}"
