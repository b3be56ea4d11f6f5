"""Logged-out professional tokens (their jti), kept until the token would have expired anyway."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from app.db import schema as t
from app.db.engine import read_statement


async def is_revoked(engine: AsyncEngine, jti: str) -> bool:
    """Asked on every authenticated request, so one statement with no transaction around it."""
    return bool(await read_statement(engine, select(t.revoked_tokens.c.jti).where(t.revoked_tokens.c.jti == jti)))


async def revoke(engine: AsyncEngine, jti: str, expires_at: datetime) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(t.revoked_tokens).values(jti=jti, expires_at=expires_at))
