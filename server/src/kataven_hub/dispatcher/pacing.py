"""Dial pacing: a token bucket per account, so dials go out at an even rate no faster than
`DISPATCH_MAX_CPS` and the account's `calls_per_minute` (rather than in bursts that the cost
caps would refuse), and a hold-off after a cap refused a dial (its Retry-After)."""

from __future__ import annotations

import time
from dataclasses import dataclass


@dataclass
class _Bucket:
    rate: float  # tokens per second
    tokens: float
    at: float
    blocked_until: float = 0.0


class Pacer:
    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}

    def take(self, account: str, want: int, rate: float, now: float | None = None) -> int:
        """Up to `want` dials allowed now for `account` at `rate` per second."""
        now = time.monotonic() if now is None else now
        burst = max(1.0, rate)  # at most one second's worth at once
        bucket = self._buckets.get(account)
        if bucket is None:
            bucket = self._buckets[account] = _Bucket(rate, burst, now)
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.rate, bucket.at = rate, now
        if now < bucket.blocked_until or want <= 0:
            return 0
        granted = min(want, int(bucket.tokens))
        bucket.tokens -= granted
        return granted

    def give_back(self, account: str, n: int) -> None:
        bucket = self._buckets.get(account)
        if bucket is not None and n > 0:
            bucket.tokens += n

    def hold(self, account: str, seconds: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(account)
        if bucket is not None:
            bucket.blocked_until = max(bucket.blocked_until, now + seconds)

    def wait_hint(self, account: str) -> float:
        """Seconds until the next token (to sleep no longer than needed)."""
        bucket = self._buckets.get(account)
        if bucket is None or bucket.rate <= 0:
            return 1.0
        return max(0.0, (1.0 - bucket.tokens) / bucket.rate)
