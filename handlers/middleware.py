"""Global middleware: hand listeners their dependencies, drop Slack's event retries."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

from bot.deps import CONTEXT_KEY, Deps, deps_of
from bot.services.events import first_delivery

log = logging.getLogger(__name__)


def inject_deps(deps: Deps) -> Callable[..., Any]:
    def middleware(context: Any, next: Callable[[], Any]) -> Any:
        context[CONTEXT_KEY] = deps
        return next()

    return middleware


def drop_retried_events(body: dict[str, Any], context: Any, next: Callable[[], Any]) -> Any:
    """Slack re-sends an event it thinks we missed (X-Slack-Retry-Num); handle each id once."""
    if body.get("type") != "event_callback" or not body.get("event_id"):
        return next()
    deps = deps_of(context)
    with deps.sessions.begin() as session:
        first = first_delivery(session, str(body["event_id"]), str(body.get("team_id") or ""), deps.now())
    if not first:
        log.info("dropping repeated delivery of event %s", body["event_id"])
        return BoltResponse(status=200, body="")
    return next()


def log_unhandled_errors(error: Exception, body: dict[str, Any], logger: logging.Logger) -> None:
    kind = body.get("type") or body.get("command") or "request"
    logger.exception("unhandled error in %s listener: %s", kind, error, exc_info=error)
