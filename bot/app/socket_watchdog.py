"""Socket Mode watchdog: notice a connection that died without saying so, and reconnect.

slack_sdk's built-in client pings every few seconds and reconnects when its socket closes
or its pongs stop, but that check runs on a monitor thread of its own; when the process
sleeps through a laptop lid, a NAT drops the flow, or the monitor thread itself dies, the
bot can sit "connected" and deaf. This independent thread looks at the same signals (is
the socket open, when did the last pong arrive) and forces a fresh connection.

The decision is a pure function, :func:`reconnect_reason`, tested on its own; the thread
only gathers an :class:`Observation` from the client and acts on the answer.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from slack_sdk.socket_mode.client import BaseSocketModeClient

from bot.core.metrics import SOCKET_RECONNECTS

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Policy:
    max_silence: float = 60.0  # no pong for this long: the socket is dead even if it looks open
    grace: float = 30.0  # closed for this long: slack_sdk's own reconnect has not managed
    cooldown: float = 30.0  # at most one forced reconnect per cooldown, so a Slack outage is not hammered


@dataclass(frozen=True)
class Observation:
    now: float  # time.time(), the clock slack_sdk stamps its pongs with
    connected: bool
    last_pong: float | None
    watching_since: float  # when this session was first seen; stands in for a pong that never came
    disconnected_since: float | None
    last_reconnect: float | None


def reconnect_reason(seen: Observation, policy: Policy = Policy()) -> str | None:
    """Why the connection must be replaced now, or None if it is healthy (or was just replaced)."""
    if seen.last_reconnect is not None and seen.now - seen.last_reconnect < policy.cooldown:
        return None
    if not seen.connected:
        down = seen.now - seen.disconnected_since if seen.disconnected_since is not None else 0.0
        return f"disconnected for {down:.0f} s" if down >= policy.grace else None
    heard = max(seen.last_pong or 0.0, seen.watching_since)
    silence = seen.now - heard
    return f"no pong for {silence:.0f} s" if silence >= policy.max_silence else None


class SocketModeWatchdog:
    def __init__(
        self,
        client: BaseSocketModeClient,
        policy: Policy = Policy(),
        *,
        interval: float = 10.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.socket, self.policy, self.interval, self.clock = client, policy, interval, clock
        self._session: str | None = None
        self._watching_since = clock()
        self._disconnected_since: float | None = None
        self._last_reconnect: float | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="socket-watchdog", daemon=True)

    def observe(self) -> Observation:
        now = self.clock()
        session = getattr(self.socket, "current_session", None)
        session_id = getattr(session, "session_id", None)
        if session_id != self._session:
            self._session, self._watching_since = session_id, now
        connected = self.socket.is_connected()
        if connected:
            self._disconnected_since = None
        elif self._disconnected_since is None:
            self._disconnected_since = now
        last_pong = getattr(session, "last_ping_pong_time", None)
        return Observation(
            now, connected, last_pong, self._watching_since, self._disconnected_since, self._last_reconnect
        )

    def check(self) -> str | None:
        """One look; reconnects when needed and returns the reason (None: healthy)."""
        seen = self.observe()
        reason = reconnect_reason(seen, self.policy)
        if reason is None:
            return None
        self._last_reconnect = seen.now
        SOCKET_RECONNECTS.inc()
        log.warning("Socket Mode connection looks dead (%s); reconnecting", reason)
        try:
            self.socket.connect_to_new_endpoint(force=True)
        except Exception as error:  # Slack unreachable: the next check after the cooldown tries again
            log.error("Socket Mode reconnect failed: %s", error)
        return reason

    def start(self) -> SocketModeWatchdog:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.wait(self.interval):
            try:
                self.check()
            except Exception:
                log.exception("Socket Mode watchdog check failed")
