"""FIRSTLINE_* environment → one Settings struct; the only place that reads os.environ."""

from __future__ import annotations

import os
from pathlib import Path

from typing import Annotated, Literal

import msgspec

DEFAULT_SQLITE = "sqlite+aiosqlite:///./var/firstline.db"
DEMO_REGION = Path(__file__).resolve().parent.parent / "ops" / "demo" / "region.toml"
# Development defaults: `firstline demo` and tests may run with them, `firstline serve` refuses to.
DEV_SECRET_KEY = "dev-only-secret-key-set-FIRSTLINE_SECRET_KEY-in-production"
DEV_WEBHOOK_SECRET = "dev-webhook-secret"
MIN_SECRET_KEY = 32  # HS256 key: at least the hash's 32 bytes (RFC 7518 §3.2)


class Settings(msgspec.Struct, kw_only=True):
    database_url: str = DEFAULT_SQLITE
    region_file: str = str(DEMO_REGION)
    secret_key: str = DEV_SECRET_KEY
    webhook_secret: str = DEV_WEBHOOK_SECRET
    redis_url: str | None = None
    patient_jwt_public_key: str | None = None
    patient_jwt_issuer: str | None = None
    patient_jwt_audience: str | None = None
    token_ttl_seconds: int = 12 * 3600
    allowed_origins: list[str] = msgspec.field(default_factory=list)
    run_jobs: bool = True  # the clock (app/jobs); benchmarks and most test servers switch it off
    sweep_seconds: Annotated[float, msgspec.Meta(gt=0, le=3600)] = 30.0  # how often the SLA sweep runs
    db_pool_size: int = 10
    debug: bool = False
    # debug | info | warning | error: the app's and the server's loggers (app/logs.py); unset:
    # `firstline serve` uses info and an app built in a test leaves the levels alone
    log_level: Literal["debug", "info", "warning", "error"] | None = None
    chat_idle_seconds: float = 900.0
    fast_intake: bool = True  # PostgreSQL: the batching asyncpg intake store (app/db/intake_pg.py)
    tune_gc: bool = False  # set by `firstline serve` for its workers; tests keep Python's defaults
    live_fast_path: bool = True  # pre-built frames straight to uvicorn's transport (app/live/wire.py); 0 = ASGI only
    # /metrics: from these addresses or networks (comma-separated), or with this bearer token
    metrics_allow: list[str] = msgspec.field(default_factory=lambda: ["127.0.0.1", "::1"])
    metrics_token: str | None = None
    # public endpoints' budgets (app.domain.rate_limits): "name=count/seconds,…" overrides, or "off"
    rate_limits: str = ""

    @property
    def dev_secrets(self) -> list[str]:
        """The FIRSTLINE_* secrets left at their development defaults."""
        return [
            name
            for name, value, default in (
                ("FIRSTLINE_SECRET_KEY", self.secret_key, DEV_SECRET_KEY),
                ("FIRSTLINE_WEBHOOK_SECRET", self.webhook_secret, DEV_WEBHOOK_SECRET),
            )
            if value == default
        ]

    @property
    def portal_enabled(self) -> bool:
        """The patient portal (secure messages, identified chat) takes patient JWTs only with a
        public key, an issuer and an audience: a token is never accepted on its signature alone."""
        return bool(self.patient_jwt_public_key and self.patient_jwt_issuer and self.patient_jwt_audience)

    def serve_problems(self) -> list[str]:
        """Why `firstline serve` must not start with these settings (empty: it may)."""
        problems = [
            f"{name} is not set (it has the development default, which anyone can read in the source)"
            for name in self.dev_secrets
        ]
        if "FIRSTLINE_SECRET_KEY" not in self.dev_secrets and len(self.secret_key) < MIN_SECRET_KEY:
            problems.append(f"FIRSTLINE_SECRET_KEY is shorter than {MIN_SECRET_KEY} characters")
        if self.patient_jwt_public_key and not self.portal_enabled:
            missing = [k for k, v in (("FIRSTLINE_PATIENT_JWT_ISSUER", self.patient_jwt_issuer),
                                      ("FIRSTLINE_PATIENT_JWT_AUDIENCE", self.patient_jwt_audience)) if not v]  # fmt: skip
            problems.append(
                f"FIRSTLINE_PATIENT_JWT_PUBLIC_KEY is set but {' and '.join(missing)} not: patient tokens "
                "would be accepted from any issuer or for any audience"
            )
        return problems

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: object) -> "Settings":
        env = dict(os.environ if env is None else env)
        values: dict[str, object] = {}
        for field in msgspec.structs.fields(cls):
            key = "FIRSTLINE_" + field.name.upper()
            if key in env and env[key] != "":
                raw = env[key]
                if field.name in {"allowed_origins", "metrics_allow"}:
                    values[field.name] = [o.strip() for o in raw.split(",") if o.strip()]
                elif field.type is bool:
                    values[field.name] = raw.lower() in {"1", "true", "yes"}
                else:
                    values[field.name] = raw
        values.update(overrides)
        return msgspec.convert(values, cls, strict=False)
