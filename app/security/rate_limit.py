"""Counting requests against the budgets of app.domain.rate_limits, here or in Redis.

One counter per (limit, who, window). *Who* is an address, a unit or a patient id — personal
data — so it never becomes a Redis key or a log line as such: keys hold a keyed hash of it.
With Redis configured the count is shared by every instance (``INCR`` + ``EXPIRE`` in one round
trip); if Redis does not answer, counting goes on in this process (a limit is a guard, not a
reason to refuse patients) and the fall-back is logged once.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import time
from collections.abc import Callable
from typing import Protocol

from app.domain.errors import ServiceError
from app.domain.rate_limits import Limit, parse_limits, refused_for, window

log = logging.getLogger("firstline.rate_limit")


class RateLimited(ServiceError):
    status_code = 429

    def __init__(self, name: str, limit: Limit, retry_after: int) -> None:
        super().__init__(
            f"too many requests: the limit is {limit.count} per {limit.seconds} s ({name}); try again in {retry_after} s",
            code="rate_limited", limit=name, retry_after=retry_after,
        )
        self.retry_after = retry_after


class Counter(Protocol):
    async def incr(self, key: str, ttl: int) -> int:
        """Add one to ``key`` (created with ``ttl`` seconds to live) and return the new count."""
        ...

    async def peek(self, key: str) -> int:
        """``key``'s count, 0 when it has none or its time is up."""
        ...

    async def forget(self, key: str) -> None:
        """Drop ``key``'s count."""
        ...


class LocalCounter:
    """Counts in this process; windows past are forgotten as new ones start."""

    def __init__(self, max_keys: int = 200_000) -> None:
        self._counts: dict[str, tuple[float, int]] = {}
        self._max = max_keys

    async def incr(self, key: str, ttl: int) -> int:
        now = time.monotonic()
        expires, count = self._counts.get(key, (now + ttl, 0))
        if expires <= now:
            expires, count = now + ttl, 0
        self._counts[key] = (expires, count + 1)
        if len(self._counts) > self._max:
            self._counts = {k: v for k, v in self._counts.items() if v[0] > now} or {}
            while len(self._counts) > self._max:  # still full of live windows: drop the oldest
                self._counts.pop(next(iter(self._counts)))
        return count + 1

    async def peek(self, key: str) -> int:
        expires, count = self._counts.get(key, (0.0, 0))
        return count if expires > time.monotonic() else 0

    async def forget(self, key: str) -> None:
        self._counts.pop(key, None)


class RedisCounter:
    """Counts in Redis, shared by every instance; falls back to ``fallback`` when Redis fails."""

    def __init__(self, redis_url: str, fallback: Counter) -> None:
        from redis.asyncio import Redis

        self._redis = Redis.from_url(redis_url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self._fallback = fallback
        self._warned = False

    async def incr(self, key: str, ttl: int) -> int:
        try:
            async with self._redis.pipeline(transaction=True) as pipe:
                pipe.incr(key)
                pipe.expire(key, ttl, nx=True)
                count, _ = await pipe.execute()
            return int(count)
        except Exception as exc:  # noqa: BLE001 - any Redis trouble: count here instead
            self._unavailable(exc)
            return await self._fallback.incr(key, ttl)

    async def peek(self, key: str) -> int:
        try:
            value = await self._redis.get(key)
        except Exception as exc:  # noqa: BLE001
            self._unavailable(exc)
            return await self._fallback.peek(key)
        return int(value) if value is not None else await self._fallback.peek(key)

    async def forget(self, key: str) -> None:
        await self._fallback.forget(key)  # what was counted here while Redis was away
        try:
            await self._redis.delete(key)
        except Exception as exc:  # noqa: BLE001
            self._unavailable(exc)

    def _unavailable(self, exc: Exception) -> None:
        if not self._warned:
            log.warning("rate limits: Redis unavailable (%s); counting in this process", type(exc).__name__)
            self._warned = True

    async def close(self) -> None:
        await self._redis.aclose()


class RateLimiter:
    """``await limiter.check("survey_address", address)`` raises RateLimited past the budget."""

    def __init__(self, spec: str | None, secret: str, redis_url: str | None = None,
                 clock: Callable[[], float] = time.time) -> None:
        self.limits = parse_limits(spec)
        self._secret = hashlib.sha256(b"rate-limit:" + secret.encode()).digest()
        local = LocalCounter()
        # Redis even with the limits off: the login throttle (app/security/throttle.py) counts here too.
        self.counter: Counter = RedisCounter(redis_url, local) if redis_url else local
        self.clock = clock

    def key(self, name: str, who: str, number: int) -> str:
        """The counter key of ``who`` (hashed: it is personal data) for limit ``name``'s window ``number``."""
        digest = hmac.new(self._secret, who.encode(), hashlib.sha256).hexdigest()[:24]
        return f"firstline:rl:{name}:{digest}:{number}"

    async def check(self, name: str, who: str) -> None:
        if self.limits is None:
            return
        limit = self.limits[name]
        now = self.clock()
        number, left = window(limit, now)
        count = await self.counter.incr(self.key(name, who, number), left + 1)
        wait = refused_for(count, limit, now)
        if wait:
            raise RateLimited(name, limit, wait)

    async def close(self) -> None:
        if isinstance(self.counter, RedisCounter):
            await self.counter.close()
