"""App Home: streak, reviews due, mastery and last answers; refreshed each time it is opened."""

from __future__ import annotations

from typing import Any

from bot.certification.certificates import current_certificate
from bot.certification.messages import home_certificate
from bot.core.command_line import help_keys
from bot.core.db.models import Workspace
from bot.core.deps import deps_of
from bot.core.localtime import local_today
from bot.learning.messages import home_view
from bot.learning.progress import learning_summary
from bot.wellbeing.checkins import home_summary
from bot.wellbeing.messages import wellbeing_home_blocks
from handlers.request import SlackRequest


def publish_home(event: dict[str, Any], body: dict[str, Any], client: Any, context: Any) -> None:
    if event.get("tab") not in (None, "home"):
        return
    deps = deps_of(context)
    request = SlackRequest.load(deps, str(body.get("team_id") or ""), str(event["user"]))
    member = request.member if request.member and request.member.active else None
    if member is None:
        view = deps.renderer.view(
            "home", request.locale, name="", in_roster=False, commands=["help"], learning=None, certificate=None
        )
    else:
        with deps.sessions() as session:
            workspace = session.get(Workspace, member.workspace_id)
            assert workspace is not None
            now = deps.now()
            summary = learning_summary(
                session,
                deps.library,
                member,
                deps.content.calendar_for(workspace),
                local_today(member, workspace, now),
                now,
            )
            certificate = home_certificate(deps.renderer, request.locale, current_certificate(session, member.id))
            wellbeing = wellbeing_home_blocks(deps.renderer, request.locale, *home_summary(session, member, now))
        commands = help_keys(member.role)
        view = home_view(
            deps.renderer,
            deps.library,
            request.locale,
            name=member.name,
            commands=commands,
            summary=summary,
            certificate=certificate,
        )
        view["blocks"][2:2] = wellbeing  # the check-in section, right below the greeting
    client.views_publish(user_id=request.user_id, view=view)
