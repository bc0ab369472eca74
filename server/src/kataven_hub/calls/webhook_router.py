"""Carrier webhooks at the root path: `/{twilio,plivo,vobiz}/voice`, `/{…}/status` and
`/{…}/recording`."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import APIRouter, Request, Response

from kataven_hub.calls import webhooks
from kataven_hub.calls.webhooks import WebhookRejected
from kataven_hub.carriers.registry import REAL_PROVIDERS
from kataven_hub.core.errors import errors_doc

router = APIRouter(tags=["Carrier webhooks"])
_MAX_FIELDS = 200


async def _form(request: Request) -> dict[str, str]:
    form = await request.form(max_files=0, max_fields=_MAX_FIELDS)
    return {k: v for k, v in form.items() if isinstance(v, str)}


def _status_route(provider: str) -> Callable[[Request], Awaitable[Response]]:
    async def carrier_status(request: Request) -> Response:
        url = webhooks.signed_url(request.url.path, request.url.query)
        await webhooks.handle_status(provider, url, await _form(request), request.headers)
        return Response(status_code=204)

    carrier_status.__name__ = f"{provider}_status"
    carrier_status.__doc__ = (
        f"Call status callbacks from {provider.title()} (signed). Applied idempotently and in "
        "any order; a forged, tampered or replayed request is a 403 and changes nothing. Set "
        "it as the number's call status URL (Plivo, Vobiz: the application's hangup URL) so "
        "inbound calls are tracked too."
    )
    return carrier_status


def _recording_route(provider: str) -> Callable[[Request], Awaitable[Response]]:
    async def carrier_recording(request: Request) -> Response:
        url = webhooks.signed_url(request.url.path, request.url.query)
        await webhooks.handle_recording(provider, url, await _form(request), request.headers)
        return Response(status_code=204)

    carrier_recording.__name__ = f"{provider}_recording"
    carrier_recording.__doc__ = (
        f"Recording callbacks from {provider.title()} (signed) for the recordings our answer "
        "documents ask for; the file is then fetched through the carrier's API. A forged or "
        "tampered request is a 403 and changes nothing."
    )
    return carrier_recording


def _voice_route(provider: str) -> Callable[[Request], Awaitable[Response]]:
    async def carrier_voice(request: Request) -> Response:
        url = webhooks.signed_url(request.url.path, request.url.query)
        body, media_type = await webhooks.handle_voice(
            provider, url, await _form(request), request.headers
        )
        return Response(body, media_type=media_type)

    carrier_voice.__name__ = f"{provider}_voice"
    carrier_voice.__doc__ = (
        f"Voice webhook for {provider.title()} numbers: set it as the number's voice URL. "
        "Connects the caller to the pinned agent (a call with its own `session_id`, listed under "
        "`/api/v1/calls` with direction `inbound`, recorded when recording is on); busy when "
        "the number is detached or the agent is inactive; rejects numbers that are not "
        "registered."
    )
    return carrier_voice


for _provider in REAL_PROVIDERS:
    router.add_api_route(
        f"/{_provider}/status",
        _status_route(_provider),
        methods=["POST"],
        status_code=204,
        responses=errors_doc(WebhookRejected),
    )
    router.add_api_route(
        f"/{_provider}/recording",
        _recording_route(_provider),
        methods=["POST"],
        status_code=204,
        responses=errors_doc(WebhookRejected),
    )
    router.add_api_route(
        f"/{_provider}/voice",
        _voice_route(_provider),
        methods=["POST"],
        response_class=Response,
        responses={
            200: {
                "description": "TwiML (Twilio) or Plivo XML (Plivo, Vobiz) telling the carrier "
                "what to do with the call",
                "content": {"text/xml": {"schema": {"type": "string"}}},
            },
            **errors_doc(WebhookRejected),
        },
    )
