"""FIRSTLINE_* environment → one Settings struct; the only place that reads os.environ."""

from __future__ import annotations

import os
from pathlib import Path

from typing import Annotated

import msgspec

DEFAULT_SQLITE = "sqlite+aiosqlite:///./var/firstline.db"
DEMO_REGION = Path(__file__).resolve().parent.parent / "ops" / "demo" / "region.toml"


class Settings(msgspec.Struct, kw_only=True):
    database_url: str = DEFAULT_SQLITE
    region_file: str = str(DEMO_REGION)
    secret_key: str = "dev-only-secret-key-set-FIRSTLINE_SECRET_KEY-in-production"
    webhook_secret: str = "dev-webhook-secret"
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
    chat_idle_seconds: float = 900.0
    fast_intake: bool = True  # PostgreSQL: the batching asyncpg intake store (app/db/intake_pg.py)
    tune_gc: bool = False  # set by `firstline serve` for its workers; tests keep Python's defaults
    live_fast_path: bool = True  # pre-built frames straight to uvicorn's transport (app/live/wire.py); 0 = ASGI only
    # /metrics: from these addresses or networks (comma-separated), or with this bearer token
    metrics_allow: list[str] = msgspec.field(default_factory=lambda: ["127.0.0.1", "::1"])
    metrics_token: str | None = None
    # public endpoints' budgets (app.domain.rate_limits): "name=count/seconds,…" overrides, or "off"
    rate_limits: str = ""

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
