"""Server-Sent Events: an incremental decoder (bytes in, events out) and the campaign event."""

from __future__ import annotations

import codecs
import json
from dataclasses import dataclass
from typing import Any

__all__ = ["CampaignEvent", "SSEDecoder", "ServerSentEvent"]


@dataclass(frozen=True)
class ServerSentEvent:
    """One dispatched event as the SSE specification defines it (`event` defaults to
    "message"; `data` lines are joined with newlines; `id` when this event carried one)."""

    event: str
    data: str
    id: str | None
    retry: int | None = None


@dataclass(frozen=True)
class CampaignEvent:
    """One event of `campaigns.stream_events`: `event` is `contact`, `status`, `message` (a
    progress snapshot, no id) or `end`; `data` is the parsed JSON."""

    id: str | None
    event: str
    data: Any


class SSEDecoder:
    """Feed it chunks as they arrive, split anywhere (even inside a CRLF); it returns the
    events completed so far. Comments (`: heartbeat`) are dropped."""

    def __init__(self) -> None:
        self._buffer = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")(errors="replace")
        self._pending_cr = False
        self._data: list[str] = []
        self._event = ""
        self._id: str | None = None
        self.last_id: str | None = None  # the stream's last event ID (for Last-Event-ID)
        self._retry: int | None = None

    def feed(self, chunk: bytes | str) -> list[ServerSentEvent]:
        text = self._decoder.decode(chunk) if isinstance(chunk, bytes) else chunk
        if self._pending_cr and text.startswith("\n"):
            text = text[1:]
        self._pending_cr = False
        self._buffer += text
        events: list[ServerSentEvent] = []
        while True:
            cut = _line_end(self._buffer)
            if cut is None:
                break
            end, width = cut
            line = self._buffer[:end]
            if width == 1 and self._buffer[end] == "\r" and end + 1 == len(self._buffer):
                self._pending_cr = True  # a CR at the end of a chunk may be half a CRLF
            self._buffer = self._buffer[end + width :]
            event = self._line(line)
            if event is not None:
                events.append(event)
        return events

    def _line(self, line: str) -> ServerSentEvent | None:
        if line == "":
            return self._dispatch()
        if line.startswith(":"):
            return None
        field, sep, value = line.partition(":")
        if sep and value.startswith(" "):
            value = value[1:]
        if field == "data":
            self._data.append(value)
        elif field == "event":
            self._event = value
        elif field == "id":
            if "\0" not in value:
                self._id = value
                self.last_id = value
        elif field == "retry" and value.isdigit():
            self._retry = int(value)
        return None

    def _dispatch(self) -> ServerSentEvent | None:
        if not self._data and not self._event:
            self._event, self._id = "", None
            return None
        event = ServerSentEvent(
            event=self._event or "message",
            data="\n".join(self._data),
            id=self._id,
            retry=self._retry,
        )
        self._data, self._event, self._id, self._retry = [], "", None, None
        return event


def _line_end(buffer: str) -> tuple[int, int] | None:
    """Position and width of the first line terminator (CRLF, LF or CR)."""
    for i, ch in enumerate(buffer):
        if ch == "\n":
            return i, 1
        if ch == "\r":
            if i + 1 < len(buffer) and buffer[i + 1] == "\n":
                return i, 2
            return i, 1
    return None


def campaign_event(event: ServerSentEvent) -> CampaignEvent:
    """The typed campaign event (`id` only on events that carried one)."""
    try:
        data: Any = json.loads(event.data) if event.data else None
    except ValueError:
        data = event.data
    return CampaignEvent(id=event.id, event=event.event, data=data)
