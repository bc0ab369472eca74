"""KatavenClient and AsyncKatavenClient, and their transports: the only code that does I/O
(one request with its retries, the SSE stream with its reconnects, a download)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import IO, Any

import httpx

from kataven._base import (
    DEFAULT_MAX_RETRIES,
    DEFAULT_TIMEOUT,
    ClientConfig,
    RetryState,
    decode,
    idempotency_headers,
    url_for,
)
from kataven._errors import APIConnectionError, APITimeoutError, KatavenError, from_response
from kataven._streaming import CampaignEvent, SSEDecoder, campaign_event

# A multipart body built afresh for each attempt (a file is rewound); None: it cannot be replayed.
FilesFactory = Callable[[], dict[str, Any] | None]
Progress = Callable[[int, int | None], None]

_STREAM_READ_TIMEOUT = 60.0  # the server sends a heartbeat every 15 s


def _connection_error(exc: httpx.TransportError) -> APIConnectionError:
    try:
        request: httpx.Request | None = exc.request
    except RuntimeError:
        request = None
    if isinstance(exc, httpx.TimeoutException):
        return APITimeoutError(request=request)
    return APIConnectionError(str(exc) or type(exc).__name__, request=request)


class _Common:
    _config: ClientConfig
    _extra_headers: dict[str, str]

    def _setup(self, config: ClientConfig, own: bool) -> dict[str, str]:
        self._config = config
        # An http_client of the caller's keeps its own defaults: our headers go on each request.
        self._extra_headers = {} if own else config.headers()
        return config.headers()

    def _url(self, path: str) -> str:
        return self._config.base_url + url_for(path)

    def _stream_headers(self, last: str | None) -> dict[str, str]:
        headers = {**self._extra_headers, "Accept": "text/event-stream"}
        if last is not None:
            headers["Last-Event-ID"] = last
        return headers

    def _stream_timeout(self) -> httpx.Timeout:
        t = self._config.timeout
        base = t if isinstance(t, httpx.Timeout) else httpx.Timeout(t)
        return httpx.Timeout(
            connect=base.connect, read=max(base.read or 0.0, _STREAM_READ_TIMEOUT),
            write=base.write, pool=base.pool,
        )  # fmt: skip

    def _retry_state(self) -> RetryState:
        return RetryState(self._config.max_retries, self._config.retry)


class SyncTransport(_Common):
    def __init__(self, config: ClientConfig, http_client: httpx.Client | None) -> None:
        headers = self._setup(config, http_client is None)
        self._owns_http = http_client is None
        self._http = http_client or httpx.Client(headers=headers, timeout=config.timeout)

    def close(self) -> None:
        if self._owns_http:
            self._http.close()

    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: FilesFactory | None = None,
        data: dict[str, Any] | None = None,
    ) -> Any:
        url = self._url(path)
        headers = {**self._extra_headers, **idempotency_headers(method)}
        state: RetryState | None = None
        error: KatavenError | None = None
        while True:
            parts = files() if files is not None else None
            if files is not None and parts is None and error is not None:
                raise error  # an upload that cannot be replayed is not retried
            try:
                response = self._http.request(
                    method, url, params=params, json=json, files=parts, data=data, headers=headers
                )
            except httpx.TransportError as exc:
                error = _connection_error(exc)
            else:
                if response.is_success:
                    return decode(response)
                error = from_response(response)
            state = state or self._retry_state()
            wait = state.after_error(error)
            if wait is None:
                raise error
            time.sleep(wait)

    def events(self, path: str, last_event_id: str | None) -> Iterator[CampaignEvent]:
        url, last, state = self._url(path), last_event_id, self._retry_state()
        while True:
            decoder = SSEDecoder()
            try:
                with self._http.stream(
                    "GET", url, headers=self._stream_headers(last), timeout=self._stream_timeout()
                ) as response:
                    if not response.is_success:
                        response.read()
                        raise from_response(response)
                    got_any = False
                    for chunk in response.iter_bytes():
                        for sse in decoder.feed(chunk):
                            got_any = True
                            last = sse.id if sse.id is not None else last
                            state = self._retry_state()  # progress: failures count afresh
                            if sse.event == "reconnect":
                                break
                            yield campaign_event(sse)
                            if sse.event == "end":
                                return
                        else:
                            continue
                        break  # the server asked for a reconnect
                if got_any:
                    continue  # closed without `end`: resume after the last id
                raise APIConnectionError("The event stream closed without an event")
            except httpx.TransportError as exc:
                error: KatavenError = _connection_error(exc)
            except KatavenError as exc:
                error = exc
            wait = state.after_error(error)
            if wait is None:
                raise error
            time.sleep(wait)

    def download(
        self, url: str, out: IO[bytes], progress: Progress | None = None, *, api: bool = False
    ) -> int:
        """Stream a presigned URL into `out` (no API key is sent: the URL carries its own
        signature, and S3 refuses a second credential), or with `api=True` an API path (the
        key is sent)."""
        if api:  # an API path (`/campaigns/…/contacts.csv`): the key is sent
            request = self._http.build_request("GET", self._url(url), headers=self._extra_headers)
        else:
            request = self._http.build_request("GET", url)
            request.headers.pop("Authorization", None)
        response = self._http.send(request, stream=True)
        try:
            if not response.is_success:
                response.read()
                raise from_response(response)
            total = _length(response)
            written = 0
            for chunk in response.iter_bytes():
                out.write(chunk)
                written += len(chunk)
                if progress is not None:
                    progress(written, total)
            return written
        finally:
            response.close()


class AsyncTransport(_Common):
    def __init__(self, config: ClientConfig, http_client: httpx.AsyncClient | None) -> None:
        headers = self._setup(config, http_client is None)
        self._owns_http = http_client is None
        self._http = http_client or httpx.AsyncClient(headers=headers, timeout=config.timeout)

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        json: Any = None,
        files: FilesFactory | None = None,
        data: dict[str, Any] | None = None,
    ) -> Any:
        url = self._url(path)
        headers = {**self._extra_headers, **idempotency_headers(method)}
        state: RetryState | None = None
        error: KatavenError | None = None
        while True:
            parts = files() if files is not None else None
            if files is not None and parts is None and error is not None:
                raise error  # an upload that cannot be replayed is not retried
            try:
                response = await self._http.request(
                    method, url, params=params, json=json, files=parts, data=data, headers=headers
                )
            except httpx.TransportError as exc:
                error = _connection_error(exc)
            else:
                if response.is_success:
                    return decode(response)
                error = from_response(response)
            state = state or self._retry_state()
            wait = state.after_error(error)
            if wait is None:
                raise error
            await asyncio.sleep(wait)

    async def events(self, path: str, last_event_id: str | None) -> AsyncIterator[CampaignEvent]:
        url, last, state = self._url(path), last_event_id, self._retry_state()
        while True:
            decoder = SSEDecoder()
            try:
                async with self._http.stream(
                    "GET", url, headers=self._stream_headers(last), timeout=self._stream_timeout()
                ) as response:
                    if not response.is_success:
                        await response.aread()
                        raise from_response(response)
                    reconnect = got_any = False
                    async for chunk in response.aiter_bytes():
                        for sse in decoder.feed(chunk):
                            got_any = True
                            last = sse.id if sse.id is not None else last
                            state = self._retry_state()
                            if sse.event == "reconnect":
                                reconnect = True
                                break
                            yield campaign_event(sse)
                            if sse.event == "end":
                                return
                        if reconnect:
                            break
                if got_any:
                    continue
                raise APIConnectionError("The event stream closed without an event")
            except httpx.TransportError as exc:
                error: KatavenError = _connection_error(exc)
            except KatavenError as exc:
                error = exc
            wait = state.after_error(error)
            if wait is None:
                raise error
            await asyncio.sleep(wait)

    async def download(
        self, url: str, out: IO[bytes], progress: Progress | None = None, *, api: bool = False
    ) -> int:
        if api:  # an API path (`/campaigns/…/contacts.csv`): the key is sent
            request = self._http.build_request("GET", self._url(url), headers=self._extra_headers)
        else:
            request = self._http.build_request("GET", url)
            request.headers.pop("Authorization", None)
        response = await self._http.send(request, stream=True)
        try:
            if not response.is_success:
                await response.aread()
                raise from_response(response)
            total = _length(response)
            written = 0
            async for chunk in response.aiter_bytes():
                out.write(chunk)
                written += len(chunk)
                if progress is not None:
                    progress(written, total)
            return written
        finally:
            await response.aclose()


def _length(response: httpx.Response) -> int | None:
    value = response.headers.get("content-length")
    return int(value) if value is not None and value.isdigit() else None


# ---- the clients ---------------------------------------------------------------------------------


class KatavenClient:
    """The Hub API, synchronously. Every method is one HTTP call and returns the API's JSON.

    `api_key` falls back to `KATAVEN_API_KEY`, `base_url` to `KATAVEN_BASE_URL`, then
    http://localhost:8081. Connection errors and 5xx are retried `max_retries` times; a 429 only
    with `retry=True`. Use it as a context manager (or call `close()`): it holds one
    connection pool.
    """

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry: bool = False,
        http_client: httpx.Client | None = None,
    ) -> None:
        from kataven import resources as r

        self._config = ClientConfig.resolve(api_key, base_url, timeout, max_retries, retry)
        self._transport = SyncTransport(self._config, http_client)
        t = self._transport
        self.agents = r.Agents(t)
        self.tools = r.Tools(t)
        self.playbooks = r.Playbooks(t)
        self.faqs = r.Faqs(t)
        self.marketplace = r.Marketplace(t)
        self.integrations = r.Integrations(t)
        self.telephony = r.Telephony(t)
        self.calls = r.Calls(t)
        self.recordings = r.Recordings(t)
        self.campaigns = r.Campaigns(t)
        self.call_limits = r.CallLimits(t)
        self.api_keys = r.ApiKeys(t)
        self.widget_keys = r.WidgetKeys(t)
        self.widget_settings = r.WidgetSettings(t)
        self.widget_auth = r.WidgetAuth(t)
        self.webhook_endpoints = r.WebhookEndpoints(t)
        self.audit_events = r.AuditEvents(t)
        self.usage = r.Usage(t)
        self.dnc = r.Dnc(t)

    @property
    def base_url(self) -> str:
        return self._config.base_url

    def close(self) -> None:
        self._transport.close()

    def __enter__(self) -> KatavenClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class AsyncKatavenClient:
    """The Hub API with `await`: the same resources and methods as `KatavenClient`."""

    def __init__(
        self,
        api_key: str | None = None,
        *,
        base_url: str | None = None,
        timeout: float | httpx.Timeout = DEFAULT_TIMEOUT,
        max_retries: int = DEFAULT_MAX_RETRIES,
        retry: bool = False,
        http_client: httpx.AsyncClient | None = None,
    ) -> None:
        from kataven import resources as r

        self._config = ClientConfig.resolve(api_key, base_url, timeout, max_retries, retry)
        self._transport = AsyncTransport(self._config, http_client)
        t = self._transport
        self.agents = r.AsyncAgents(t)
        self.tools = r.AsyncTools(t)
        self.playbooks = r.AsyncPlaybooks(t)
        self.faqs = r.AsyncFaqs(t)
        self.marketplace = r.AsyncMarketplace(t)
        self.integrations = r.AsyncIntegrations(t)
        self.telephony = r.AsyncTelephony(t)
        self.calls = r.AsyncCalls(t)
        self.recordings = r.AsyncRecordings(t)
        self.campaigns = r.AsyncCampaigns(t)
        self.call_limits = r.AsyncCallLimits(t)
        self.api_keys = r.AsyncApiKeys(t)
        self.widget_keys = r.AsyncWidgetKeys(t)
        self.widget_settings = r.AsyncWidgetSettings(t)
        self.widget_auth = r.AsyncWidgetAuth(t)
        self.webhook_endpoints = r.AsyncWebhookEndpoints(t)
        self.audit_events = r.AsyncAuditEvents(t)
        self.usage = r.AsyncUsage(t)
        self.dnc = r.AsyncDnc(t)

    @property
    def base_url(self) -> str:
        return self._config.base_url

    async def close(self) -> None:
        await self._transport.close()

    async def __aenter__(self) -> AsyncKatavenClient:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()
