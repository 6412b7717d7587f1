"""Slack-like rate limits for the simulator: a workspace-wide ceiling per method and,
for posting, about one message per second per channel with short bursts allowed."""

from __future__ import annotations

import math
import threading
import time
from collections import defaultdict, deque


class RateLimiter:
    def __init__(
        self, per_second: dict[str, float], per_channel_per_second: float | None = None, channel_burst: float = 4.0
    ) -> None:
        self.per_second = per_second
        self.per_channel_per_second = per_channel_per_second
        self.channel_burst = channel_burst
        self._calls: dict[str, deque[float]] = defaultdict(deque)
        self._channel_tokens: dict[str, tuple[float, float]] = {}
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
            rate = self.per_channel_per_second
            if rate and channel and method == "chat.postMessage":
                tokens, stamp = self._channel_tokens.get(channel, (self.channel_burst, now))
                tokens = min(self.channel_burst, tokens + (now - stamp) * rate)
                if tokens < 1.0:
                    self.limited += 1
                    return max(1, math.ceil((1.0 - tokens) / rate))
                self._channel_tokens[channel] = (tokens - 1.0, now)
            if limit:
                self._calls[method].append(now)
            return None
