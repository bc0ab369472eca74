"""The dashboard's static build at `/`: client routes fall back to index.html, the build's files
are served, and every API, docs, widget and webhook path keeps its own answers (404s included)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from kataven_hub import dashboard
from kataven_hub.core.settings import get_settings

from tests.fixtures.app import Tenant

INDEX = "<!doctype html><title>Kataven Hub</title><div id=root></div>"
JSON = {"Accept": "application/json"}


@pytest.fixture
def build(tmp_path: Path) -> Iterator[Path]:
    """A dashboard build in a temporary directory, served by the app for one test."""
    (tmp_path / "assets").mkdir()
    (tmp_path / "index.html").write_text(INDEX)
    (tmp_path / "assets" / "index-abc123.js").write_text("console.log('app')")
    (tmp_path / "favicon.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    (tmp_path / "secret.txt").write_text("outside the assets folder")
    settings = get_settings()
    saved = settings.DASHBOARD_DIR
    settings.DASHBOARD_DIR = tmp_path
    yield tmp_path
    settings.DASHBOARD_DIR = saved


class TestWithoutBuild:
    async def test_root_is_a_plain_404(self, client: httpx.AsyncClient, tmp_path: Path) -> None:
        settings = get_settings()
        saved = settings.DASHBOARD_DIR
        settings.DASHBOARD_DIR = tmp_path  # empty: no index.html
        try:
            r = await client.get("/")
            assert r.status_code == 404
            assert r.headers["content-type"].startswith("text/plain")
            r = await client.get("/campaigns", headers=JSON)
            assert r.status_code == 404
            assert r.json()["code"] == "not_found"
        finally:
            settings.DASHBOARD_DIR = saved


class TestClientRoutes:
    @pytest.mark.parametrize("path", ["/", "/agents", "/campaigns/camp_01ABC/live", "/sign-in"])
    async def test_fall_back_to_index(
        self, client: httpx.AsyncClient, build: Path, path: str
    ) -> None:
        r = await client.get(path, headers={"Accept": "text/html"})
        assert r.status_code == 200
        assert r.text == INDEX
        assert r.headers["content-type"].startswith("text/html")
        assert r.headers["cache-control"] == "no-cache"

    async def test_head_is_answered(self, client: httpx.AsyncClient, build: Path) -> None:
        r = await client.head("/calls")
        assert r.status_code == 200
        assert r.content == b""

    async def test_writes_are_not_the_page(self, client: httpx.AsyncClient, build: Path) -> None:
        r = await client.post("/agents", headers=JSON)
        assert r.status_code in (404, 405)
        assert "<title>" not in r.text


class TestBuildFiles:
    async def test_asset_is_served_and_cached(self, client: httpx.AsyncClient, build: Path) -> None:
        r = await client.get("/assets/index-abc123.js")
        assert r.status_code == 200
        assert r.text == "console.log('app')"
        assert "immutable" in r.headers["cache-control"]
        assert "javascript" in r.headers["content-type"]

    async def test_missing_asset_is_404_not_the_page(
        self, client: httpx.AsyncClient, build: Path
    ) -> None:
        r = await client.get("/assets/index-gone.js")
        assert r.status_code == 404
        assert r.text != INDEX

    async def test_top_level_file(self, client: httpx.AsyncClient, build: Path) -> None:
        r = await client.get("/favicon.svg")
        assert r.status_code == 200
        assert r.text.startswith("<svg")

    def test_no_escape_from_the_assets_folder(self, build: Path) -> None:
        page = dashboard._page(build, "/assets/../secret.txt")
        assert page is None
        assert dashboard._page(build, "/assets/%2e%2e/secret.txt") is None


class TestReservedPaths:
    @pytest.mark.parametrize(
        "path",
        [
            "/api/v1/nothing-here",
            "/hub-api/api/v1/nothing-here",
            "/v1/nothing-here",
            "/api/nothing-here",
            "/widget/nothing.js",
            "/twilio/nothing",
            "/plivo/nothing",
            "/vobiz/nothing",
            "/recordings/media/x",
            "/docs/nothing",
            "/metrics/nothing",
        ],
    )
    async def test_unknown_api_paths_stay_json_404(
        self, client: httpx.AsyncClient, build: Path, path: str
    ) -> None:
        r = await client.get(path, headers=JSON)
        assert r.status_code == 404
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["code"] == "not_found"

    async def test_plain_text_404_by_default(self, client: httpx.AsyncClient, build: Path) -> None:
        r = await client.get("/api/v1/nothing-here")
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("text/plain")

    async def test_resource_404_is_the_apis(
        self, client: httpx.AsyncClient, build: Path, tenant_a: Tenant
    ) -> None:
        r = await client.get(
            "/api/v1/agents/agent_01NOTTHERE0000000000000000", headers={**tenant_a.headers, **JSON}
        )
        assert r.status_code == 404
        assert r.json()["code"] == "not_found"

    async def test_method_not_allowed_is_kept(self, client: httpx.AsyncClient, build: Path) -> None:
        r = await client.get("/twilio/status", headers=JSON)
        assert r.status_code == 405
        assert r.json()["code"] == "method_not_allowed"

    async def test_operational_routes_unchanged(
        self, client: httpx.AsyncClient, build: Path
    ) -> None:
        assert (await client.get("/healthz")).text == "ok"
        assert (await client.get("/openapi.json")).json()["openapi"] == "3.1.0"
        docs = await client.get("/docs")
        assert "swagger" in docs.text.lower()
        assert (await client.get("/widget/v1.js")).status_code == 200


class TestConfig:
    async def test_password_login_without_oidc(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/dashboard/config")
        assert r.status_code == 200
        assert r.json() == {
            "password_login": get_settings().builtin_issuer_enabled,
            "oidc": None,
        }

    async def test_oidc_client(self, client: httpx.AsyncClient) -> None:
        settings = get_settings()
        saved = settings.OIDC_ISSUER_URL, settings.OIDC_DASHBOARD_CLIENT_ID
        settings.OIDC_ISSUER_URL = "https://id.example.test/"
        settings.OIDC_DASHBOARD_CLIENT_ID = "hub-dashboard"
        try:
            body = (await client.get("/api/dashboard/config")).json()
        finally:
            settings.OIDC_ISSUER_URL, settings.OIDC_DASHBOARD_CLIENT_ID = saved
        assert body["oidc"] == {
            "issuer": "https://id.example.test",
            "client_id": "hub-dashboard",
            "scopes": "openid profile email",
        }

    async def test_not_in_the_documented_api(self, client: httpx.AsyncClient) -> None:
        schema = (await client.get("/openapi.json")).json()
        assert "/api/dashboard/config" not in schema["paths"]
