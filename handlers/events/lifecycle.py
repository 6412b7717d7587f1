"""The app's own life in a workspace: uninstalled, tokens revoked, and every other event
the manifest may deliver acknowledged (Bolt answers 404 to an event nobody listens to,
and in Socket Mode never acks it, so Slack retries and finally disables the subscription)."""

from __future__ import annotations

import logging
import re
from typing import Any

from slack_bolt import Ack, App

from bot.people.members import apply_slack_profile, find_member
from bot.people.uninstall import forget_install
from handlers.request import SlackRequest
from handlers.surfaces import event

log = logging.getLogger(__name__)


def register(app: App) -> None:
    app.event("app_uninstalled")(event(uninstalled))
    app.event("tokens_revoked")(event(tokens_revoked))
    app.event("user_change")(event(user_changed))


def register_fallbacks(app: App) -> None:
    """Last of all: Bolt runs the first listener that matches, so these only get the rest."""
    app.event(re.compile(r".*"))(acknowledge)
    app.view_closed(re.compile(r".*"))(closed_form)


def uninstalled(incoming: SlackRequest) -> None:
    _forget(incoming, "app_uninstalled")


def tokens_revoked(incoming: SlackRequest, event: dict[str, Any]) -> None:
    if (event.get("tokens") or {}).get("bot"):  # a user's token alone is nothing Coachbot holds
        _forget(incoming, "tokens_revoked")


def user_changed(incoming: SlackRequest, event: dict[str, Any]) -> None:
    """A member's profile changed in Slack: new timezone or language, or the account was
    deactivated (then nothing more is sent to them). People outside the roster are ignored."""
    user = event.get("user") or {}
    with incoming.deps.sessions.begin() as session:
        member = find_member(session, incoming.workspace_id, str(user.get("id") or ""))
        if member is not None:
            apply_slack_profile(session, member, user, incoming.deps.now())


def _forget(incoming: SlackRequest, reason: str) -> None:
    deps = incoming.deps
    with deps.sessions.begin() as session:
        cancelled = forget_install(session, incoming.workspace_id, deps.now(), reason=reason)
    log.warning("workspace %s: %s; %d unsent message(s) cancelled", incoming.workspace_id, reason, cancelled)


def closed_form(ack: Ack) -> None:
    """Someone closed a modal: nothing was submitted, so nothing changes."""
    ack()


def acknowledge(body: dict[str, Any]) -> None:
    kind = (body.get("event") or {}).get("type") or body.get("type")
    log.debug("acknowledged %s with nothing to do", kind)
