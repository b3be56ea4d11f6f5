"""Login throttling: failures per username and per client address, in this process.

Per process on purpose: behind N instances an attacker gets N× the budget, which with a
5-per-10-minutes budget and argon2id hashing is still far too slow to guess passwords.
"""

from __future__ import annotations

import time
from collections import defaultdict, deque


class LoginThrottle:
    def __init__(self, max_failures: int = 5, window_seconds: float = 600.0) -> None:
        self.max_failures = max_failures
        self.window = window_seconds
        self._failures: dict[str, deque[float]] = defaultdict(deque)

    def _prune(self, key: str, now: float) -> deque[float]:
        q = self._failures[key]
        while q and now - q[0] > self.window:
            q.popleft()
        if not q:
            self._failures.pop(key, None)
        return q

    def retry_after(self, *keys: str) -> int:
        """Seconds to wait, or 0 when a login attempt may be tried."""
        now = time.monotonic()
        waits = []
        for key in keys:
            q = self._prune(key, now)
            if len(q) >= self.max_failures:
                waits.append(int(self.window - (now - q[0])) + 1)
        return max(waits, default=0)

    def failed(self, *keys: str) -> None:
        now = time.monotonic()
        for key in keys:
            self._failures[key].append(now)
            if len(self._failures) > 100_000:  # bounded memory under a spray of usernames
                self._failures.pop(next(iter(self._failures)))

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
