"""The allowlist grammar and Origin matching (pure functions, no backend)."""

from __future__ import annotations

import pytest
from kataven_hub.widget import allowlist


class TestParseEntry:
    @pytest.mark.parametrize(
        ("raw", "normalised"),
        [
            ("acme.com", "acme.com"),
            ("https://acme.com", "https://acme.com"),
            ("HTTPS://Acme.COM/", "https://acme.com"),
            ("*.acme.com", "*.acme.com"),
            ("https://*.acme.com", "https://*.acme.com"),
            ("localhost:*", "localhost:*"),
            ("http://localhost:3000", "http://localhost:3000"),
            ("127.0.0.1:*", "127.0.0.1:*"),
            ("[::1]:*", "[::1]:*"),
            ("bücher.de", "xn--bcher-kva.de"),
            ("  acme.com  ", "acme.com"),
        ],
    )
    def test_accepts_and_normalises(self, raw: str, normalised: str) -> None:
        assert str(allowlist.parse_entry(raw)) == normalised

    @pytest.mark.parametrize(
        "raw",
        [
            "",
            " ",
            "*",
            "*.com",
            "*.*.acme.com",
            "ac*me.com",
            "*.1.2.3.4",
            "ftp://acme.com",
            "javascript:alert(1)",
            "https://acme.com/path",
            "acme.com?x=1",
            "acme.com#top",
            "user@acme.com",
            "https://user:pw@acme.com",
            "acme..com",
            "-acme.com",
            "acme.com:99999",
            "acme.com:abc",
            "a" * 301,
            "acme com",
            "acme\n.com",
        ],
    )
    def test_refuses_garbage(self, raw: str) -> None:
        with pytest.raises(ValueError):  # noqa: PT011 (each case has its own message)
            allowlist.parse_entry(raw)

    def test_normalise_deduplicates_in_order(self) -> None:
        got = allowlist.normalise(["B.com", "a.com", "b.com", "https://a.com"])
        assert got == ["b.com", "a.com", "https://a.com"]

    def test_normalise_caps_entries(self) -> None:
        with pytest.raises(ValueError, match="at most"):
            allowlist.normalise([f"s{i}.acme.com" for i in range(allowlist.MAX_ENTRIES + 1)])


class TestMatching:
    @pytest.mark.parametrize(
        ("entry", "origin", "allowed"),
        [
            ("acme.com", "https://acme.com", True),
            ("acme.com", "http://acme.com", True),
            ("acme.com", "https://acme.com:8443", False),
            ("acme.com", "https://www.acme.com", False),
            ("acme.com", "https://acme.com.evil.test", False),
            ("acme.com", "https://evilacme.com", False),
            ("https://acme.com", "http://acme.com", False),
            ("https://acme.com", "https://acme.com:443", True),
            ("*.acme.com", "https://www.acme.com", True),
            ("*.acme.com", "https://a.b.acme.com", True),
            ("*.acme.com", "https://acme.com", False),
            ("*.acme.com", "https://evilacme.com", False),
            ("localhost:*", "http://localhost:5173", True),
            ("localhost:*", "https://localhost", True),
            ("localhost:*", "http://127.0.0.1:5173", False),
            ("http://localhost:3000", "http://localhost:3001", False),
            ("acme.com", "https://acme.com/page?q=1", True),  # a Referer
            ("acme.com", "null", False),
            ("acme.com", "file:///etc/passwd", False),
            ("acme.com", "https://ACME.com", True),
        ],
    )
    def test_origin_against_entry(self, entry: str, origin: str, allowed: bool) -> None:
        normalised = allowlist.normalise([entry])
        assert allowlist.allows(normalised, allowlist.parse_origin(origin)) is allowed

    def test_empty_allowlist_allows_nothing(self) -> None:
        assert allowlist.allows([], allowlist.parse_origin("https://acme.com")) is False

    def test_missing_origin_is_refused(self) -> None:
        assert allowlist.allows(["acme.com"], allowlist.parse_origin(None)) is False
