from __future__ import annotations

import secrets
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from kataven import AsyncKatavenClient, KatavenClient
from sdk_support import Hub, start_hub, stop, unique_e164


@pytest.fixture(scope="session")
def hub(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Hub]:
    """One real `kataven-hub api` (embedded default: SQLite, in-process) for the session."""
    server = start_hub(tmp_path_factory.mktemp("hub"))
    try:
        yield server
    finally:
        stop(server.process)


@pytest.fixture(scope="session")
def api_key(hub: Hub) -> str:
    return hub.new_account("sdk")


@pytest.fixture
def fresh_key(hub: Hub) -> str:
    """A new account of its own (for tests that count rows)."""
    return hub.new_account("t" + secrets.token_hex(4))


@pytest.fixture
def client(hub: Hub, api_key: str) -> Iterator[KatavenClient]:
    with KatavenClient(api_key, base_url=hub.url) as c:
        yield c


@pytest.fixture
async def aclient(hub: Hub, api_key: str) -> AsyncIterator[AsyncKatavenClient]:
    async with AsyncKatavenClient(api_key, base_url=hub.url) as c:
        yield c


@pytest.fixture
def csv_path(tmp_path: Path) -> Path:
    path = tmp_path / "leads.csv"
    path.write_text("phone_number,name\n" + "".join(f"{unique_e164()},n{i}\n" for i in range(6)))
    return path
