"""People's buttons: settings from App Home and the welcome DM, confirming a roster import."""

from __future__ import annotations

from typing import Any

from slack_bolt import App, Respond
from slack_sdk import WebClient

from bot.core.db.models import Role
from bot.core.errors import UserError
from bot.people.messages import settings_modal, workspace_settings_modal
from bot.people.roster import import_roster
from bot.people.roster_files import read_roster_file
from handlers.request import SlackRequest
from handlers.surfaces import button


def register(app: App) -> None:
    app.action("home_open_settings")(button(open_settings))
    app.action("workspace_settings_open")(button(open_workspace_settings))
    app.action("roster_import_confirm")(button(confirm_import))
    app.action("roster_import_cancel")(button(cancel_import))


def open_settings(incoming: SlackRequest) -> None:
    member = incoming.member_or_refuse()
    view = settings_modal(incoming.deps.renderer, incoming.locale, member, incoming.workspace)
    incoming.client.views_open(trigger_id=incoming.trigger_id, view=view)


def open_workspace_settings(incoming: SlackRequest) -> None:
    incoming.require(Role.ADMIN)
    view = workspace_settings_modal(incoming.deps.renderer, incoming.locale, incoming.workspace)
    incoming.client.views_open(trigger_id=incoming.trigger_id, view=view)


def confirm_import(incoming: SlackRequest, action: dict[str, Any], client: WebClient, respond: Respond) -> None:
    """The admin confirmed the preview: fetch the file again and import it in one transaction."""
    incoming.require(Role.ADMIN)
    deps = incoming.deps
    shared = (client.files_info(file=str(action.get("value") or "")).get("file")) or {}
    data = read_roster_file(shared, client.token, deps.settings)
    filename = str(shared.get("name") or "")
    with deps.sessions() as session:
        report = import_roster(session, incoming.workspace_id, data, deps.now(), incoming.user_id, filename=filename)
        if not report.ok:
            raise UserError("ops.roster.rejected", filename=str(shared.get("name") or ""))
        session.commit()
    done = incoming.t("ops.roster.imported", created=report.created, updated=report.updated)
    respond(replace_original=True, **incoming.render("notice", text=done).as_payload())


def cancel_import(incoming: SlackRequest, respond: Respond) -> None:
    respond(replace_original=True, **incoming.render("notice", text=incoming.t("ops.roster.cancelled")).as_payload())
