"""Capped exponential backoff with jitter, with the sleep and the random source injected."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field


@dataclass(frozen=True)
class BackoffPolicy:
    """``delay(n)`` for the n-th consecutive failure: base·2^(n-1), capped, then jittered.

    The jitter keeps between half and all of the delay ("equal jitter"), so many clients that
    lost the same server do not all come back in the same second, and no delay is ever zero.
    """

    base: float = 1.0
    cap: float = 300.0
    attempts: int = 5  # tries within one call before the error is raised to the caller

    def delay(self, failures: int, rand: float) -> float:
        if failures <= 0:
            return 0.0
        ceiling = min(self.cap, self.base * 2.0 ** min(failures - 1, 30))
        return ceiling / 2 + ceiling / 2 * rand


@dataclass
class Backoff:
    """Counts consecutive failures (across calls) and sleeps the policy's delay before a retry."""

    policy: BackoffPolicy = field(default_factory=BackoffPolicy)
    sleep: Callable[[float], None] = time.sleep
    rand: Callable[[], float] = random.random
    failures: int = 0

    def failed(self) -> None:
        self.failures += 1

    def succeeded(self) -> None:
        self.failures = 0

    def pause(self) -> float:
        """Sleep before the next attempt (nothing after a success); returns the delay slept."""
        seconds = self.policy.delay(self.failures, self.rand())
        if seconds > 0:
            self.sleep(seconds)
        return seconds
