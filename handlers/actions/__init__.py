"""Button clicks and other block actions."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import certification, learning, polls, wellbeing
from handlers.actions.home import open_settings_from_home


def register(app: App) -> None:
    app.action("home_open_settings")(open_settings_from_home)
    learning.register(app)
    certification.register(app)
    wellbeing.register(app)
    polls.register(app)
