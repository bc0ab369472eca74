"""All configuration, read once from `KATAVEN_*` environment variables (and `.env`).

Only this module touches `os.environ`. Units live in names (`..._SECONDS`).
"""

from __future__ import annotations

import secrets
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Environment = Literal["development", "testing", "production"]
_PLACEHOLDERS = {"", "changeme", "change-me", "secret", "placeholder", "xxx"}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="KATAVEN_", env_file=".env", extra="ignore")

    ENV: Environment = "development"
    HOST: str = "127.0.0.1"
    PORT: int = 8081
    DATA_DIR: Path = Path("./data")
    LOG_LEVEL: str = "INFO"

    # Storage. No DATABASE_URL: SQLite files under DATA_DIR (control.db + tenants/<slug>.db).
    # A postgresql+asyncpg:// URL: that database is the control DB, and each account gets a
    # database of its own on the same cluster, named TENANT_DB_PREFIX + slug.
    DATABASE_URL: str | None = None
    TENANT_DB_PREFIX: str = "kataven_t_"
    # Pools are per database and fill lazily; an idle pool keeps DB_POOL_SIZE connections, so
    # (cached engines × pool size × processes) must fit the server's max_connections (or use
    # PgBouncer). Overflow connections are closed on return, which costs a reconnect: a process
    # that serves one busy account should raise DB_POOL_SIZE to its in-flight requests.
    TENANT_ENGINE_CACHE_SIZE: int = 128
    DB_POOL_SIZE: int = 5
    DB_MAX_OVERFLOW: int = 15

    # Counters and pub/sub. No REDIS_URL: in-process (a single API process).
    REDIS_URL: str | None = None
    REDIS_KEY_PREFIX: str = "kataven"
    REDIS_MAX_CONNECTIONS: int = 200

    # Secrets. In development they are generated once and kept in DATA_DIR (mode 0600).
    API_KEY_PEPPER: SecretStr | None = None
    SECRETS_KEYRING: SecretStr | None = None  # "<id>:<base64 key>,…" (see core/secrets.py)
    SECRETS_KEYRING_FILE: Path | None = None

    # Identity: built-in issuer (dev login + local signing key) and/or an external OIDC issuer.
    BUILTIN_ISSUER_ENABLED: bool | None = None  # default: on in development
    BUILTIN_ISSUER: str = "kataven-hub"
    JWT_AUDIENCE: str = "kataven-hub"
    JWT_TTL_SECONDS: int = 3600
    OIDC_ISSUER_URL: str | None = None
    OIDC_AUDIENCE: str | None = None
    OIDC_JWKS_CACHE_SECONDS: int = 300
    # The RSA key that signs Hub UI and widget tokens; default DATA_DIR/secrets/jwt_signing_key.pem.
    JWT_SIGNING_KEY_FILE: Path | None = None

    # Embeddable widget: visitor tokens (JWTs for the call runtime, checked with our JWKS).
    WIDGET_TOKEN_ISSUER: str = "kataven-hub/widget"
    WIDGET_TOKEN_AUDIENCE: str = "kataven-widget"
    WIDGET_SESSION_TTL_SECONDS: int = 900
    WIDGET_USER_TOKEN_TTL_SECONDS: int = 300
    WIDGET_REFRESH_TTL_SECONDS: int = 86_400
    WIDGET_SCRIPT_MAX_AGE_SECONDS: int = 300

    ACCOUNT_DIRECTORY_ENABLED: bool | None = None  # default: on in development
    BOOTSTRAP_DEMO_ACCOUNT: bool | None = None  # default: on in development

    MAX_BODY_BYTES: int = 2 * 1024 * 1024
    API_KEY_CACHE_SECONDS: float = 30.0

    # Campaigns: CSV uploads and the dispatcher (see dispatcher/).
    CAMPAIGN_CSV_MAX_BYTES: int = 10 * 1024 * 1024
    CAMPAIGN_CSV_FIELD_MAX_BYTES: int = 64 * 1024
    CAMPAIGN_MIN_RETRY_DELAY_SECONDS: int = 60  # the documented floor (tests lower it)
    DISPATCHER_EMBEDDED: bool | None = None  # default: on unless production on PostgreSQL
    DISPATCH_TICK_SECONDS: float = 0.25  # idle poll; wake-ups (call ended, start) come sooner
    DISPATCH_LEASE_SECONDS: float = 15.0  # a crashed dispatcher's campaigns move after this
    DISPATCH_MAX_CAMPAIGNS: int = 200  # leases one dispatcher holds at once
    DISPATCH_MAX_PARALLEL_DIALS: int = 50  # originate requests in flight per dispatcher
    DISPATCH_MAX_CPS: float = 10.0  # new calls per second per account (also ≤ calls_per_minute)
    DISPATCH_SWEEP_SECONDS: float = 1.0  # how often in-flight contacts are checked
    DISPATCH_RECONCILE_AFTER_SECONDS: float = 120.0  # a call silent this long is asked about
    DISPATCH_IN_DOUBT_SECONDS: float = 60.0  # an attempt with no call this old is in doubt
    DISPATCH_TEST_PAUSE: str | None = None  # tests: "before_dial" / "after_dial" pause point
    CAMPAIGN_SSE_SNAPSHOT_SECONDS: float = 2.0
    CAMPAIGN_SSE_HEARTBEAT_SECONDS: float = 15.0
    CAMPAIGN_SSE_MAX_SECONDS: float = 3600.0  # then `event: reconnect` (Last-Event-ID resumes)

    # Telephony. The public base URL carriers reach us at (webhooks are signed over it).
    PUBLIC_BASE_URL: str | None = None  # default: http://HOST:PORT
    TWILIO_API_BASE_URL: str = "https://api.twilio.com"
    PLIVO_API_BASE_URL: str = "https://api.plivo.com"
    VOBIZ_API_BASE_URL: str = "https://api.vobiz.ai/api"
    CARRIER_TIMEOUT_SECONDS: float = 10.0
    CALL_PROCESSOR_STREAM_URL: str | None = None  # wss://… media bridge; None: greet and hang up
    CALL_RECORDING_ENABLED: bool = True
    SANDBOX_CARRIER_ENABLED: bool | None = None  # default: on outside production
    SANDBOX_OUTCOME_WEIGHTS: dict[str, float] = Field(
        default_factory=lambda: {"completed": 0.7, "busy": 0.1, "no_answer": 0.1, "failed": 0.1}
    )
    SANDBOX_RING_SECONDS: float = 2.0
    SANDBOX_TALK_SECONDS: tuple[float, float] = (5.0, 30.0)
    CALL_SLOT_IDLE_SECONDS: int = 86400  # an in-flight gauge untouched this long resets
    # A concurrent-call slot not confirmed by a placed call after this long is checked against
    # the calls table and given back if its call is missing or never reached the carrier
    # (longer than any carrier request: CARRIER_TIMEOUT_SECONDS).
    CALL_SLOT_GRACE_SECONDS: float = 60.0

    # Recordings: "local" (DATA_DIR/recordings, HMAC-signed URLs served by the API), "s3", "none".
    RECORDINGS_BACKEND: Literal["local", "s3", "none"] = "local"
    RECORDINGS_URL_TTL_SECONDS: int = 300
    RECORDINGS_URL_SECRET: SecretStr | None = None
    S3_BUCKET: str | None = None
    S3_ENDPOINT_URL: str | None = None
    S3_REGION: str = "us-east-1"
    S3_ACCESS_KEY_ID: str | None = None
    S3_SECRET_ACCESS_KEY: SecretStr | None = None
    # Request rate limits (per account; rows in account_rate_limits override the defaults).
    # Configured limits are cached per process this long: an operator's change takes effect
    # everywhere within it.
    RATE_LIMITS_CACHE_SECONDS: float = 10.0
    # Public routes (the widget): per client key and caller IP, and per client key overall.
    PUBLIC_REQUESTS_PER_MINUTE_PER_IP: int = 60
    PUBLIC_REQUESTS_PER_HOUR_PER_IP: int = 1000
    PUBLIC_REQUESTS_PER_MINUTE_PER_KEY: int = 3000
    # Idempotency-Key: how long a response is kept for replay, how long an in-flight request
    # holds its key (a crashed process frees it after this), the largest response kept.
    IDEMPOTENCY_TTL_SECONDS: int = 24 * 3600
    IDEMPOTENCY_LOCK_SECONDS: int = 300
    IDEMPOTENCY_MAX_RESPONSE_BYTES: int = 1024 * 1024
    # /metrics (Prometheus): disabled (404) unless a bearer token is set.
    METRICS_TOKEN: SecretStr | None = None

    LLM_MODELS: list[str] = Field(
        default_factory=lambda: ["gpt-4o", "gpt-4o-mini", "claude-3-5-sonnet", "claude-sonnet-4-6"]
    )

    # Behaviour under faults. Tenant pools share one budget of PostgreSQL connections per
    # process (the control database has its own pool beside it); a tenant pool idle this long
    # is closed; a request that cannot get a connection within DB_CONNECT_WAIT_SECONDS gets
    # 503 with Retry-After.
    DB_TENANT_CONNECTIONS_MAX: int = 40
    DB_TENANT_POOL_IDLE_SECONDS: float = 60.0
    DB_CONNECT_WAIT_SECONDS: float = 5.0
    # Confirmed call slots are checked against the calls table (calls in flight) when the
    # concurrent cap refuses a call, at most this often per account: a slot whose release was
    # lost (Redis restarted) comes back.
    CALL_SLOT_RECONCILE_SECONDS: float = 5.0
    # Failed sign-ins (POST /api/login) per account and per caller IP: past the first limit the
    # caller waits out a short window, past the second a longer one (429 with Retry-After).
    LOGIN_FAILURES_PER_ACCOUNT: tuple[int, int] = (5, 20)  # per minute, per hour
    LOGIN_FAILURES_PER_IP: tuple[int, int] = (20, 100)  # per minute, per hour

    # Newcomer experience. Logs: `auto` is readable lines on a terminal and JSON otherwise
    # (always JSON in production); `text` or `json` force one.
    LOG_FORMAT: Literal["auto", "text", "json"] = "auto"

    # Event webhooks (webhooks/): delivery worker, retries, destination checks.
    WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS: bool | None = None  # default: on outside production
    WEBHOOKS_ALLOW_HTTP: bool | None = None  # plain http:// URLs; default: on outside production
    WEBHOOKS_TIMEOUT_SECONDS: float = 5.0  # connect + send + first byte, per attempt
    WEBHOOKS_RESPONSE_MAX_BYTES: int = 4096  # of a receiver's answer, read then dropped
    WEBHOOKS_POLL_SECONDS: float = 1.0  # idle poll; committed events wake the worker sooner
    WEBHOOKS_LEASE_SECONDS: float = 30.0  # a crashed worker's attempt is retried after this
    WEBHOOKS_BATCH: int = 50  # deliveries one worker claims per account per step
    WEBHOOKS_MAX_PARALLEL: int = 20  # requests in flight per worker
    WEBHOOKS_RETRY_BASE_SECONDS: float = 5.0  # first retry delay; doubles, with jitter
    WEBHOOKS_RETRY_MAX_SECONDS: float = 3600.0
    WEBHOOKS_RETRY_WINDOW_SECONDS: float = 86_400.0  # then the delivery is given up
    WEBHOOKS_DISABLE_AFTER_SECONDS: float = 3 * 86_400.0  # failing this long: endpoint disabled
    WEBHOOKS_ROTATED_SECRET_SECONDS: float = 86_400.0  # the old secret keeps signing this long
    WEBHOOKS_WORKER_ENABLED: bool = True  # wherever the dispatcher runs

    # The Hub dashboard (web/): its build directory (default: web/dist of the source tree), and
    # the public OIDC client it signs in with when OIDC_ISSUER_URL is set (Authorization Code +
    # PKCE; no client secret).
    DASHBOARD_DIR: Path | None = None
    OIDC_DASHBOARD_CLIENT_ID: str | None = None
    OIDC_DASHBOARD_SCOPES: str = "openid profile email"

    # Campaign controls (spec 16): calling windows, preflight estimates, export.
    # No dial starts this close to a calling window's end (it could reach the carrier after).
    CAMPAIGN_WINDOW_CLOSE_MARGIN_SECONDS: float = 5.0
    # Preflight's estimate: the average call length until the account has this many calls.
    CAMPAIGN_ESTIMATE_DEFAULT_CALL_SECONDS: float = 60.0
    CAMPAIGN_ESTIMATE_MIN_HISTORY_CALLS: int = 20
    # Preflight lists at most this many invalid rows (the counts cover them all).
    CAMPAIGN_PREFLIGHT_MAX_INVALID: int = 100

    @model_validator(mode="after")
    def _check_production(self) -> Settings:
        if self.ENV == "production":
            pepper = self.API_KEY_PEPPER.get_secret_value() if self.API_KEY_PEPPER else ""
            if pepper.lower() in _PLACEHOLDERS or len(pepper) < 16:
                raise ValueError(
                    "KATAVEN_API_KEY_PEPPER must be set to a real secret in production"
                )
            url_secret = (
                self.RECORDINGS_URL_SECRET.get_secret_value() if self.RECORDINGS_URL_SECRET else ""
            )
            if self.RECORDINGS_BACKEND == "local" and (
                url_secret.lower() in _PLACEHOLDERS or len(url_secret) < 16
            ):
                # Every replica must sign and check recording URLs with the same key.
                raise ValueError(
                    "KATAVEN_RECORDINGS_URL_SECRET must be set to a real secret in production"
                )
        return self

    @property
    def is_development(self) -> bool:
        return self.ENV != "production"

    @property
    def builtin_issuer_enabled(self) -> bool:
        if self.BUILTIN_ISSUER_ENABLED is None:
            return self.is_development
        return self.BUILTIN_ISSUER_ENABLED

    @property
    def account_directory_enabled(self) -> bool:
        if self.ACCOUNT_DIRECTORY_ENABLED is None:
            return self.is_development
        return self.ACCOUNT_DIRECTORY_ENABLED

    @property
    def bootstrap_demo_account(self) -> bool:
        if self.BOOTSTRAP_DEMO_ACCOUNT is None:
            return self.ENV == "development"
        return self.BOOTSTRAP_DEMO_ACCOUNT

    @property
    def dispatcher_embedded(self) -> bool:
        if self.DISPATCHER_EMBEDDED is None:
            return not (self.ENV == "production" and self.is_postgres)
        return self.DISPATCHER_EMBEDDED

    @property
    def sandbox_carrier_enabled(self) -> bool:
        if self.SANDBOX_CARRIER_ENABLED is None:
            return self.is_development
        return self.SANDBOX_CARRIER_ENABLED

    @property
    def webhooks_allow_private(self) -> bool:
        if self.WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS is None:
            return self.is_development
        return self.WEBHOOKS_ALLOW_PRIVATE_DESTINATIONS

    @property
    def webhooks_allow_http(self) -> bool:
        if self.WEBHOOKS_ALLOW_HTTP is None:
            return self.is_development
        return self.WEBHOOKS_ALLOW_HTTP

    @property
    def public_base_url(self) -> str:
        return (self.PUBLIC_BASE_URL or f"http://{self.HOST}:{self.PORT}").rstrip("/")

    @cached_property
    def recordings_url_key(self) -> bytes:
        if self.RECORDINGS_URL_SECRET is not None:
            return self.RECORDINGS_URL_SECRET.get_secret_value().encode()
        return read_or_create_secret(self.DATA_DIR / "secrets" / "recordings_url_key", 32)

    @property
    def is_postgres(self) -> bool:
        return bool(self.DATABASE_URL and self.DATABASE_URL.startswith("postgresql"))

    @cached_property
    def api_key_pepper(self) -> bytes:
        if self.API_KEY_PEPPER is not None:
            return self.API_KEY_PEPPER.get_secret_value().encode()
        return read_or_create_secret(self.DATA_DIR / "secrets" / "api_key_pepper", 32)


def read_or_create_secret(path: Path, size: int) -> bytes:
    """A random secret kept in a 0600 file: created once, read afterwards (development only)."""
    if path.exists():
        return path.read_bytes()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    value = secrets.token_bytes(size)
    fd = _open_private(path)
    with open(fd, "wb") as f:
        f.write(value)
    return value


def write_private(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    with open(_open_private(path), "wb") as f:
        f.write(data)


def _open_private(path: Path) -> int:
    import os

    return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)


settings = Settings()


def configure(**overrides: Any) -> Settings:
    """Replace the process settings (tests and the operator command use this)."""
    global settings
    settings = Settings(**overrides)
    return settings


def get_settings() -> Settings:
    return settings
