"""A failed statement's error (which a 500 logs with its traceback) never carries the values."""

from __future__ import annotations

import pytest
from sqlalchemy import insert
from sqlalchemy.exc import IntegrityError

from app.clock import utcnow
from app.db import schema as t
from app.db.engine import make_engine


async def test_statement_errors_show_sql_but_not_values(database_url):  # type: ignore[no-untyped-def]
    engine = make_engine(database_url, pool_size=1)
    secret = "+358401234567-Meikalainen"
    try:
        with pytest.raises(IntegrityError) as caught:
            async with engine.begin() as conn:
                for _ in range(2):
                    await conn.execute(insert(t.revoked_tokens).values(jti=secret, expires_at=utcnow()))
    finally:
        await engine.dispose()
    assert "revoked_tokens" in str(caught.value) and secret not in str(caught.value)
