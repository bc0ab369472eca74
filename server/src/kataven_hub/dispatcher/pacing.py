"""Dial pacing: a token bucket per account, so dials go out at an even rate no faster than
`DISPATCH_MAX_CPS` and the account's `calls_per_minute` (rather than in bursts that the cost
caps would refuse), and a hold-off after a cap refused a dial (its Retry-After).

The bucket alone would let `burst + 60 × rate` dials through in a minute, one second's worth
more than `calls_per_minute`, which the cap (a sliding 60 s) refuses. So the pacer also counts
its own grants over the last `WINDOW_SECONDS` and grants none past `calls_per_minute` there. The
window is a second longer than the cap's: a dial is counted by the cap a little after it was
granted, and that delay varies from dial to dial. Dials placed by other processes for the same
account are the cap's to refuse; the hold-off then pauses this pacer."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field

WINDOW_SECONDS = 61.0


@dataclass
class _Bucket:
    rate: float  # tokens per second
    tokens: float
    at: float
    blocked_until: float = 0.0
    per_minute: int | None = None
    # When each dial of the last WINDOW_SECONDS was granted, oldest first.
    grants: deque[float] = field(default_factory=deque)

    def expire(self, now: float) -> None:
        while self.grants and self.grants[0] <= now - WINDOW_SECONDS:
            self.grants.popleft()


class Pacer:
    def __init__(self) -> None:
        self._buckets: dict[str, _Bucket] = {}

    def take(
        self,
        account: str,
        want: int,
        rate: float,
        now: float | None = None,
        per_minute: int | None = None,
    ) -> int:
        """Up to `want` dials allowed now for `account` at `rate` per second and, when given,
        at most `per_minute` in any minute."""
        now = time.monotonic() if now is None else now
        burst = max(1.0, rate)  # at most one second's worth at once
        bucket = self._buckets.get(account)
        if bucket is None:
            bucket = self._buckets[account] = _Bucket(rate, burst, now)
        bucket.tokens = min(burst, bucket.tokens + (now - bucket.at) * rate)
        bucket.rate, bucket.at, bucket.per_minute = rate, now, per_minute
        bucket.expire(now)
        if now < bucket.blocked_until or want <= 0:
            return 0
        granted = min(want, int(bucket.tokens))
        if per_minute is not None:
            granted = min(granted, max(0, per_minute - len(bucket.grants)))
        bucket.tokens -= granted
        bucket.grants.extend([now] * granted)
        return granted

    def give_back(self, account: str, n: int) -> None:
        """Return `n` dials of a grant that were not placed (the newest grants first)."""
        bucket = self._buckets.get(account)
        if bucket is None or n <= 0:
            return
        bucket.tokens += n
        for _ in range(min(n, len(bucket.grants))):
            bucket.grants.pop()

    def hold(self, account: str, seconds: float, now: float | None = None) -> None:
        now = time.monotonic() if now is None else now
        bucket = self._buckets.get(account)
        if bucket is not None:
            bucket.blocked_until = max(bucket.blocked_until, now + seconds)

    def wait_hint(self, account: str, now: float | None = None) -> float:
        """Seconds until the next dial may go (to sleep no longer than needed)."""
        bucket = self._buckets.get(account)
        if bucket is None or bucket.rate <= 0:
            return 1.0
        now = time.monotonic() if now is None else now
        wait = max(0.0, (1.0 - bucket.tokens) / bucket.rate, bucket.blocked_until - now)
        bucket.expire(now)
        if bucket.per_minute is not None and len(bucket.grants) >= bucket.per_minute > 0:
            wait = max(wait, bucket.grants[0] + WINDOW_SECONDS - now)
        return wait
