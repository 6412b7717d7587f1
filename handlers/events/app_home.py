"""App Home: what the person can do here, refreshed each time they open the tab."""

from __future__ import annotations

from typing import Any

from bot.commands import visible_to
from bot.deps import deps_of
from handlers.request import SlackRequest


def publish_home(event: dict[str, Any], body: dict[str, Any], client: Any, context: Any) -> None:
    if event.get("tab") not in (None, "home"):
        return
    request = SlackRequest.load(deps_of(context), str(body.get("team_id") or ""), str(event["user"]))
    member = request.member if request.member and request.member.active else None
    view = request.deps.renderer.view(
        "home",
        request.locale,
        name=member.name if member else "",
        in_roster=member is not None,
        commands=[sub.name for sub in visible_to(member.role if member else None)],
    )
    client.views_publish(user_id=request.user_id, view=view)
