"""The sandbox carrier's status callbacks: a delivery that failed for a passing reason is sent
again (as carriers retry failed webhooks); a refusal is not."""

from __future__ import annotations

import pytest
from kataven_hub.carriers import sandbox
from kataven_hub.carriers.base import CallbackUrls
from kataven_hub.core.errors import Forbidden


def _live() -> sandbox._Live:
    urls = CallbackUrls("http://hub.test/sandbox/status?session=s", "http://hub.test/voice")
    return sandbox._Live({"auth_token": "t" * 32}, "SB1", urls, "+12025550100", "+14155550100")


@pytest.fixture
def deliveries(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.setattr(sandbox, "_RETRY_PAUSES", (0.0, 0.0, 0.0))
    seen: list[str] = []
    monkeypatch.setattr(sandbox, "_deliver", None)
    return seen


async def test_a_failed_callback_is_sent_again(
    monkeypatch: pytest.MonkeyPatch, deliveries: list[str]
) -> None:
    async def flaky(provider: str, url: str, params: dict, headers: dict) -> None:
        deliveries.append(params["CallStatus"])
        if len(deliveries) < 3:
            raise ConnectionRefusedError("database momentarily unreachable")

    monkeypatch.setattr(sandbox, "_deliver", flaky)
    await _live().report("completed", CallDuration="3")
    assert deliveries == ["completed"] * 3


async def test_a_refused_callback_is_not_sent_again(
    monkeypatch: pytest.MonkeyPatch, deliveries: list[str]
) -> None:
    async def refusing(provider: str, url: str, params: dict, headers: dict) -> None:
        deliveries.append(params["CallStatus"])
        raise Forbidden("no")

    monkeypatch.setattr(sandbox, "_deliver", refusing)
    with pytest.raises(Forbidden):
        await _live().report("ringing")
    assert deliveries == ["ringing"]


async def test_it_gives_up_after_the_last_attempt(
    monkeypatch: pytest.MonkeyPatch, deliveries: list[str]
) -> None:
    async def down(provider: str, url: str, params: dict, headers: dict) -> None:
        deliveries.append(params["CallStatus"])
        raise ConnectionRefusedError("down")

    monkeypatch.setattr(sandbox, "_deliver", down)
    with pytest.raises(ConnectionRefusedError):
        await _live().report("ringing")
    assert deliveries == ["ringing"] * 4
