"""Recording playback: `GET /api/v1/sessions/{id}/recording` (a short-lived URL) and, for the
local backend, the signed media route those URLs point at."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Query
from fastapi.responses import FileResponse

from kataven_hub.core.auth import PrincipalDep
from kataven_hub.core.errors import NotFound, errors_doc
from kataven_hub.core.sessions import TenantSessionDep, TransactionalRoute
from kataven_hub.recordings import service as recordings_service
from kataven_hub.recordings import storage
from kataven_hub.recordings.schemas import RecordingRead
from kataven_hub.recordings.service import PlaybackNotConfigured, RecordingNotReady

router = APIRouter(prefix="/sessions", tags=["Recordings"], route_class=TransactionalRoute)
media_router = APIRouter(tags=["Recordings"])


@router.get(
    "/{session_id}/recording",
    response_model=RecordingRead,
    responses=errors_doc(NotFound, RecordingNotReady, PlaybackNotConfigured),
)
async def get_recording(
    session_id: str, principal: PrincipalDep, session: TenantSessionDep
) -> dict[str, Any]:
    """A presigned URL that plays the session's recording for 5 minutes; fetch again when it
    lapses. 404 when the session has no recording, 409 while it is still being uploaded, 503
    when recording playback is not configured."""
    return await recordings_service.playback(session, session_id)


@media_router.get("/recordings/media/{account}/{filename}", include_in_schema=False)
async def recording_media(
    account: str,
    filename: str,
    expires: int = Query(ge=0, le=2**40),
    sig: str = Query(max_length=64),
) -> FileResponse:
    store = storage.get()
    path = None
    if isinstance(store, storage.LocalStorage):
        path = store.open(f"{account}/{filename}", expires, sig)
    if path is None:
        raise NotFound("Recording link invalid or expired")
    media_type = "audio/mpeg" if path.suffix == ".mp3" else "audio/wav"
    return FileResponse(
        path, media_type=media_type, headers={"Cache-Control": "private, max-age=300"}
    )
