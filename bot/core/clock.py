"""The playground's one clock: `tick` travels it, and every click, command and job after
that reads the same time, still moving forward at real speed from where it landed."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime, timedelta


class TravelClock:
    """A callable clock (``Deps.clock``) that can be moved to any instant."""

    def __init__(self, start: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self._origin, self._since = datetime.now(UTC), time.monotonic()
        if start is not None:
            self.travel_to(start)

    def __call__(self) -> datetime:
        with self._lock:
            return self._origin + timedelta(seconds=time.monotonic() - self._since)

    def travel_to(self, instant: datetime) -> None:
        if instant.tzinfo is None:
            raise ValueError("travel_to needs an aware datetime")
        with self._lock:
            self._origin, self._since = instant.astimezone(UTC), time.monotonic()
