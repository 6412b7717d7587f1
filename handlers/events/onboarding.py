"""First run: the first admin and their welcome DM, roster files shared in the bot's DM
(imported only after the admin confirms: see handlers/actions/people.py), and a clearer
answer for people not in the roster."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from sqlalchemy import Select, select

from bot.core.command_line import help_keys, parse
from bot.core.db.models import Member, Role
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.i18n import Trusted
from bot.people.members import find_member
from bot.people.onboarding import is_admin, preview_roster
from bot.people.roster_files import ROSTER_FILETYPES, ROSTER_SUFFIXES, read_roster_file
from bot.people.use_cases import welcome_first_admin
from handlers.request import SlackRequest
from handlers.surfaces import event

log = logging.getLogger(__name__)

SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
SLACK_ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


def register(app: App) -> None:
    app.use(first_run)
    app.event("message")(event(direct_message))


# ----- /coach in a workspace that is not set up, or by someone not in the roster -----------
def first_run(body: dict[str, Any], client: WebClient, context: Any, next: Callable[[], Any]) -> Any:
    """Global middleware for `/coach`: crown a Slack admin in an admin-less workspace; tell
    people outside the roster which admins can add them."""
    if body.get("command") != "/coach":
        return next()
    incoming: SlackRequest = context["incoming"]
    deps = deps_of(context)
    with deps.sessions() as session:  # one short read; members pass straight through
        member = find_member(session, incoming.workspace_id, incoming.user_id)
        in_roster = member is not None and member.active
        admins = [] if in_roster else [m.slack_id for m in session.scalars(_admins(incoming.workspace_id))]
    if in_roster:
        return next()
    admins = [admin for admin in admins if SLACK_ID.match(admin)]
    if admins:
        return next() if _asks_for_help(body) else _not_in_roster(incoming, admins)
    profile = _slack_profile(client, incoming.user_id)
    if any(profile.get(flag) for flag in SLACK_ADMIN_FLAGS):
        with deps.sessions.begin() as session:
            welcome_first_admin(
                session,
                incoming.notifier,
                deps.settings,
                incoming.workspace_id,
                incoming.user_id,
                profile,
                how="slack_admin_first_command",
            )
    return next()


def _admins(workspace_id: str) -> Select[Any]:
    active_admins = (Member.workspace_id == workspace_id, Member.role == Role.ADMIN, Member.active.is_(True))
    return select(Member).where(*active_admins).order_by(Member.id).limit(5)


def _asks_for_help(body: dict[str, Any]) -> bool:
    try:
        return parse(str(body.get("text") or "")).name == "help"
    except UserError:
        return False


def _not_in_roster(incoming: SlackRequest, admins: list[str]) -> BoltResponse:
    mentions = Trusted(", ".join(f"<@{admin}>" for admin in admins))
    message = incoming.render("error", text=incoming.t("ops.not_in_roster_admins", admins=mentions))
    payload = {"response_type": "ephemeral", **message.as_payload()}
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def _slack_profile(client: WebClient, user_id: str) -> dict[str, Any]:
    try:
        user = client.users_info(user=user_id, include_locale=True).get("user") or {}
    except SlackApiError as error:
        log.info("users.info for %s failed: %s", user_id, error.response.get("error"))
        return {}
    return user if isinstance(user, dict) else {}


# ----- the bot's DM: a roster CSV shared, or someone writing to it -----------------------
def direct_message(incoming: SlackRequest, event: dict[str, Any], client: WebClient) -> None:
    if event.get("channel_type") != "im" or event.get("bot_id") or not event.get("user"):
        return  # the bot's own messages, and messages elsewhere
    if event.get("subtype") == "file_share":
        roster_file_shared(incoming, event, client)
    elif not event.get("subtype"):  # edits, deletions and joins need no answer
        answer_with_help(incoming, event)


def answer_with_help(incoming: SlackRequest, event: dict[str, Any]) -> None:
    """Coachbot works through `/coach`, not chat: answer a written DM with what this person
    can do (once per message, however often Slack re-delivers it)."""
    role = incoming.member.role if incoming.member and incoming.member.active else None
    message = incoming.render("help", commands=help_keys(role), in_roster=role is not None)
    channel = str(event.get("channel") or incoming.user_id)
    with incoming.deps.sessions.begin() as session:
        incoming.notifier.send(session, incoming.workspace_id, channel, message, f"dm-help:{channel}:{event.get('ts')}")


def roster_file_shared(incoming: SlackRequest, event: dict[str, Any], client: WebClient) -> None:
    """Answer each shared file in the DM with a preview to confirm, or why it cannot be read."""
    deps = incoming.deps
    with deps.sessions() as session:
        admin = is_admin(session, incoming.workspace_id, incoming.user_id)
    for shared in event.get("files") or []:
        file_id, filename = str(shared.get("id") or ""), str(shared.get("name") or "roster.csv")
        if not admin:
            answer = incoming.render("notice", text=incoming.t("ops.roster.no_admins"))
        elif shared.get("filetype") not in ROSTER_FILETYPES and not filename.lower().endswith(ROSTER_SUFFIXES):
            answer = incoming.render("notice", text=incoming.t("ops.roster.not_csv", filename=filename))
        else:
            try:
                data = read_roster_file(shared, client.token, deps.settings)
                preview = preview_roster(data, filename)
                answer = incoming.render("welcome_roster_preview", preview=preview, file_id=file_id, filename=filename)
            except UserError as error:
                answer = incoming.render("notice", text=incoming.error_text(error))
        with deps.sessions.begin() as session:
            incoming.notifier.send(session, incoming.workspace_id, incoming.user_id, answer, f"roster-file:{file_id}")
