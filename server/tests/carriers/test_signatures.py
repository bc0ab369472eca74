from __future__ import annotations

import pytest
from kataven_hub.carriers.signatures import (
    plivo_v3_signature,
    plivo_v3_valid,
    twilio_signature,
    twilio_valid,
)
from plivo.utils.signature_v3 import validate_v3_signature

TWILIO_URL = "https://mycompany.com/myapp.php?foo=1&bar=2"
TWILIO_PARAMS = {
    "CallSid": "CA1234567890ABCDE",
    "Caller": "+14158675309",
    "Digits": "1234",
    "From": "+14158675309",
    "To": "+18005551212",
}


class TestTwilio:
    def test_known_vector(self) -> None:
        # The example from Twilio's request-validation documentation and SDK tests.
        assert (
            twilio_signature("12345", TWILIO_URL, TWILIO_PARAMS) == "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        )

    def test_valid_and_invalid(self) -> None:
        good = "RSOYDt4T1cUTdK1PDd93/VVr8B8="
        assert twilio_valid("12345", TWILIO_URL, TWILIO_PARAMS, good)
        assert not twilio_valid("12346", TWILIO_URL, TWILIO_PARAMS, good)
        assert not twilio_valid("12345", TWILIO_URL + "&x=1", TWILIO_PARAMS, good)
        assert not twilio_valid("12345", TWILIO_URL, {**TWILIO_PARAMS, "Digits": "1"}, good)
        assert not twilio_valid("12345", TWILIO_URL, TWILIO_PARAMS, None)
        assert not twilio_valid("", TWILIO_URL, TWILIO_PARAMS, good)


class TestPlivoV3:
    @pytest.mark.parametrize(
        ("url", "params"),
        [
            (
                "https://hub.example/plivo/status?account=acme&session=sess_1",
                {"CallUUID": "u1", "CallStatus": "ringing"},
            ),
            (
                "https://hub.example/plivo/status",
                {"To": "14155550100", "From": "12025550123", "Event": "Hangup"},
            ),
            ("https://hub.example/plivo/voice?b=2&a=1", {}),
            ("https://hub.example/plivo/voice", {}),
        ],
    )
    def test_matches_plivo_sdk(self, url: str, params: dict[str, str]) -> None:
        token, nonce = "MjA2OGI4NjA3ZDBjYWE2NGYxNmQ2ZjRkM2VjNjQ0", "12345678901234567890"
        signature = plivo_v3_signature(token, url, params, nonce)
        assert validate_v3_signature("POST", url, nonce, token, signature, dict(params))
        assert plivo_v3_valid(token, url, params, nonce, signature)

    def test_rotated_tokens_and_rejections(self) -> None:
        url, params, nonce = "https://hub.example/plivo/status", {"CallStatus": "busy"}, "42"
        good = plivo_v3_signature("token-a", url, params, nonce)
        assert plivo_v3_valid("token-a", url, params, nonce, f"bogus,{good}")
        assert not plivo_v3_valid("token-b", url, params, nonce, good)
        assert not plivo_v3_valid("token-a", url, params, "43", good)
        assert not plivo_v3_valid("token-a", url, {"CallStatus": "completed"}, nonce, good)
        assert not plivo_v3_valid("token-a", url, params, None, good)
