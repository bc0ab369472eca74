"""Call recordings (`/sessions/{id}/recording`): a short-lived URL, or the file itself."""

from __future__ import annotations

from pathlib import Path
from typing import IO

from kataven._base import endpoint
from kataven._client import Progress
from kataven.resources._resource import AsyncResource, SyncResource, seg
from kataven.types import RecordingRead


class Recordings(SyncResource):
    @endpoint("GET", "/sessions/{session_id}/recording")
    def get(self, session_id: str) -> RecordingRead:
        """A URL that plays the recording for 5 minutes (`url`, `expires_at`,
        `content_type`, `duration_seconds`)."""
        result: RecordingRead = self._t.request("GET", f"/sessions/{seg(session_id)}/recording")
        return result

    def download(
        self, session_id: str, path: str | Path | IO[bytes], progress: Progress | None = None
    ) -> int:
        """Write the recording to `path` (or an open binary file); returns the bytes written.
        `progress(done, total)` is called after each chunk (`total` None when unknown)."""
        row = self.get(session_id)
        if isinstance(path, str | Path):
            with Path(path).open("wb") as out:
                return self._t.download(row["url"], out, progress)
        return self._t.download(row["url"], path, progress)


class AsyncRecordings(AsyncResource):
    @endpoint("GET", "/sessions/{session_id}/recording")
    async def get(self, session_id: str) -> RecordingRead:
        """A URL that plays the recording for 5 minutes (`url`, `expires_at`,
        `content_type`, `duration_seconds`)."""
        result: RecordingRead = await self._t.request(
            "GET", f"/sessions/{seg(session_id)}/recording"
        )
        return result

    async def download(
        self, session_id: str, path: str | Path | IO[bytes], progress: Progress | None = None
    ) -> int:
        """Write the recording to `path` (or an open binary file); returns the bytes written.
        `progress(done, total)` is called after each chunk (`total` None when unknown)."""
        row = await self.get(session_id)
        if isinstance(path, str | Path):
            with Path(path).open("wb") as out:  # noqa: ASYNC230 (a local file, opened once)
                return await self._t.download(row["url"], out, progress)
        return await self._t.download(row["url"], path, progress)
