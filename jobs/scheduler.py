"""APScheduler 3 only says "tick now"; the database says what is due.

The outbox also has a pump: a handler that queues a message wakes it, so a reply goes
out at once instead of at the next tick.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime

from apscheduler.schedulers.background import BackgroundScheduler

from bot.core.metrics import record_drain
from bot.core.outbox import OutboxSender
from jobs import run_due_jobs
from jobs.context import JobContext

log = logging.getLogger(__name__)

TICK_SECONDS = 60  # the lesson dispatch runs every minute
PUMP_IDLE_SECONDS = 2.0


class OutboxPump:
    def __init__(self, sender: OutboxSender, clock: Callable[[], datetime]) -> None:
        self.sender, self.clock = sender, clock
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, name="outbox-pump", daemon=True)

    def start(self) -> OutboxPump:
        self._thread.start()
        return self

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(timeout=5)

    def _loop(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(PUMP_IDLE_SECONDS)
            self._wake.clear()
            try:
                record_drain(self.sender.drain(self.clock()))
            except Exception:
                log.exception("outbox drain failed; retrying on the next wake-up")


def start_scheduler(make_context: Callable[[], JobContext]) -> BackgroundScheduler:
    scheduler = BackgroundScheduler(timezone="UTC")

    def tick() -> None:
        try:
            results = run_due_jobs(make_context())
            log.debug("tick: %s", results)
        except Exception:
            log.exception("scheduled tick failed; the next tick retries what is still due")

    scheduler.add_job(tick, "interval", seconds=TICK_SECONDS, id="tick", max_instances=1, coalesce=True)
    scheduler.start()
    return scheduler
