"""`GET /widget/v1.js`: the embeddable widget, a static file shipped in this package.

Served at the root (not under /api/v1), cacheable for a few minutes and revalidated with an
ETag (the `v1` path stays compatible, so fixes reach pages quickly), and readable from any
origin: it is public code, and `crossorigin`/SRI embeds need CORS.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request, Response

from kataven_hub.core.settings import get_settings

SCRIPT_PATH = Path(__file__).parent / "static" / "v1.js"
router = APIRouter(tags=["Widget"])


@cache
def _script() -> tuple[bytes, str]:
    body = SCRIPT_PATH.read_bytes()
    return body, '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


@router.api_route("/widget/v1.js", methods=["GET", "HEAD"], include_in_schema=False)
async def widget_script(request: Request) -> Response:
    body, etag = _script()
    headers = {
        "ETag": etag,
        "Cache-Control": f"public, max-age={get_settings().WIDGET_SCRIPT_MAX_AGE_SECONDS}",
        "Access-Control-Allow-Origin": "*",
        "Cross-Origin-Resource-Policy": "cross-origin",
        "X-Content-Type-Options": "nosniff",
    }
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    content = b"" if request.method == "HEAD" else body
    response = Response(content, media_type="text/javascript; charset=utf-8", headers=headers)
    if request.method == "HEAD":
        response.headers["content-length"] = str(len(body))
    return response
