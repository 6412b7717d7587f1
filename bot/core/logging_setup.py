"""Structured logs: JSON lines when stdout is not a terminal, readable lines when it is.

The standard library's loggers (ours, Bolt's, slack_sdk's, waitress's) all go through
structlog's formatter, so every line carries the same fields, including the request id
bound for the Slack request being handled.
"""

from __future__ import annotations

import contextvars
import logging
import sys
import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import IO, Any, Literal

import structlog

LogFormat = Literal["auto", "json", "console"]

_SHARED: list[Any] = [
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.stdlib.ExtraAdder(),  # fields passed as logging's extra={...}
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def configure_logging(
    log_format: LogFormat = "auto", *, level: int = logging.INFO, stream: IO[str] | None = None
) -> logging.Handler:
    """Route every logger through structlog; returns the handler installed on the root logger."""
    stream = stream or sys.stdout
    as_json = log_format == "json" or (log_format == "auto" and not stream.isatty())
    renderer: Any = structlog.processors.JSONRenderer() if as_json else structlog.dev.ConsoleRenderer(colors=False)
    structlog.configure(
        processors=[*_SHARED, structlog.stdlib.ProcessorFormatter.wrap_for_formatter],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    handler = logging.StreamHandler(stream)
    handler.setFormatter(
        structlog.stdlib.ProcessorFormatter(
            foreign_pre_chain=_SHARED,
            processors=[
                structlog.stdlib.ProcessorFormatter.remove_processors_meta,
                structlog.processors.format_exc_info,
                renderer,
            ],
        )
    )
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler


def new_request_id() -> str:
    return uuid.uuid4().hex[:12]


def bind_request(request_id: str | None = None, **fields: object) -> str:
    """Start a request's log context (a fresh one: threads are reused)."""
    request_id = request_id or new_request_id()
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id, **{k: v for k, v in fields.items() if v})
    return request_id


def bolt_request_context(body: dict[str, Any], next: Callable[[], Any]) -> Any:
    """Bolt global middleware: tag the request's logs with its team and user.

    HTTP mode has bound a request id already (bot.app.web); Socket Mode gets one here.
    """
    team = body.get("team_id") or (body.get("team") or {}).get("id")
    user = body.get("user_id") or (body.get("user") or {}).get("id") or (body.get("event") or {}).get("user")
    bound = structlog.contextvars.get_contextvars()
    if "request_id" not in bound:
        bind_request(None, team_id=team, user_id=user)
    else:
        structlog.contextvars.bind_contextvars(**{k: v for k, v in {"team_id": team, "user_id": user}.items() if v})
    return next()


class ContextExecutor(ThreadPoolExecutor):
    """Bolt's listener executor, carrying the request's log context into the listener thread.

    It also counts the work submitted and not yet finished (``busy``): a listener hands its
    after-ack work on before it returns, so while a request is being answered at least one
    executor is busy, and the playground's driver can tell an answer still coming from none.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._busy = 0
        self._busy_lock = threading.Lock()

    @property
    def busy(self) -> int:
        with self._busy_lock:
            return self._busy

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future[Any]:
        context = contextvars.copy_context()
        with self._busy_lock:
            self._busy += 1
        try:
            future = super().submit(context.run, fn, *args, **kwargs)
        except BaseException:
            self._finished(None)
            raise
        future.add_done_callback(self._finished)
        return future

    def _finished(self, _future: Future[Any] | None) -> None:
        with self._busy_lock:
            self._busy -= 1
