"""A small OIDC provider for the browser tests: discovery, an authorization endpoint that signs
one user in at once, a token endpoint that checks PKCE (S256) and returns an RS256 ID token, and
the JWKS the API verifies it with. Listens on 127.0.0.1 only."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

CLIENT_ID = "hub-dashboard"


class FakeIssuer:
    def __init__(self, email: str, subject: str = "sso-user-1") -> None:
        self.email = email
        self.subject = subject
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self.codes: dict[str, dict[str, str]] = {}
        self.exchanged: list[dict[str, str]] = []  # what the token endpoint accepted
        issuer = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urlsplit(self.path)
                query = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path == "/.well-known/openid-configuration":
                    self._json(200, issuer.discovery())
                elif url.path == "/jwks":
                    self._json(200, issuer.jwks())
                elif url.path == "/authorize":
                    self._authorize(query)
                else:
                    self._json(404, {"error": "not_found"})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
                status, body = issuer.token(form)
                self._json(status, body)

            def _authorize(self, q: dict[str, str]) -> None:
                if q.get("code_challenge_method") != "S256" or not q.get("code_challenge"):
                    self._json(
                        400, {"error": "invalid_request", "error_description": "PKCE S256 required"}
                    )
                    return
                code = secrets.token_urlsafe(16)
                issuer.codes[code] = q
                target = f"{q['redirect_uri']}?{urlencode({'code': code, 'state': q['state']})}"
                self.send_response(302)
                self.send_header("Location", target)
                self.end_headers()

            def _json(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Access-Control-Allow-Origin", "*")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FakeIssuer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def discovery(self) -> dict[str, str]:
        return {
            "issuer": self.url,
            "authorization_endpoint": f"{self.url}/authorize",
            "token_endpoint": f"{self.url}/token",
            "jwks_uri": f"{self.url}/jwks",
        }

    def jwks(self) -> dict[str, Any]:
        jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.key.public_key()))
        return {"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}

    def token(self, form: dict[str, str]) -> tuple[int, dict[str, Any]]:
        pending = self.codes.pop(form.get("code", ""), None)
        if pending is None or form.get("grant_type") != "authorization_code":
            return 400, {"error": "invalid_grant"}
        digest = hashlib.sha256(form.get("code_verifier", "").encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if (
            challenge != pending["code_challenge"]
            or form.get("redirect_uri") != pending["redirect_uri"]
        ):
            return 400, {"error": "invalid_grant", "error_description": "PKCE verification failed"}
        if form.get("client_id") != CLIENT_ID:
            return 400, {"error": "invalid_client"}
        self.exchanged.append(form)
        now = int(time.time())
        claims = {"iss": self.url, "sub": self.subject, "aud": CLIENT_ID, "email": self.email,
                  "iat": now, "exp": now + 3600}  # fmt: skip
        id_token = jwt.encode(claims, self.key, algorithm="RS256", headers={"kid": "k1"})
        return 200, {"access_token": secrets.token_urlsafe(24), "id_token": id_token,
                     "token_type": "Bearer", "expires_in": 3600}  # fmt: skip
