"""The SDK against `httpx.MockTransport`: errors, the retry schedule, idempotency keys, SSE."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import httpx
import kataven
import pytest
from kataven import (
    APIConnectionError,
    APIStatusError,
    AsyncKatavenClient,
    KatavenClient,
)
from kataven._base import RetryState, backoff
from kataven._streaming import SSEDecoder

Handler = Callable[[httpx.Request], httpx.Response]


def sync_client(handler: Handler, **kw: Any) -> KatavenClient:
    http = httpx.Client(transport=httpx.MockTransport(handler))
    return KatavenClient("sk_test", base_url="http://hub.test", http_client=http, **kw)


def problem(status: int, code: str, detail: str, **headers: str) -> httpx.Response:
    body = {"type": "x", "title": "t", "status": status, "detail": detail, "code": code,
            "request_id": "req-1"}  # fmt: skip
    return httpx.Response(
        status, json=body, headers={"content-type": "application/problem+json", **headers}
    )


@pytest.fixture
def sleeps(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    slept: list[float] = []
    monkeypatch.setattr("kataven._client.time.sleep", slept.append)

    async def asleep(seconds: float) -> None:
        slept.append(seconds)

    monkeypatch.setattr("kataven._client.asyncio.sleep", asleep)
    return slept


class TestErrors:
    @pytest.mark.parametrize(
        ("status", "code", "cls"),
        [
            (400, "invalid_request", kataven.BadRequestError),
            (401, "unauthorized", kataven.AuthenticationError),
            (403, "forbidden", kataven.PermissionDeniedError),
            (404, "not_found", kataven.NotFoundError),
            (409, "conflict", kataven.ConflictError),
            (413, "payload_too_large", kataven.PayloadTooLargeError),
            (422, "idempotency_key_reused", kataven.UnprocessableEntityError),
            (429, "rate_limited", kataven.RateLimitError),
            (429, "call_limit_reached", kataven.CostCapError),
            (503, "service_unavailable", kataven.ServiceUnavailableError),
            (500, "internal_error", kataven.InternalServerError),
            (502, "bad_gateway", kataven.InternalServerError),
            (418, "teapot", APIStatusError),
        ],
    )
    def test_each_status_has_its_class(
        self, status: int, code: str, cls: type[APIStatusError], sleeps: list[float]
    ) -> None:
        c = sync_client(
            lambda r: problem(status, code, "the server's words", **{"Retry-After": "7"})
        )
        with pytest.raises(cls) as info:
            c.agents.get("a1")
        err = info.value
        assert type(err) is cls
        assert (err.status_code, err.code, err.request_id) == (status, code, "req-1")
        assert err.message == "the server's words"
        assert isinstance(err.body, dict)
        assert isinstance(err, kataven.KatavenError)
        if isinstance(err, kataven.RateLimitError):
            assert err.retry_after == 7.0

    def test_plain_text_answer(self) -> None:
        def handler(r: httpx.Request) -> httpx.Response:
            return httpx.Response(404, text="Agent not found", headers={"x-request-id": "r9"})

        with pytest.raises(kataven.NotFoundError) as info:
            sync_client(handler).agents.get("a1")
        assert (info.value.message, info.value.code, info.value.request_id) == (
            "Agent not found", None, "r9",
        )  # fmt: skip

    def test_sends_key_and_asks_for_json(self) -> None:
        seen: list[httpx.Request] = []

        def handler(r: httpx.Request) -> httpx.Response:
            seen.append(r)
            return httpx.Response(200, json={"id": "a1"})

        assert sync_client(handler).agents.get("a/1") == {"id": "a1"}
        assert seen[0].headers["authorization"] == "Bearer sk_test"
        assert "application/json" in seen[0].headers["accept"]
        assert seen[0].url.raw_path == b"/api/v1/agents/a%2F1"
        assert "idempotency-key" not in seen[0].headers

    def test_key_from_environment_and_missing_key(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("KATAVEN_API_KEY", "sk_env")
        monkeypatch.setenv("KATAVEN_BASE_URL", "http://env.test/")
        c = KatavenClient()
        assert c.base_url == "http://env.test"
        c.close()
        monkeypatch.delenv("KATAVEN_API_KEY")
        monkeypatch.delenv("KATAVEN_BASE_URL")
        with pytest.raises(kataven.KatavenError, match="KATAVEN_API_KEY"):
            KatavenClient()


class TestRetries:
    def test_5xx_retried_with_one_idempotency_key(self, sleeps: list[float]) -> None:
        seen: list[httpx.Request] = []

        def handler(r: httpx.Request) -> httpx.Response:
            seen.append(r)
            if len(seen) < 3:
                return problem(503, "service_unavailable", "down")
            return httpx.Response(201, json={"id": "a1"})

        assert sync_client(handler).agents.create(name="x") == {"id": "a1"}
        keys = {r.headers["idempotency-key"] for r in seen}
        assert len(seen) == 3
        assert len(keys) == 1
        assert len(sleeps) == 2
        assert 0.25 <= sleeps[0] <= 0.5
        assert 0.5 <= sleeps[1] <= 1.0

    def test_each_call_has_its_own_key(self) -> None:
        keys: list[str] = []

        def handler(r: httpx.Request) -> httpx.Response:
            keys.append(r.headers["idempotency-key"])
            return httpx.Response(201, json={})

        c = sync_client(handler)
        c.agents.create(name="a")
        c.agents.create(name="a")
        c.agents.delete("x")
        assert len(set(keys)) == 3

    def test_gives_up_after_max_retries(self, sleeps: list[float]) -> None:
        calls = []

        def handler(r: httpx.Request) -> httpx.Response:
            calls.append(r)
            return problem(500, "internal_error", "boom")

        with pytest.raises(kataven.InternalServerError):
            sync_client(handler, max_retries=3).agents.list()
        assert len(calls) == 4
        assert len(sleeps) == 3

    def test_retry_after_is_honoured_on_503(self, sleeps: list[float]) -> None:
        answers = [problem(503, "service_unavailable", "x", **{"Retry-After": "3"})]

        def handler(r: httpx.Request) -> httpx.Response:
            return answers.pop() if answers else httpx.Response(200, json=[])

        assert sync_client(handler).agents.list() == []
        assert 3.0 <= sleeps[0] <= 3.1

    def test_connection_errors_retried_then_raised(self, sleeps: list[float]) -> None:
        calls = []

        def handler(r: httpx.Request) -> httpx.Response:
            calls.append(r)
            raise httpx.ConnectError("refused", request=r)

        with pytest.raises(APIConnectionError, match="refused"):
            sync_client(handler).agents.list()
        assert len(calls) == 3

    def test_timeout_is_api_timeout_error(self, sleeps: list[float]) -> None:
        def handler(r: httpx.Request) -> httpx.Response:
            raise httpx.ReadTimeout("slow", request=r)

        with pytest.raises(kataven.APITimeoutError):
            sync_client(handler, max_retries=0).agents.list()

    def test_4xx_never_retried(self, sleeps: list[float]) -> None:
        calls = []

        def handler(r: httpx.Request) -> httpx.Response:
            calls.append(r)
            return problem(400, "invalid_request", "bad")

        with pytest.raises(kataven.BadRequestError):
            sync_client(handler).agents.create(name="")
        assert (len(calls), sleeps) == (1, [])

    def test_429_not_retried_without_retry_flag(self, sleeps: list[float]) -> None:
        calls = []

        def handler(r: httpx.Request) -> httpx.Response:
            calls.append(r)
            return problem(429, "rate_limited", "per-minute", **{"Retry-After": "5"})

        with pytest.raises(kataven.RateLimitError) as info:
            sync_client(handler).agents.list()
        assert info.value.retry_after == 5.0
        assert (len(calls), sleeps) == (1, [])

    def test_429_with_retry_sleeps_retry_after_plus_jitter_three_times(
        self, sleeps: list[float]
    ) -> None:
        calls = []

        def handler(r: httpx.Request) -> httpx.Response:
            calls.append(r)
            return problem(429, "rate_limited", "per-minute", **{"Retry-After": "5"})

        with pytest.raises(kataven.RateLimitError):
            sync_client(handler, retry=True).agents.create(name="x")
        assert len(calls) == 4
        assert len({r.headers["idempotency-key"] for r in calls}) == 1
        assert len(sleeps) == 3
        assert all(5.0 <= s <= 5.5 for s in sleeps)

    def test_429_with_retry_then_success(self, sleeps: list[float]) -> None:
        answers = [problem(429, "call_limit_reached", "cap", **{"Retry-After": "2"})]

        def handler(r: httpx.Request) -> httpx.Response:
            return answers.pop() if answers else httpx.Response(200, json={"session_id": "s"})

        c = sync_client(handler, retry=True)
        assert c.calls.originate("+1", "+2", "a")["session_id"] == "s"
        assert 2.0 <= sleeps[0] <= 2.2

    def test_in_flight_409_is_retried(self, sleeps: list[float]) -> None:
        answers = [problem(409, "idempotency_in_flight", "in flight")]

        def handler(r: httpx.Request) -> httpx.Response:
            return answers.pop() if answers else httpx.Response(201, json={"id": "a"})

        assert sync_client(handler).agents.create(name="x") == {"id": "a"}
        assert len(sleeps) == 1

    def test_backoff_schedule_is_exponential_and_capped(self) -> None:
        top = [backoff(n, lambda a, b: b) for n in range(1, 8)]
        low = [backoff(n, lambda a, b: a) for n in range(1, 8)]
        assert top == [0.5, 1.0, 2.0, 4.0, 8.0, 8.0, 8.0]
        assert low == [0.25, 0.5, 1.0, 2.0, 4.0, 4.0, 4.0]
        state = RetryState(1, False)
        assert state.after_error(kataven.APIConnectionError("x")) is not None
        assert state.after_error(kataven.APIConnectionError("x")) is None

    async def test_async_client_retries_with_one_key(self, sleeps: list[float]) -> None:
        seen: list[httpx.Request] = []

        def handler(r: httpx.Request) -> httpx.Response:
            seen.append(r)
            if len(seen) == 1:
                raise httpx.ReadError("reset", request=r)
            return httpx.Response(201, json={"id": "t"})

        http = httpx.AsyncClient(transport=httpx.MockTransport(handler))
        async with AsyncKatavenClient("k", base_url="http://hub.test", http_client=http) as c:
            assert await c.tools.create(name="t", category="custom") == {"id": "t"}
        await http.aclose()
        assert len(seen) == 2
        assert seen[0].headers["idempotency-key"] == seen[1].headers["idempotency-key"]
        assert json.loads(seen[1].content) == {"name": "t", "category": "custom"}


class TestSSEDecoder:
    STREAM = (
        b": heartbeat\r\n\r\n"
        b'id: 1\r\nevent: status\r\ndata: {"status": "running"}\r\n\r\n'
        b'data: {"progress": 0.5,\n'
        b'data: "total": 2}\n\n'
        b'id: 2\nevent: contact\ndata:{"n": "\xc3\xa9"}\n\n'
        b"event: end\rdata: {}\r\r"
    )

    def expected(self) -> list[tuple[str | None, str, str]]:
        return [
            ("1", "status", '{"status": "running"}'),
            (None, "message", '{"progress": 0.5,\n"total": 2}'),
            ("2", "contact", '{"n": "é"}'),
            (None, "end", "{}"),
        ]

    def test_whole(self) -> None:
        events = SSEDecoder().feed(self.STREAM)
        assert [(e.id, e.event, e.data) for e in events] == self.expected()

    @pytest.mark.parametrize("size", [1, 2, 3, 5, 7, 13])
    def test_split_anywhere(self, size: int) -> None:
        decoder = SSEDecoder()
        events = []
        for i in range(0, len(self.STREAM), size):
            events += decoder.feed(self.STREAM[i : i + size])
        assert [(e.id, e.event, e.data) for e in events] == self.expected()
        assert decoder.last_id == "2"

    def test_comment_only_and_retry_field(self) -> None:
        decoder = SSEDecoder()
        assert decoder.feed(b": only a comment\n\n") == []
        (event,) = decoder.feed(b"retry: 3000\ndata: x\n\n")
        assert (event.retry, event.data, event.event) == (3000, "x", "message")


class TestStreamReconnect:
    def test_dropped_stream_resumes_with_last_event_id(self, sleeps: list[float]) -> None:
        seen: list[httpx.Request] = []

        class Cut(httpx.SyncByteStream):
            def __iter__(self):  # type: ignore[no-untyped-def]
                yield b'id: 1\nevent: status\ndata: {"status": "running"}\n\n'
                yield b'id: 2\nevent: contact\ndata: {"n": 1}\n\nid: 3\nevent: con'
                raise httpx.RemoteProtocolError("peer closed connection")

        def handler(r: httpx.Request) -> httpx.Response:
            seen.append(r)
            if len(seen) == 1:
                return httpx.Response(
                    200, stream=Cut(), headers={"content-type": "text/event-stream"}
                )
            body = (
                b'id: 3\nevent: contact\ndata: {"n": 2}\n\n'
                b'id: 4\nevent: status\ndata: {"status": "completed"}\n\n'
                b'event: end\ndata: {"status": "completed"}\n\n'
                b'id: 5\nevent: contact\ndata: {"never": true}\n\n'
            )
            return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

        events = list(sync_client(handler).campaigns.stream_events("c1"))
        assert [e.id for e in events] == ["1", "2", "3", "4", None]
        assert events[-1].event == "end"
        assert events[2].data == {"n": 2}
        assert "last-event-id" not in seen[0].headers
        assert seen[1].headers["last-event-id"] == "2"
        assert seen[0].headers["accept"] == "text/event-stream"

    def test_reconnect_event_resumes(self) -> None:
        seen: list[httpx.Request] = []

        def handler(r: httpx.Request) -> httpx.Response:
            seen.append(r)
            if len(seen) == 1:
                body = (
                    b"id: 7\nevent: contact\ndata: {}\n\n"
                    b'event: reconnect\ndata: {"last_event_id": 7}\n\n'
                )
            else:
                body = b'event: end\ndata: {"status": "failed"}\n\n'
            return httpx.Response(200, content=body, headers={"content-type": "text/event-stream"})

        events = list(sync_client(handler).campaigns.stream_events("c1", last_event_id="6"))
        assert [e.event for e in events] == ["contact", "end"]
        assert [r.headers["last-event-id"] for r in seen] == ["6", "7"]

    def test_stream_404_raises(self) -> None:
        def handler(r: httpx.Request) -> httpx.Response:
            return problem(404, "not_found", "Campaign not found")

        with pytest.raises(kataven.NotFoundError, match="Campaign not found"):
            list(sync_client(handler).campaigns.stream_events("c1"))


class TestPagingAndUploads:
    def test_iter_walks_every_page(self) -> None:
        offsets: list[str] = []

        def handler(r: httpx.Request) -> httpx.Response:
            offset = int(r.url.params["offset"])
            offsets.append(r.url.params["offset"])
            rows = [{"name": f"t{i}"} for i in range(offset, min(offset + 2, 5))]
            has_next = offset + 2 < 5
            nxt = offset + 2 if has_next else None
            envelope = {"tools": rows, "total": 5, "has_next": has_next, "next_offset": nxt}
            return httpx.Response(200, json=envelope)

        names = [t["name"] for t in sync_client(handler).tools.iter(page_size=2)]
        assert names == ["t0", "t1", "t2", "t3", "t4"]
        assert offsets == ["0", "2", "4"]

    def test_contacts_upload_rewinds_a_file_on_retry(
        self, sleeps: list[float], tmp_path: Any
    ) -> None:
        bodies: list[bytes] = []

        def handler(r: httpx.Request) -> httpx.Response:
            bodies.append(r.read())
            if len(bodies) == 1:
                return problem(502, "bad_gateway", "x")
            return httpx.Response(201, json={"id": "c"})

        path = tmp_path / "l.csv"
        path.write_bytes(b"phone_number\n+14155550100\n")
        with path.open("rb") as f:
            sync_client(handler).campaigns.create("n", "a", "p", f, max_concurrent_calls=2)
        assert len(bodies) == 2
        assert all(b"+14155550100" in b and b'name="max_concurrent_calls"' in b for b in bodies)
        with pytest.raises(TypeError, match="binary"), path.open("r") as text:
            sync_client(handler).campaigns.create("n", "a", "p", text)  # type: ignore[arg-type]

    def test_unseekable_upload_is_sent_once(self, sleeps: list[float]) -> None:
        bodies: list[bytes] = []

        class Pipe(io.RawIOBase):
            def __init__(self) -> None:
                self.data = io.BytesIO(b"phone_number\n+14155550100\n")

            def readable(self) -> bool:
                return True

            def seekable(self) -> bool:
                return False

            def readinto(self, buffer: Any) -> int:
                chunk = self.data.read(len(buffer))
                buffer[: len(chunk)] = chunk
                return len(chunk)

        def handler(r: httpx.Request) -> httpx.Response:
            bodies.append(r.read())
            return problem(503, "service_unavailable", "down")

        with pytest.raises(kataven.ServiceUnavailableError):
            sync_client(handler).campaigns.create("n", "a", "p", Pipe())  # type: ignore[arg-type]
        assert len(bodies) == 1
        assert b"+14155550100" in bodies[0]
