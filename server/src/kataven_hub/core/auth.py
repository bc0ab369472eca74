"""Who is calling: `sk_live_` API keys and JWTs (built-in issuer or an external OIDC issuer).

The order of checks follows spec 01: bearer present → credential valid → tenant resolved
(`X-Account-ID` with JWTs) → slug valid (400) → not reserved (403) → account exists and the
caller belongs to it (401 otherwise, so account names cannot be probed).

Key lookups and membership checks are domain concerns; the modules that own them register
them with `configure()` so that core imports no domain module.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import logging
import os
import time
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

import httpx
import jwt
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import Depends, Request

from kataven_hub.core import events, tenancy
from kataven_hub.core.errors import Forbidden, InvalidRequest, Unauthorized
from kataven_hub.core.settings import Settings, get_settings, write_private
from kataven_hub.core.tenancy import RESERVED_ACCOUNTS, SLUG_RE

log = logging.getLogger("kataven_hub.auth")

API_KEY_PREFIX = "sk_live_"
ADMIN_ROLES = frozenset({"owner", "admin"})
_KEY_CHANNEL = "auth:keys"
_ALGORITHMS = ["RS256", "RS384", "RS512", "ES256", "ES384", "PS256"]


@dataclass(frozen=True, slots=True)
class Principal:
    """The authenticated caller and the account (tenant) it acts in."""

    account: str
    kind: str  # "api_key" | "user"
    subject: str  # API key id or user id
    role: str  # owner | admin | member for users; "api_key" for keys

    @property
    def is_api_key(self) -> bool:
        return self.kind == "api_key"

    @property
    def credential_id(self) -> str:
        return f"{self.kind}:{self.subject}"


@dataclass(frozen=True, slots=True)
class KeyRecord:
    key_id: str
    account: str
    expires_at: datetime | None
    disabled: bool
    last_used_at: datetime | None


KeyLookup = Callable[[str, str], Awaitable[KeyRecord | None]]
MemberLookup = Callable[[dict[str, Any], str], Awaitable[tuple[str, str] | None]]
KeyUsed = Callable[[KeyRecord], Awaitable[None]]
Guard = Callable[[Request, Principal], Awaitable[None]]

_key_lookup: KeyLookup | None = None
_member_lookup: MemberLookup | None = None
_key_used: KeyUsed | None = None
_guards: tuple[Guard, ...] = ()
_GUARDED = "kataven.guarded"


def configure(key_lookup: KeyLookup, member_lookup: MemberLookup, key_used: KeyUsed) -> None:
    global _key_lookup, _member_lookup, _key_used
    _key_lookup, _member_lookup, _key_used = key_lookup, member_lookup, key_used


def set_guards(*guards: Guard) -> None:
    """Checks every authenticated request passes, in order, once the caller is known (request
    rate limits, then Idempotency-Key): any route that authenticates inherits them."""
    global _guards
    _guards = guards


# -- API keys ---------------------------------------------------------------------------------
def key_digest(token: str) -> str:
    return hmac.new(get_settings().api_key_pepper, token.encode(), hashlib.sha256).hexdigest()


def account_of_key(token: str, prefix: str = API_KEY_PREFIX) -> str | None:
    """`sk_live_<account>_<secret>`: the secret has no `_`, so the account ends at the last one.
    Other key shapes (`pk_live_…` of the widget) follow the same rule with their prefix."""
    if not token.startswith(prefix):
        return None
    account, sep, secret = token[len(prefix) :].rpartition("_")
    if not sep or not account or len(secret) < 20 or not secret.isalnum() or not secret.isascii():
        return None
    return account


class KeyCache:
    """Verified keys by digest, so an authenticated request costs no extra query.

    Correctness rests on invalidation: every change to a key publishes its digest, and every
    process evicts it on receipt. The cache is on only while this process hears that feed and
    the feed spans processes (Redis): on the embedded default the operator command revokes keys
    from another process, so every request reads its key (one indexed SQLite read).
    """

    def __init__(self, size: int = 10_000) -> None:
        self._items: OrderedDict[str, tuple[KeyRecord, float]] = OrderedDict()
        self._size = size
        self.enabled = True

    def get(self, digest: str, ttl: float) -> KeyRecord | None:
        if not self.enabled:
            return None
        item = self._items.get(digest)
        if item is None or time.monotonic() - item[1] > ttl:
            return None
        return item[0]

    def put(self, digest: str, record: KeyRecord) -> None:
        if not self.enabled:
            return
        self._items[digest] = (record, time.monotonic())
        self._items.move_to_end(digest)
        while len(self._items) > self._size:
            self._items.popitem(last=False)

    def evict(self, digest: str) -> None:
        self._items.pop(digest, None)

    def clear(self) -> None:
        self._items.clear()

    def evict_account(self, account: str) -> None:
        for digest in [d for d, (rec, _) in self._items.items() if rec.account == account]:
            del self._items[digest]


key_cache = KeyCache()


async def key_changed(digest: str) -> bool:
    """Call after a key is revoked, re-enabled, renamed or deleted (after the commit). False
    when the other processes could not be told (the bus is down): they bypass their key cache
    while their own feed is lost, and clear it when it is back, so the change still applies
    to them on their next request."""
    key_cache.evict(digest)
    try:
        await events.bus().publish(_KEY_CHANNEL, digest.encode())
    except Exception:
        log.warning("key change not announced: the event bus is unavailable")
        return False
    return True


async def account_removed(account: str) -> None:
    """Call after an account is deleted: every process forgets its keys and its engine."""
    await _on_change(f"account:{account}")
    await events.bus().publish(_KEY_CHANNEL, f"account:{account}".encode())


async def _on_change(message: str) -> None:
    if message.startswith("account:"):
        account = message.removeprefix("account:")
        key_cache.evict_account(account)
        await tenancy.get().forget(account)
    else:
        key_cache.evict(message)


async def listen_for_key_changes(stop: asyncio.Event) -> None:
    """Background task: evict keys changed by any process; bypass the cache while deaf."""
    while not stop.is_set():
        try:
            async with events.bus().subscribe(_KEY_CHANNEL) as sub:
                key_cache.clear()
                key_cache.enabled = events.spans_processes()
                while not stop.is_set():
                    item = await sub.get(timeout=1.0)
                    if item is not None:
                        await _on_change(item[1].decode())
        except asyncio.CancelledError:
            raise
        except Exception:
            log.warning("key invalidation feed lost; API key cache bypassed until it is back")
        key_cache.enabled = False
        key_cache.clear()
        if not stop.is_set():
            await asyncio.sleep(0.5)


async def _authenticate_key(request: Request, token: str, settings: Settings) -> Principal:
    account = account_of_key(token)
    if account is None:
        raise Unauthorized("Invalid API key")
    _check_account_name(account)
    header = request.headers.get("x-account-id")
    if header is not None and header != account:
        raise Forbidden("X-Account-ID does not match the API key's account")
    digest = key_digest(token)
    record = key_cache.get(digest, settings.API_KEY_CACHE_SECONDS)
    if record is None:
        assert _key_lookup is not None
        record = await _key_lookup(account, digest)
        if record is None:
            raise Unauthorized("Invalid API key")
        key_cache.put(digest, record)
    if record.account != account:
        raise Unauthorized("Invalid API key")
    if record.disabled:
        raise Unauthorized("API key revoked")
    if record.expires_at is not None and record.expires_at <= datetime.now(UTC):
        raise Unauthorized("API key expired")
    if _key_used is not None:
        await _key_used(record)
    return Principal(account=account, kind="api_key", subject=record.key_id, role="api_key")


# -- JWTs ---------------------------------------------------------------------------------------
class SigningKey:
    """The installation's RSA signing key (RS256), kept in a 0600 PEM file and published in the
    JWKS. The built-in issuer signs Hub UI sessions with it and the widget signs visitor tokens
    with it; the second use stays on when the built-in issuer is off (production), so the file
    is always there. Several API replicas must share the file (mount it as a secret)."""

    def __init__(self, settings: Settings) -> None:
        default = settings.DATA_DIR / "secrets" / "jwt_signing_key.pem"
        path = settings.JWT_SIGNING_KEY_FILE or default
        if path.exists():
            pem = path.read_bytes()
        else:
            key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
            write_private(path, pem)
        private_key = serialization.load_pem_private_key(pem, password=None)
        if not isinstance(private_key, rsa.RSAPrivateKey):
            raise RuntimeError(f"{path} must hold an RSA private key (RS256)")
        self.private_key = private_key
        self.public_key = private_key.public_key()
        public_jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(self.public_key))
        self.kid = _thumbprint(public_jwk)
        self.jwk = {**public_jwk, "kid": self.kid, "use": "sig", "alg": "RS256"}

    def sign(self, claims: dict[str, Any]) -> str:
        return jwt.encode(claims, self.private_key, algorithm="RS256", headers={"kid": self.kid})

    def verify(
        self, token: str, *, audience: str, issuer: str, require: list[str]
    ) -> dict[str, Any]:
        """Claims of a token this key signed; raises `jwt.PyJWTError` otherwise."""
        return jwt.decode(
            token,
            self.public_key,
            algorithms=["RS256"],
            audience=audience,
            issuer=issuer,
            options={"require": require},
        )


class BuiltinIssuer:
    """Signs Hub UI session tokens with the installation's signing key."""

    def __init__(self, settings: Settings, key: SigningKey) -> None:
        self.key = key
        self.kid = key.kid
        self.jwk = key.jwk
        self.issuer = settings.BUILTIN_ISSUER
        self.audience = settings.JWT_AUDIENCE
        self.ttl = settings.JWT_TTL_SECONDS

    def sign(self, subject: str, email: str) -> tuple[str, datetime]:
        now = datetime.now(UTC)
        expires = now + timedelta(seconds=self.ttl)
        claims = {
            "iss": self.issuer,
            "aud": self.audience,
            "sub": subject,
            "email": email,
            "iat": int(now.timestamp()),
            "exp": int(expires.timestamp()),
        }
        return self.key.sign(claims), expires

    def verify(self, token: str) -> dict[str, Any]:
        return self.key.verify(
            token, audience=self.audience, issuer=self.issuer, require=["exp", "iss", "sub", "aud"]
        )


def _thumbprint(jwk: dict[str, Any]) -> str:
    """RFC 7638 JWK thumbprint, used as the key id."""
    members = {k: jwk[k] for k in ("e", "kty", "n")}
    raw = json.dumps(members, separators=(",", ":"), sort_keys=True).encode()
    return base64.urlsafe_b64encode(hashlib.sha256(raw).digest()).rstrip(b"=").decode()


class OidcVerifier:
    """Verifies tokens of an external OIDC issuer (Zitadel) through discovery and its JWKS."""

    def __init__(self, issuer_url: str, audience: str | None, cache_seconds: int) -> None:
        self.issuer = issuer_url.rstrip("/")
        self.audience = audience
        self.cache_seconds = cache_seconds
        self._keys: dict[str, jwt.PyJWK] = {}
        self._fetched_at = 0.0
        self._forced_at = -60.0
        self._lock = asyncio.Lock()

    async def _refresh(self, force: bool) -> None:
        """Fetch the JWKS when the cache is stale, or on an unknown `kid` (a key rotation) at
        most every 10 s, so tokens with made-up key ids cannot hammer the issuer."""
        async with self._lock:
            now = time.monotonic()
            if force:
                if now - self._forced_at < 10:
                    return
                self._forced_at = now
            elif self._keys and now - self._fetched_at < self.cache_seconds:
                return
            async with httpx.AsyncClient(timeout=5.0) as http:
                conf = await http.get(f"{self.issuer}/.well-known/openid-configuration")
                conf.raise_for_status()
                jwks = await http.get(conf.json()["jwks_uri"])
                jwks.raise_for_status()
            keys = {}
            for item in jwks.json().get("keys", []):
                try:
                    keys[item.get("kid", "")] = jwt.PyJWK(item)
                except Exception:
                    continue
            self._keys = keys
            self._fetched_at = time.monotonic()

    async def verify(self, token: str) -> dict[str, Any]:
        kid = jwt.get_unverified_header(token).get("kid", "")
        try:
            await self._refresh(force=False)
            if kid not in self._keys:
                await self._refresh(force=True)
        except (httpx.HTTPError, KeyError, ValueError) as exc:
            log.warning("OIDC discovery failed: %s", type(exc).__name__)
            raise Unauthorized("Identity provider unavailable") from None
        key = self._keys.get(kid)
        if key is None:
            raise Unauthorized("Invalid token")
        return jwt.decode(
            token,
            key.key,
            algorithms=_ALGORITHMS,
            audience=self.audience,
            issuer=self.issuer,
            options={"require": ["exp", "iss", "sub"], "verify_aud": self.audience is not None},
        )


_signing_key: SigningKey | None = None
_builtin: BuiltinIssuer | None = None
_oidc: OidcVerifier | None = None


def init(settings: Settings) -> None:
    global _signing_key, _builtin, _oidc
    _signing_key = SigningKey(settings)
    _builtin = BuiltinIssuer(settings, _signing_key) if settings.builtin_issuer_enabled else None
    _oidc = (
        OidcVerifier(
            settings.OIDC_ISSUER_URL, settings.OIDC_AUDIENCE, settings.OIDC_JWKS_CACHE_SECONDS
        )
        if settings.OIDC_ISSUER_URL
        else None
    )
    key_cache.clear()
    key_cache.enabled = False  # until the invalidation feed is heard (listen_for_key_changes)


def builtin_issuer() -> BuiltinIssuer | None:
    return _builtin


def signing_key() -> SigningKey:
    """The installation's signing key (for tokens other modules mint, e.g. widget visitors)."""
    if _signing_key is None:
        raise RuntimeError("auth is not initialised")
    return _signing_key


def jwks() -> dict[str, Any]:
    """The public keys that verify every token this installation signs."""
    return {"keys": [_signing_key.jwk] if _signing_key else []}


async def verify_jwt(token: str) -> dict[str, Any]:
    """Claims of a valid token from a trusted issuer; Unauthorized otherwise."""
    try:
        issuer = jwt.decode(token, options={"verify_signature": False}).get("iss")
        if _builtin is not None and issuer == _builtin.issuer:
            return _builtin.verify(token)
        if _oidc is not None and isinstance(issuer, str) and issuer.rstrip("/") == _oidc.issuer:
            return await _oidc.verify(token)
    except jwt.ExpiredSignatureError:
        raise Unauthorized("Token expired") from None
    except jwt.PyJWTError:
        raise Unauthorized("Invalid token") from None
    raise Unauthorized("Invalid token")


async def _authenticate_jwt(request: Request, token: str) -> Principal:
    claims = await verify_jwt(token)
    account = request.headers.get("x-account-id")
    if not account:
        raise InvalidRequest(
            "Missing X-Account-ID header: a Hub UI token needs `X-Account-ID: <account>` "
            "(API keys name their account themselves)"
        )
    _check_account_name(account)
    assert _member_lookup is not None
    membership = await _member_lookup(claims, account)
    if membership is None:
        raise Unauthorized("Unknown account or not a member of it")
    user_id, role = membership
    return Principal(account=account, kind="user", subject=user_id, role=role)


def _check_account_name(account: str) -> None:
    if not SLUG_RE.match(account):
        raise InvalidRequest("invalid account name")
    if account in RESERVED_ACCOUNTS:
        raise Forbidden("Account kataven-admin is reserved")


def bearer_token(request: Request) -> str | None:
    header = request.headers.get("authorization")
    if not header:
        return None
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


async def authenticate(request: Request) -> Principal:
    token = bearer_token(request)
    if token is None:
        raise Unauthorized(
            "Missing or invalid Authorization header: send `Authorization: Bearer sk_live_…` "
            "(an API key), or `Bearer <Hub UI token>` with `X-Account-ID: <account>`"
        )
    settings = get_settings()
    if token.startswith(API_KEY_PREFIX):
        principal = await _authenticate_key(request, token, settings)
    else:
        principal = await _authenticate_jwt(request, token)
    await admit(request, principal)
    return principal


async def admit(request: Request, principal: Principal) -> None:
    """Attach the principal to the request and run the guards (request limits, idempotency)
    once per request, however many dependencies authenticate."""
    request.state.principal = principal
    state = request.scope.setdefault("state", {})
    if not state.get(_GUARDED):
        state[_GUARDED] = True
        for guard in _guards:
            await guard(request, principal)


def require_hub_admin(principal: Annotated[Principal, Depends(authenticate)]) -> Principal:
    """Hub-UI-only routes: a signed-in owner or admin, never an API key."""
    if principal.is_api_key:
        raise Forbidden(
            "Requires Hub UI auth: API keys cannot do this. Sign in as an account owner or "
            "admin (POST /api/login in development, or your identity provider) and send that "
            "token as `Authorization: Bearer <token>` with `X-Account-ID: <account>`"
        )
    if principal.role not in ADMIN_ROLES:
        raise Forbidden("Requires the owner or admin role")
    return principal


PrincipalDep = Annotated[Principal, Depends(authenticate)]
HubAdmin = Annotated[Principal, Depends(require_hub_admin)]


def hash_password(password: str) -> str:
    salt = os.urandom(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, n=2**14, r=8, p=1, dklen=32)
    return f"scrypt$16384$8$1${salt.hex()}${digest.hex()}"


def check_password(password: str, stored: str | None) -> bool:
    if not stored:
        return False
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(
            password.encode(), salt=bytes.fromhex(salt), n=int(n), r=int(r), p=int(p), dklen=32
        )
    except ValueError:
        return False
    return hmac.compare_digest(got.hex(), digest)
