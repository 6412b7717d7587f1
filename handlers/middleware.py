"""Global middleware: hand listeners their dependencies and the request, drop Slack's event retries."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable
from typing import Any

from slack_bolt import BoltResponse

from bot.core.deps import CONTEXT_KEY, Deps, deps_of
from bot.core.events import first_delivery
from handlers.request import SlackRequest, apology, team_of

log = logging.getLogger(__name__)


def inject_deps(deps: Deps) -> Callable[..., Any]:
    def middleware(context: Any, next: Callable[[], Any]) -> Any:
        context[CONTEXT_KEY] = deps
        return next()

    return middleware


class OwnWorkspaceOnly:
    """Single-workspace mode (one bot token): a request signed with our secret but from
    another team (a Slack Connect channel, an org-wide install of the same app) is answered
    with an empty 200, so nobody there sees anything and no workspace row is created for it.

    The token's team comes from auth.test: the one Bolt made to authorize the request, or,
    for the events Bolt authorizes without one (app_uninstalled, tokens_revoked), our own
    call, made once. A token that no longer works cannot say its team; such an event is
    let through, as it is almost surely our own uninstall."""

    def __init__(self) -> None:
        self._team: str | None = None

    def __call__(self, context: Any, body: dict[str, Any], next: Callable[[], Any]) -> Any:
        if deps_of(context).settings.oauth_enabled:
            return next()  # every installed workspace is ours
        team = team_of(body)
        own = self._own_team(context)
        if team and own and team != own:
            log.warning("refusing a request from workspace %s: this bot's token belongs to %s", team, own)
            return BoltResponse(status=200, body="")
        return next()

    def _own_team(self, context: Any) -> str | None:
        if self._team is None:
            result = context.authorize_result
            if result is not None and result.bot_id and result.team_id:
                self._team = str(result.team_id)
            elif context.client is not None:
                try:
                    self._team = str(context.client.auth_test().get("team_id") or "") or None
                except Exception:
                    log.info("auth.test failed; cannot tell this bot's workspace", exc_info=True)
        return self._team


def attach_request(context: Any, body: dict[str, Any], next: Callable[[], Any]) -> Any:
    """Build who is asking once per request; listeners name it as ``incoming`` (the way
    Netflix/dispatch injects its session and user). Nothing is read from the database
    until a listener asks, so acks stay fast."""
    context["incoming"] = SlackRequest.from_body(deps_of(context), body, context.ack, context.respond, context.client)
    return next()


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


def log_unhandled_errors(
    error: Exception, body: dict[str, Any], logger: logging.Logger, respond: Any, context: Any
) -> None:
    """The last resort for an error no listener caught (say the database failed before the
    listener knew who was asking): log it with an id, and tell the person when Slack gave
    us a way to answer them."""
    error_id = uuid.uuid4().hex[:8]
    kind = body.get("type") or body.get("command") or "request"
    logger.error("error id %s: unhandled error in %s listener: %s", error_id, kind, error, exc_info=error)
    deps = context.get(CONTEXT_KEY) if context is not None else None
    if respond is None or deps is None or not (body.get("response_url") or body.get("response_urls")):
        return
    try:
        message = apology(deps, deps.settings.locale, error, error_id)
        respond(response_type="ephemeral", replace_original=False, **message.as_payload())
    except Exception:
        logger.warning("could not tell the user about error id %s", error_id, exc_info=True)


class ReplayGuard:
    """A signed request is accepted once: Bolt checks the signature and its 5-minute window,
    this refuses the same signature seen again inside that window (a replay)."""

    WINDOW_SECONDS = 5 * 60

    def __init__(self) -> None:
        self._seen: dict[str, float] = {}
        self._lock = threading.Lock()

    def __call__(self, req: Any, next: Callable[[], Any]) -> Any:
        signature = (req.headers.get("x-slack-signature") or [""])[0]
        if not signature:
            return next()  # Socket Mode has no signatures
        now = time.monotonic()
        with self._lock:
            if len(self._seen) > 50_000:
                self._seen = {s: t for s, t in self._seen.items() if now - t < self.WINDOW_SECONDS}
            seen_at = self._seen.get(signature)
            if seen_at is not None and now - seen_at < self.WINDOW_SECONDS:
                log.warning("refusing a replayed request")
                return BoltResponse(status=401, body="")
            self._seen[signature] = now
        return next()
