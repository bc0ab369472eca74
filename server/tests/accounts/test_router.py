"""Public routes: account directory, slug validation, dev login, the caller's organisation."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.app import Tenant


class TestListAccounts:
    async def test_lists_accounts_without_credentials(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get("/api/accounts")
        assert r.status_code == 200
        assert tenant_a.slug in [a["account"] for a in r.json()["accounts"]]
        assert "database_name" not in r.text

    async def test_also_under_hub_api(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.get("/hub-api/api/accounts")
        assert r.status_code == 200

    async def test_404_when_directory_disabled(
        self, client: httpx.AsyncClient, monkeypatch
    ) -> None:
        from kataven_hub.core import settings as settings_mod

        monkeypatch.setattr(settings_mod.settings, "ACCOUNT_DIRECTORY_ENABLED", False)
        r = await client.get("/api/accounts")
        assert r.status_code == 404


class TestValidateAccount:
    async def test_existing(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.get(f"/api/accounts/validate/{tenant_a.slug}")
        assert r.json() == {"account": tenant_a.slug, "valid": True, "exists": True}

    async def test_unknown(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/accounts/validate/nobody-here")
        assert r.json() == {"account": "nobody-here", "valid": True, "exists": False}

    async def test_reserved(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/accounts/validate/kataven-admin")
        assert r.json()["valid"] is False

    @pytest.mark.parametrize("slug", ["Bad", "-x", "a" * 64, "a.b"])
    async def test_malformed_is_400(self, client: httpx.AsyncClient, slug: str) -> None:
        r = await client.get(f"/api/accounts/validate/{slug}")
        assert r.status_code == 400


class TestLogin:
    async def test_login_returns_token_and_memberships(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post(
            "/api/login", json={"email": tenant_a.email.upper(), "password": tenant_a.password}
        )
        assert r.status_code == 200
        body = r.json()
        assert body["token"].startswith("eyJ")
        assert body["accounts"] == [
            {"account": tenant_a.slug, "name": f"Account {tenant_a.slug}", "role": "owner"}
        ]

    @pytest.mark.parametrize(
        "body",
        [{"email": "nobody@x.test", "password": "x"}, {"email": "owner@x", "password": ""}],
    )
    async def test_bad_credentials(self, client: httpx.AsyncClient, body: dict) -> None:
        r = await client.post("/api/login", json=body)
        assert r.status_code in (400, 401)

    async def test_wrong_password_is_401(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        r = await client.post("/api/login", json={"email": tenant_a.email, "password": "wrong"})
        assert r.status_code == 401

    async def test_token_verifies_with_published_jwks(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        import jwt

        jwks = (await client.get("/.well-known/jwks.json")).json()
        [key] = jwks["keys"]
        claims = jwt.decode(
            tenant_a.jwt, jwt.PyJWK(key).key, algorithms=["RS256"], audience="kataven-hub"
        )
        assert claims["sub"] == tenant_a.user_id

    async def test_404_when_builtin_issuer_disabled(
        self, client: httpx.AsyncClient, tenant_a: Tenant, monkeypatch
    ) -> None:
        from kataven_hub.core import auth

        monkeypatch.setattr(auth, "_builtin", None)
        r = await client.post(
            "/api/login", json={"email": tenant_a.email, "password": tenant_a.password}
        )
        assert r.status_code == 404
        # …and tokens it issued earlier no longer open anything.
        r = await client.get("/api/v1/agents", headers=tenant_a.jwt_headers)
        assert r.status_code == 401


class TestUserOrg:
    async def test_returns_user_and_accounts(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get("/api/user/org", headers={"Authorization": f"Bearer {tenant_a.jwt}"})
        assert r.status_code == 200
        assert r.json()["user"]["email"] == tenant_a.email
        assert r.json()["accounts"][0]["account"] == tenant_a.slug

    @pytest.mark.parametrize("auth", [None, "Bearer nope", "Bearer sk_live_x_" + "A" * 40])
    async def test_requires_a_valid_user_token(
        self, client: httpx.AsyncClient, auth: str | None
    ) -> None:
        headers = {"Authorization": auth} if auth else {}
        r = await client.get("/api/user/org", headers=headers)
        assert r.status_code == 401


class TestExternalOidcIssuer:
    """Tokens from an external issuer (Zitadel-style discovery + JWKS) over real HTTP."""

    @pytest.fixture
    def trust(self, oidc_issuer, monkeypatch):
        from kataven_hub.core import auth

        oidc_issuer.add_key("k1")
        oidc_issuer.add_key("k2", "ec")
        monkeypatch.setattr(auth, "_oidc", auth.OidcVerifier(oidc_issuer.url, "hub", 300))
        return oidc_issuer

    async def _invite(self, tenant: Tenant, email: str, role: str = "admin") -> None:
        from kataven_hub.accounts import service as accounts_service
        from kataven_hub.core import tenancy
        from kataven_hub.core.db import ControlSession, new_session

        async with new_session(tenancy.get().control_engine) as session:
            await accounts_service.add_user(
                ControlSession(session), email, account=tenant.slug, role=role
            )
            await session.commit()

    async def test_member_by_email_then_by_subject(
        self, client: httpx.AsyncClient, tenant_a: Tenant, trust
    ) -> None:
        email = f"zed@{tenant_a.slug}.test"
        await self._invite(tenant_a, email)
        token = trust.token("k1", sub="zitadel-123", email=email)
        headers = {"Authorization": f"Bearer {token}", "X-Account-ID": tenant_a.slug}
        assert (await client.get("/api/v1/agents", headers=headers)).status_code == 200
        # Bound on first sign-in: later tokens need no e-mail claim.
        token2 = trust.token("k2", sub="zitadel-123")
        headers2 = {"Authorization": f"Bearer {token2}", "X-Account-ID": tenant_a.slug}
        assert (await client.get("/api/v1/agents", headers=headers2)).status_code == 200
        # Admins may mint keys (Hub UI route).
        r = await client.post("/api/v1/api-keys", json={"name": "from-oidc"}, headers=headers2)
        assert r.status_code == 201

    async def test_wrong_audience_expired_unknown_kid_foreign_issuer(
        self, client: httpx.AsyncClient, tenant_a: Tenant, trust
    ) -> None:
        email = f"amy@{tenant_a.slug}.test"
        await self._invite(tenant_a, email)
        bad = [
            trust.token("k1", sub="s1", email=email, audience="other"),
            trust.token("k1", sub="s1", email=email, ttl=-30),
        ]
        trust.add_key("rotated-out")
        ghost = trust.token("rotated-out", sub="s1", email=email)
        del trust.keys["rotated-out"]
        bad.append(ghost)
        for token in bad:
            r = await client.get(
                "/api/v1/agents",
                headers={"Authorization": f"Bearer {token}", "X-Account-ID": tenant_a.slug},
            )
            assert r.status_code == 401

    async def test_rotated_key_is_fetched(
        self, client: httpx.AsyncClient, tenant_a: Tenant, trust
    ) -> None:
        email = f"rot@{tenant_a.slug}.test"
        await self._invite(tenant_a, email)
        ok = trust.token("k1", sub="rot-1", email=email)
        headers = {"Authorization": f"Bearer {ok}", "X-Account-ID": tenant_a.slug}
        assert (await client.get("/api/v1/agents", headers=headers)).status_code == 200
        trust.add_key("k3")
        new = trust.token("k3", sub="rot-1", email=email)
        headers = {"Authorization": f"Bearer {new}", "X-Account-ID": tenant_a.slug}
        assert (await client.get("/api/v1/agents", headers=headers)).status_code == 200

    async def test_non_member_is_401(
        self, client: httpx.AsyncClient, tenant_a: Tenant, trust
    ) -> None:
        token = trust.token("k1", sub="stranger", email="stranger@else.test")
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {token}", "X-Account-ID": tenant_a.slug},
        )
        assert r.status_code == 401
