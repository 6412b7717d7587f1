"""First run: the first admin and their welcome DM, roster files shared in the bot's DM
(imported only after the admin confirms), and a clearer answer for people not in the roster."""

from __future__ import annotations

import json
import logging
import re
import urllib.request
from collections.abc import Callable
from typing import Any
from urllib.parse import urlparse

from slack_bolt import App, BoltResponse
from slack_sdk.errors import SlackApiError
from sqlalchemy import Select, select

from bot.core.command_line import parse
from bot.core.config import Settings
from bot.core.csv_safety import decode_upload
from bot.core.db.models import Member, Role
from bot.core.deps import deps_of
from bot.core.errors import UserError
from bot.core.i18n import Trusted
from bot.core.outbox import post_message
from bot.people.members import find_member
from bot.people.messages import queue_welcome
from bot.people.onboarding import is_admin, make_first_admin, preview_roster, slack_profile_fields
from bot.people.roster import import_roster
from bot.people.workspaces import ensure_workspace
from handlers.request import SlackRequest
from handlers.surfaces import answering
from handlers.views.workspace_settings import open_from_button

log = logging.getLogger(__name__)

MAX_ROSTER_BYTES = 2_000_000
SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,31}$")
SLACK_ADMIN_FLAGS = ("is_admin", "is_owner", "is_primary_owner")


def register(app: App) -> None:
    app.use(first_run)
    app.event("message")(roster_file_shared)
    app.action("roster_import_confirm")(confirm_import)
    app.action("roster_import_cancel")(cancel_import)
    app.action("workspace_settings_open")(open_from_button)


# ----- /coach in a workspace that is not set up, or by someone not in the roster -----------
def first_run(body: dict[str, Any], client: Any, context: Any, next: Callable[[], Any]) -> Any:
    """Global middleware for `/coach`: crown a Slack admin in an admin-less workspace; tell
    people outside the roster which admins can add them."""
    if body.get("command") != "/coach":
        return next()
    deps = deps_of(context)
    workspace_id, user_id = str(body.get("team_id") or ""), str(body.get("user_id") or "")
    with deps.sessions() as session:  # one short read; members pass straight through
        member = find_member(session, workspace_id, user_id)
        in_roster = member is not None and member.active
        admins = [] if in_roster else [m.slack_id for m in session.scalars(_admins(workspace_id))]
    if in_roster:
        return next()
    admins = [admin for admin in admins if SLACK_ID.match(admin)]
    if admins:
        return next() if _asks_for_help(body) else _not_in_roster(deps, workspace_id, user_id, admins)
    profile = _slack_profile(client, user_id)
    if any(profile.get(flag) for flag in SLACK_ADMIN_FLAGS):
        with deps.sessions.begin() as session:
            workspace = ensure_workspace(session, workspace_id, deps.settings, deps.now())
            name = str(profile.get("real_name") or profile.get("name") or user_id)
            if make_first_admin(
                session,
                workspace,
                user_id,
                name,
                deps.now(),
                how="slack_admin_first_command",
                **slack_profile_fields(profile),
            ):
                queue_welcome(session, deps.renderer, workspace, user_id, deps.now(), str(profile.get("locale") or ""))
    return next()


def _admins(workspace_id: str) -> Select[Member]:
    active_admins = (Member.workspace_id == workspace_id, Member.role == Role.ADMIN, Member.active.is_(True))
    return select(Member).where(*active_admins).order_by(Member.id).limit(5)


def _asks_for_help(body: dict[str, Any]) -> bool:
    try:
        return parse(str(body.get("text") or "")).name == "help"
    except UserError:
        return False


def _not_in_roster(deps: Any, workspace_id: str, user_id: str, admins: list[str]) -> BoltResponse:
    request = SlackRequest.load(deps, workspace_id, user_id)
    mentions = Trusted(", ".join(f"<@{admin}>" for admin in admins))
    message = request.render("error", text=request.t("ops.not_in_roster_admins", admins=mentions))
    payload = {"response_type": "ephemeral", **message.as_payload()}
    return BoltResponse(status=200, body=json.dumps(payload), headers={"content-type": "application/json"})


def _slack_profile(client: Any, user_id: str) -> dict[str, Any]:
    try:
        user = client.users_info(user=user_id, include_locale=True).get("user") or {}
    except SlackApiError as error:
        log.info("users.info for %s failed: %s", user_id, error.response.get("error"))
        return {}
    return user if isinstance(user, dict) else {}


# ----- a roster CSV shared in the bot's DM ------------------------------------------------
def roster_file_shared(event: dict[str, Any], body: dict[str, Any], client: Any, context: Any) -> None:
    if event.get("channel_type") != "im" or event.get("subtype") != "file_share" or event.get("bot_id"):
        return  # other DM messages: nothing to do
    deps = deps_of(context)
    workspace_id, user_id = str(body.get("team_id") or ""), str(event.get("user") or "")
    with deps.sessions() as session:
        admin = is_admin(session, workspace_id, user_id)
    request = SlackRequest.load(deps, workspace_id, user_id)
    for shared in event.get("files") or []:
        file_id, filename = str(shared.get("id") or ""), str(shared.get("name") or "roster.csv")
        if not admin:
            answer = request.render("notice", text=request.t("ops.roster.no_admins"))
        elif shared.get("filetype") != "csv" and not filename.lower().endswith(".csv"):
            answer = request.render("notice", text=request.t("ops.roster.not_csv", filename=filename))
        else:
            try:
                text = decode_upload(download(shared, client.token, deps.settings))
                answer = request.render(
                    "welcome_roster_preview", preview=preview_roster(text), file_id=file_id, filename=filename
                )
            except (ValueError, OSError) as error:  # a bad file, or Slack's file host unreachable
                answer = request.render(
                    "notice", text=request.t("ops.roster.download_failed", filename=filename, reason=str(error))
                )
        with deps.sessions.begin() as session:
            post_message(
                session,
                workspace_id=workspace_id,
                dedupe_key=f"roster-file:{file_id}",
                channel=user_id,
                message=answer,
                now=deps.now(),
            )


def download(shared: dict[str, Any], token: str | None, settings: Settings) -> bytes:
    """A shared file's content, fetched with the bot token, and only from Slack's own hosts."""
    url = str(shared.get("url_private_download") or shared.get("url_private") or "")
    address = urlparse(url)
    if address.scheme not in {"https", "http"} or address.netloc not in {
        "files.slack.com",
        urlparse(settings.slack_api_url).netloc,
    }:
        raise ValueError("not a Slack file address")
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})  # noqa: S310 - checked above
    with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310 - a Slack host, checked above
        if "text/html" in str(response.headers.get("Content-Type") or ""):
            raise ValueError("Slack sent a login page: the app needs the files:read scope")
        data: bytes = response.read(MAX_ROSTER_BYTES + 1)
    if len(data) > MAX_ROSTER_BYTES:
        raise ValueError("the file is larger than 2 MB")
    return data


# ----- the admin's confirmation -------------------------------------------------------------
def confirm_import(
    ack: Any, body: dict[str, Any], action: dict[str, Any], respond: Any, client: Any, context: Any
) -> None:
    ack()
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body["team"]["id"]), str(body["user"]["id"]), _respond=respond)
    request.acked = True

    def work() -> None:
        request.require(Role.ADMIN)
        shared = (client.files_info(file=str(action.get("value") or "")).get("file")) or {}
        filename = str(shared.get("name") or "")
        try:
            text = decode_upload(download(shared, client.token, deps.settings))
        except (ValueError, OSError) as error:
            raise UserError("ops.roster.download_failed", filename=filename, reason=str(error)) from None
        session = deps.sessions()
        try:
            report = import_roster(session, request.workspace_id, text, deps.now())
            if not report.ok:
                raise UserError("ops.roster.rejected", filename=filename)
            session.commit()
        finally:
            session.close()
        done = request.render(
            "notice", text=request.t("ops.roster.imported", created=report.created, updated=report.updated)
        )
        respond(replace_original=True, **done.as_payload())

    answering(request, work)


def cancel_import(ack: Any, body: dict[str, Any], respond: Any, context: Any) -> None:
    ack()
    request = SlackRequest.load(deps_of(context), str(body["team"]["id"]), str(body["user"]["id"]))
    respond(replace_original=True, **request.render("notice", text=request.t("ops.roster.cancelled")).as_payload())
