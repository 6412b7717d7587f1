"""Slack-like rate limits for the simulator: a workspace-wide ceiling per method and,
for posting, about one message per second per channel."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque


class RateLimiter:
    def __init__(self, per_second: dict[str, float], per_channel_per_second: float | None = None) -> None:
        self.per_second = per_second
        self.per_channel_per_second = per_channel_per_second
        self._calls: dict[str, deque[float]] = defaultdict(deque)
        self._channel_last: dict[str, float] = {}
        self._lock = threading.Lock()
        self.limited = 0

    def check(self, method: str, channel: str) -> int | None:
        """None when the call may go through, else the Retry-After seconds to answer."""
        now = time.monotonic()
        with self._lock:
            limit = self.per_second.get(method)
            if limit:
                window = self._calls[method]
                while window and now - window[0] >= 1.0:
                    window.popleft()
                if len(window) >= limit:
                    self.limited += 1
                    return max(1, math.ceil(1.0 - (now - window[0])))
            if self.per_channel_per_second and channel and method == "chat.postMessage":
                last = self._channel_last.get(channel)
                gap = 1.0 / self.per_channel_per_second
                if last is not None and now - last < gap:
                    self.limited += 1
                    return max(1, math.ceil(gap - (now - last)))
                self._channel_last[channel] = now
            if limit:
                self._calls[method].append(now)
            return None
