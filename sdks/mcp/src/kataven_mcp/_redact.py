"""Keeps secrets out of tool results and log lines.

Three layers, because one missed field would leak a credential into a model's transcript:
values the server knows are secret (the API key this server uses, the HTTP bearer token, any
credential a tool was handed in this process) are replaced wherever they appear; string values
under secret-sounding keys are replaced whatever they hold, in data and when quoted in text (a
request body in a debug log); and anything shaped like a Kataven secret key (`sk_live_…`) or a
webhook signing secret (`whsec_…`) is replaced. The Hub returns a secret only once, when it is
created (a widget key pair's, a webhook endpoint's): those results keep it (`reveals`);
everywhere else this is the second line of defence.
"""

from __future__ import annotations

import logging
import re
import threading
from typing import Any

REDACTED = "[redacted]"

# Keys whose string values are secrets, wherever they appear in a result.
SECRET_KEYS = frozenset(
    {
        "access_token",
        "api_key",
        "apikey",
        "auth_token",
        "authorization",
        "bot_token",
        "client_secret",
        "password",
        "private_key",
        "refresh_token",
        "secret",
        "secret_key",
        "signing_secret",
        "token",
        "user_token",
        "webhook_secret",
    }
)
_SECRET_KEY_SHAPE = re.compile(r"sk_live_[A-Za-z0-9_]{12,}|whsec_[A-Za-z0-9+/=]{16,}")
# A secret-named field quoted in text (a JSON body or a dict repr in a debug log line).
_NAMES = "|".join(sorted(SECRET_KEYS))
_QUOTED_FIELD = re.compile(
    r"""(["'](?:""" + _NAMES + r""")["']\s*:\s*)(["'])(?:\\.|(?!\2).)*\2""", re.IGNORECASE
)
_MIN_SECRET_LENGTH = 6  # shorter values would blank out ordinary words


class Redactor:
    """Scrubs known secret values, secret-named fields and secret-shaped strings."""

    def __init__(self, *secrets: str | None) -> None:
        self._lock = threading.Lock()
        self._secrets: set[str] = set()
        self._pattern: re.Pattern[str] | None = None
        self.add(*secrets)

    def add(self, *secrets: str | None) -> None:
        """Remember more values to scrub (a credential a tool was just given)."""
        fresh = {s for s in secrets if s and len(s) >= _MIN_SECRET_LENGTH}
        with self._lock:
            if fresh <= self._secrets:
                return
            self._secrets |= fresh
            # Longest first so a secret that contains another is replaced whole.
            alternatives = sorted(self._secrets, key=len, reverse=True)
            self._pattern = re.compile("|".join(re.escape(s) for s in alternatives))

    def text(self, value: str) -> str:
        pattern = self._pattern
        if pattern is not None:
            value = pattern.sub(REDACTED, value)
        value = _QUOTED_FIELD.sub(rf"\g<1>\g<2>{REDACTED}\g<2>", value)
        return _SECRET_KEY_SHAPE.sub(REDACTED, value)

    def data(self, value: Any, *, keep: frozenset[str] = frozenset()) -> Any:
        """A copy of a JSON value with secrets replaced; `keep` names top-level keys shown as
        they are (a widget key's secret, returned once at creation)."""
        if isinstance(value, dict):
            out: dict[str, Any] = {}
            for key, item in value.items():
                if key in keep:
                    out[key] = item
                elif isinstance(item, str) and str(key).lower() in SECRET_KEYS:
                    out[key] = REDACTED
                else:
                    out[key] = self.data(item)
            return out
        if isinstance(value, list):
            return [self.data(item) for item in value]
        if isinstance(value, str):
            return self.text(value)
        return value


class RedactingFilter(logging.Filter):
    """Rewrites every log record through a Redactor before any handler formats it."""

    def __init__(self, redactor: Redactor) -> None:
        super().__init__()
        self._redactor = redactor

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        record.msg = self._redactor.text(message)
        record.args = None
        if record.exc_info and record.exc_info[1] is not None:
            # Keep the traceback's shape, not its messages: they may quote a request.
            record.exc_text = self._redactor.text(
                logging.Formatter().formatException(record.exc_info)
            )
            record.exc_info = None
        return True
