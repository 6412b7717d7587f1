"""The team picker: HR and admins choose which team's register or progress to see."""

from __future__ import annotations

from typing import Any

from slack_bolt import App

from bot.core.command_line import Invocation, roles_for
from bot.core.errors import UserError
from bot.core.slack_text import parse_id
from bot.people.messages import team_picker
from bot.people.teams import resolve_teams
from handlers.commands.cert import show_team
from handlers.commands.learning import show_progress
from handlers.request import SlackRequest
from handlers.surfaces import button

# what the picker was opened for -> the command whose roles it needs
PURPOSES = {"cert": Invocation("cert", ("team",)), "progress": Invocation("team", ("progress",))}


def register(app: App) -> None:
    app.action("team_pick")(button(pick))
    app.action("team_pick_page")(button(more_teams))


def _purpose(value: str) -> tuple[str, int]:
    purpose, _, number = value.partition(":")
    parsed = parse_id(number)
    if purpose not in PURPOSES or parsed is None:
        raise UserError("teams.gone")
    return purpose, parsed


def pick(incoming: SlackRequest, action: dict[str, Any]) -> None:
    purpose, team_id = _purpose(str((action.get("selected_option") or {}).get("value") or ""))
    incoming.require(*(roles_for(PURPOSES[purpose]) or ()))
    if purpose == "cert":
        show_team(incoming, 1, team_id=team_id)
    else:
        show_progress(incoming, team_id=team_id)


def more_teams(incoming: SlackRequest, action: dict[str, Any]) -> None:
    purpose, page = _purpose(str(action.get("value") or ""))
    viewer = incoming.require(*(roles_for(PURPOSES[purpose]) or ()))
    with incoming.deps.sessions() as session:
        scope = resolve_teams(session, viewer)
        choices = scope.choices or scope.teams
        incoming.reply(team_picker(incoming.deps.renderer, incoming.locale, purpose, choices, page))
