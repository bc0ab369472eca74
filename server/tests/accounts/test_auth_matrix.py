"""Who may call what: every way a credential can be wrong, on a tenant route."""

from __future__ import annotations

import httpx
import pytest

from tests.fixtures.app import Tenant


class TestAuthMatrix:
    async def test_no_token(self, client: httpx.AsyncClient) -> None:
        r = await client.get("/api/v1/agents")
        assert r.status_code == 401
        assert r.headers["www-authenticate"] == "Bearer"

    @pytest.mark.parametrize(
        "value",
        [
            "Bearer",
            "Bearer ",
            "Basic abc",
            "Bearer garbage",
            "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x",
            "Bearer sk_live_",
            "Bearer sk_live_demo_short",
            "Bearer sk_live_nope_" + "A" * 40,
        ],
    )
    async def test_garbage_tokens(self, client: httpx.AsyncClient, value: str) -> None:
        r = await client.get("/api/v1/agents", headers={"Authorization": value})
        assert r.status_code == 401

    async def test_key_with_wrong_secret(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        forged = tenant_a.key[:-4] + ("AAAA" if not tenant_a.key.endswith("AAAA") else "BBBB")
        r = await client.get("/api/v1/agents", headers={"Authorization": f"Bearer {forged}"})
        assert r.status_code == 401

    async def test_key_of_one_account_relabelled_as_another(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        secret = tenant_a.key.rpartition("_")[2]
        relabelled = f"sk_live_{tenant_b.slug}_{secret}"
        r = await client.get("/api/v1/agents", headers={"Authorization": f"Bearer {relabelled}"})
        assert r.status_code == 401

    async def test_jwt_without_account_header(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get("/api/v1/agents", headers={"Authorization": f"Bearer {tenant_a.jwt}"})
        assert r.status_code == 400
        assert r.text.startswith("Missing X-Account-ID header")

    async def test_jwt_of_non_member(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {tenant_a.jwt}", "X-Account-ID": tenant_b.slug},
        )
        assert r.status_code == 401

    async def test_jwt_unknown_account_same_answer_as_non_member(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {tenant_a.jwt}", "X-Account-ID": "no-such-acct"},
        )
        assert r.status_code == 401

    @pytest.mark.parametrize(
        "account", ["UPPER", "-lead", "a" * 64, "sp ace", "\xe9t\xe9".encode("latin-1")]
    )
    async def test_jwt_bad_account_slug(
        self, client: httpx.AsyncClient, tenant_a: Tenant, account: str | bytes
    ) -> None:
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {tenant_a.jwt}", "X-Account-ID": account},
        )
        assert r.status_code == 400

    async def test_kataven_admin_is_reserved(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {tenant_a.jwt}", "X-Account-ID": "kataven-admin"},
        )
        assert r.status_code == 403
        r = await client.get(
            "/api/v1/agents", headers={"Authorization": "Bearer sk_live_kataven-admin_" + "A" * 40}
        )
        assert r.status_code == 403

    async def test_key_with_different_account_header(
        self, client: httpx.AsyncClient, tenant_a: Tenant, tenant_b: Tenant
    ) -> None:
        r = await client.get(
            "/api/v1/agents", headers={**tenant_a.headers, "X-Account-ID": tenant_b.slug}
        )
        assert r.status_code == 403
        same = await client.get(
            "/api/v1/agents", headers={**tenant_a.headers, "X-Account-ID": tenant_a.slug}
        )
        assert same.status_code == 200

    async def test_key_on_hub_ui_only_route(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.post("/api/v1/api-keys", json={"name": "x"}, headers=tenant_a.headers)
        assert r.status_code == 403

    async def test_expired_jwt(self, client: httpx.AsyncClient, tenant_a: Tenant) -> None:
        import time

        from kataven_hub.core import auth

        issuer = auth.builtin_issuer()
        assert issuer is not None
        claims = {
            "iss": issuer.issuer,
            "aud": issuer.audience,
            "sub": tenant_a.user_id,
            "exp": int(time.time()) - 10,
            "iat": int(time.time()) - 100,
        }
        token = issuer.key.sign(claims)
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {token}", "X-Account-ID": tenant_a.slug},
        )
        assert r.status_code == 401
        assert r.text == "Token expired"

    async def test_jwt_signed_by_unknown_key(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        import time

        import jwt as pyjwt
        from cryptography.hazmat.primitives.asymmetric import rsa
        from kataven_hub.core import auth

        issuer = auth.builtin_issuer()
        assert issuer is not None
        other = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        claims = {
            "iss": issuer.issuer,
            "aud": issuer.audience,
            "sub": tenant_a.user_id,
            "exp": int(time.time()) + 100,
        }
        token = pyjwt.encode(claims, other, algorithm="RS256", headers={"kid": issuer.kid})
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {token}", "X-Account-ID": tenant_a.slug},
        )
        assert r.status_code == 401

    async def test_widget_public_key_is_not_a_management_credential(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer pk_live_{tenant_a.slug}_" + "A" * 40},
        )
        assert r.status_code == 401

    async def test_alg_none_token_rejected(
        self, client: httpx.AsyncClient, tenant_a: Tenant
    ) -> None:
        import base64
        import json

        def b64(d: dict) -> str:
            return base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()

        from kataven_hub.core import auth

        issuer = auth.builtin_issuer()
        assert issuer is not None
        token = (
            b64({"alg": "none", "typ": "JWT"})
            + "."
            + b64(
                {
                    "iss": issuer.issuer,
                    "aud": issuer.audience,
                    "sub": tenant_a.user_id,
                    "exp": 9999999999,
                }
            )
            + "."
        )
        r = await client.get(
            "/api/v1/agents",
            headers={"Authorization": f"Bearer {token}", "X-Account-ID": tenant_a.slug},
        )
        assert r.status_code == 401
