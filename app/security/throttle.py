"""Login throttling: failed logins per username and per client address, shared by every instance.

The budget is the domain's (LOGIN_FAILURES) over a sliding span (`sliding_wait`: this window's
count and the last one's, weighed), counted by the rate limiter's counter
(app/security/rate_limit.py): in Redis when FIRSTLINE_REDIS_URL is set, so that N
instances behind a balancer allow one budget, not N; in this process otherwise (or while Redis
does not answer). Keys carry a keyed hash of the username or address, never the value.

A login is checked before the password (`retry_after`), and a failure counted after it
(`failed`): attempts that are in flight together are all checked against the count before any
of them failed, so a burst can pass a few more than the budget — as it could per process before.
"""

from __future__ import annotations

from app.domain.rate_limits import LOGIN_FAILURES, Limit, sliding_wait, window
from app.security.rate_limit import RateLimiter

NAME = "login"


class LoginThrottle:
    def __init__(self, limiter: RateLimiter, limit: Limit = LOGIN_FAILURES) -> None:
        self._limiter = limiter
        self.limit = limit

    def _key(self, who: str, number: int) -> str:
        return self._limiter.key(NAME, who, number)

    async def retry_after(self, *keys: str) -> int:
        """Seconds to wait, or 0 when a login attempt may be tried (``keys``: ``user:…``, ``addr:…``)."""
        now = self._limiter.clock()
        number = window(self.limit, now)[0]
        peek = self._limiter.counter.peek
        waits = [
            sliding_wait(await peek(self._key(who, number - 1)), await peek(self._key(who, number)), self.limit, now)
            for who in keys
        ]
        return max(waits, default=0)

    async def failed(self, *keys: str) -> None:
        now = self._limiter.clock()
        number, left = window(self.limit, now)
        ttl = left + self.limit.seconds + 1  # read again as the last window during the next one
        for who in keys:
            await self._limiter.counter.incr(self._key(who, number), ttl)

    async def succeeded(self, *keys: str) -> None:
        number = window(self.limit, self._limiter.clock())[0]
        for who in keys:
            for n in (number - 1, number):
                await self._limiter.counter.forget(self._key(who, n))
