"""The pieces without I/O: redaction, paging hints, loopback addresses, annotations."""

from __future__ import annotations

import logging
from typing import Any

import pytest
from kataven_mcp._http import is_loopback
from kataven_mcp._redact import REDACTED, RedactingFilter, Redactor
from kataven_mcp._registry import Effect
from kataven_mcp.tools._common import given, paging_hint, shorten, window

KEY = "sk_live_acme_" + "A1b2C3d4" * 5


class TestRedactor:
    def test_known_secret_anywhere_in_text(self) -> None:
        redactor = Redactor(KEY, None, "")
        assert redactor.text(f"key={KEY}; again {KEY}") == f"key={REDACTED}; again {REDACTED}"

    def test_secret_shaped_strings(self) -> None:
        other = "sk_live_other_" + "Z9" * 20
        assert Redactor().text(f"token {other}.") == f"token {REDACTED}."

    def test_secret_named_fields_and_nesting(self) -> None:
        data: dict[str, Any] = {
            "id": "prov_1",
            "credentials": {"auth_token": "abc123xyz", "account_sid": "AC1"},
            "rows": [{"password": "hunter22", "name": "kept"}],
            "credential_keys": ["auth_token"],
            "token": 42,
        }
        out = Redactor().data(data)
        assert out["credentials"] == {"auth_token": REDACTED, "account_sid": "AC1"}
        assert out["rows"] == [{"password": REDACTED, "name": "kept"}]
        assert out["credential_keys"] == ["auth_token"]
        assert out["token"] == 42
        assert data["credentials"]["auth_token"] == "abc123xyz"  # the input is not changed

    def test_kept_key_is_shown_and_added_later(self) -> None:
        redactor = Redactor()
        secret = "sk_live_acme_" + "Q" * 40
        shown = redactor.data({"secret_key": secret}, keep=frozenset({"secret_key"}))
        assert shown == {"secret_key": secret}
        redactor.add(secret)
        assert redactor.data({"note": f"was {secret}"}) == {"note": f"was {REDACTED}"}

    def test_longest_secret_wins(self) -> None:
        redactor = Redactor("abcdef", "abcdefghij")
        assert redactor.text("xabcdefghijx") == f"x{REDACTED}x"

    def test_quoted_secret_fields_in_text(self) -> None:
        line = (
            """args {"credentials": {"auth_token": "a\\"b c", 'Secret_Key': 'xyz'}, "label": "x"}"""
        )
        assert Redactor().text(line) == (
            f"""args {{"credentials": {{"auth_token": "{REDACTED}", """
            f"""'Secret_Key': '{REDACTED}'}}, "label": "x"}}"""
        )

    def test_short_values_are_not_secrets(self) -> None:
        assert Redactor("ab").text("about") == "about"

    def test_log_filter(self) -> None:
        redactor = Redactor(KEY)
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "sent %s", (KEY,), None)
        assert RedactingFilter(redactor).filter(record)
        assert record.getMessage() == f"sent {REDACTED}"


class TestPaging:
    def test_window_with_more(self) -> None:
        page = window(list(range(45)), "rows", limit=20, offset=20, tool="list_rows")
        assert page["rows"] == list(range(20, 40))
        assert page["total"] == 45
        assert page["next_offset"] == 40
        assert "offset=40" in page["hint"]
        assert "21–40 of 45" in page["hint"]

    def test_window_last_page(self) -> None:
        page = window(list(range(45)), "rows", limit=20, offset=40, tool="list_rows")
        assert page["rows"] == list(range(40, 45))
        assert page["next_offset"] is None
        assert "hint" not in page

    def test_unknown_total(self) -> None:
        assert paging_hint(None, 20, 20, 0, "list_calls")["next_offset"] == 20
        assert paging_hint(None, 7, 20, 0, "list_calls") == {"next_offset": None}

    def test_shorten(self) -> None:
        row = {"system_prompt": "x" * 1000, "name": "n"}
        out = shorten(row, "system_prompt", get_tool="get_agent")
        assert out["system_prompt"].startswith("x" * 300 + "…")
        assert "700 more characters: use get_agent" in out["system_prompt"]
        assert row["system_prompt"] == "x" * 1000

    def test_given(self) -> None:
        assert given(a=None, b=0, c=False, d="") == {"b": 0, "c": False, "d": ""}


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.0.0.2", True),
        ("::1", True),
        ("[::1]", True),
        ("localhost", True),
        ("0.0.0.0", False),
        ("::", False),
        ("192.168.1.5", False),
        ("example.com", False),
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_effects_map_onto_annotations() -> None:
    read = Effect.READ.annotations("t", open_world=False)
    assert (read.read_only_hint, read.idempotent_hint) == (True, True)
    stop = Effect.STOP.annotations("t", open_world=False)
    assert (stop.read_only_hint, stop.destructive_hint, stop.idempotent_hint) == (
        False,
        True,
        False,
    )
    remove = Effect.REMOVE.annotations("t", open_world=False)
    assert (remove.destructive_hint, remove.idempotent_hint) == (True, True)
    create = Effect.CREATE.annotations("t", open_world=True)
    assert (create.destructive_hint, create.idempotent_hint, create.open_world_hint) == (
        False,
        False,
        True,
    )
