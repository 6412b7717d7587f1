"""Pacing outbound calls the way Slack wants them: a shared token bucket for the
workspace-wide rate that backs off on ``429 Retry-After``, and per-channel spacing."""

from __future__ import annotations

import threading
import time


class TokenBucket:
    """At most ``rate`` calls a second across all sender threads (no burst: Slack counts
    over a sliding window). A 429 pauses everyone for Retry-After and lowers the rate;
    successes raise it back towards the ceiling."""

    def __init__(self, rate: float, floor: float = 1.0) -> None:
        self.ceiling = self.rate = max(rate, floor)
        self.floor = floor
        self._tokens = 1.0
        self._stamp = time.monotonic()
        self._paused_until = 0.0
        self._lock = threading.Lock()
        self.penalties = 0

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                self._tokens = min(1.0, self._tokens + (now - self._stamp) * self.rate)
                self._stamp = now
                if now < self._paused_until:
                    wait = self._paused_until - now
                elif self._tokens >= 1.0:
                    self._tokens -= 1.0
                    return
                else:
                    wait = (1.0 - self._tokens) / self.rate
            time.sleep(wait)

    def penalize(self, retry_after: float) -> None:
        with self._lock:
            self.penalties += 1
            self._paused_until = max(self._paused_until, time.monotonic() + retry_after)
            self.rate = max(self.floor, self.rate * 0.8)
            self._tokens = 0.0

    def reward(self) -> None:
        with self._lock:
            self.rate = min(self.ceiling, self.rate + self.ceiling * 0.002)


class ChannelPacer:
    """About one message a second per channel, with the short bursts Slack allows
    (a lesson card and its questions go out together)."""

    def __init__(self, per_second: float = 1.0, burst: float = 4.0) -> None:
        self.per_second, self.burst = per_second, burst
        self._state: dict[str, tuple[float, float]] = {}  # lane -> (tokens, stamp)
        self._lock = threading.Lock()

    def _tokens(self, lane: str, now: float) -> float:
        tokens, stamp = self._state.get(lane, (self.burst, now))
        return min(self.burst, tokens + (now - stamp) * self.per_second)

    def ready_at(self, lane: str) -> float:
        with self._lock:
            now = time.monotonic()
            tokens = self._tokens(lane, now)
            return now if tokens >= 1.0 else now + (1.0 - tokens) / self.per_second

    def take(self, lane: str) -> None:
        with self._lock:
            now = time.monotonic()
            self._state[lane] = (self._tokens(lane, now) - 1.0, now)
