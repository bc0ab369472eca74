"""The Hub dashboard: the single-page app built from `web/` (static files), served at `/`.

- `/assets/...` are the build's content-hashed files (cached for a year);
- any other GET that no route answers and that is not under an API, docs, widget or carrier
  prefix gets a top-level file of the build (`/favicon.svg`) or `index.html`, so client routes
  (`/campaigns/camp_…`) survive a reload. Unknown paths under the reserved prefixes keep their
  usual 404 (plain text, or problem+json when asked for);
- `GET /api/dashboard/config` (public, not part of the documented API) tells the app how people
  sign in: the built-in issuer's password login and/or an OIDC issuer with the app's client id.

Without a build (no `index.html` in the directory) nothing changes: `/` stays a 404.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, FastAPI, Request
from fastapi.responses import FileResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

import kataven_hub
from kataven_hub.core import errors
from kataven_hub.core.settings import get_settings

# Paths the app never answers for: the API under every mount, docs, the widget, operational
# routes, signed recording media, carrier webhooks and the build's own assets (a missing
# asset is a 404, not the page).
RESERVED_PREFIXES = (
    "/api",
    "/hub-api",
    "/v1",
    "/docs",
    "/_docs-assets",
    "/openapi.json",
    "/widget",
    "/healthz",
    "/readyz",
    "/metrics",
    "/.well-known",
    "/recordings",
    "/assets",
    "/twilio",
    "/plivo",
    "/vobiz",
)
_INDEX_HEADERS = {"Cache-Control": "no-cache"}
_ASSET_HEADERS = {"Cache-Control": "public, max-age=31536000, immutable"}  # hashed names

router = APIRouter(prefix="/api/dashboard", include_in_schema=False)


@router.get("/config")
async def dashboard_config() -> dict[str, Any]:
    """How the dashboard signs people in (no secret here: OIDC with PKCE uses a public client)."""
    s = get_settings()
    oidc = None
    if s.OIDC_ISSUER_URL and s.OIDC_DASHBOARD_CLIENT_ID:
        oidc = {
            "issuer": s.OIDC_ISSUER_URL.rstrip("/"),
            "client_id": s.OIDC_DASHBOARD_CLIENT_ID,
            "scopes": s.OIDC_DASHBOARD_SCOPES,
        }
    return {"password_login": s.builtin_issuer_enabled, "oidc": oidc}


def default_dir() -> Path:
    """`web/dist` of the source tree the package runs from."""
    return Path(kataven_hub.__file__).resolve().parents[3] / "web" / "dist"


def is_reserved(path: str) -> bool:
    return any(path == p or path.startswith(p + "/") for p in RESERVED_PREFIXES)


def install(app: FastAPI) -> None:
    app.include_router(router)
    # A status-code handler runs before core/errors' class handler, for the router's own 404s
    # only (nothing matched the path); the API's NotFound errors are AppErrors and never get
    # here. The build directory is looked up per request, so a build made after the process
    # started is served too.
    app.add_exception_handler(404, _not_found)


async def _not_found(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if request.method in ("GET", "HEAD"):
        page = _page(get_settings().DASHBOARD_DIR or default_dir(), request.url.path)
        if page is not None:
            return page
    detail = exc.detail if isinstance(exc.detail, str) else "Not found"
    return errors.render(request, 404, "not_found", "Not found", detail, dict(exc.headers or {}))


def _page(root: Path, path: str) -> Response | None:
    """The build's file for `path`, `index.html` for a client route, or None (a real 404)."""
    index = root / "index.html"
    if not index.is_file():
        return None
    if path.startswith("/assets/"):
        assets = (root / "assets").resolve()
        file = (assets / path.removeprefix("/assets/")).resolve()
        if file.is_relative_to(assets) and file.is_file():
            return FileResponse(file, headers=_ASSET_HEADERS)
        return None
    if is_reserved(path):
        return None
    name = path.strip("/")
    if name and "/" not in name and name != "index.html" and (root / name).is_file():
        return FileResponse(root / name)
    return FileResponse(index, headers=_INDEX_HEADERS)
