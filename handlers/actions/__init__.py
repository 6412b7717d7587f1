"""Button clicks and other block actions."""

from __future__ import annotations

from slack_bolt import App

from handlers.actions import certification, learning, people, polls, teams, wellbeing


def register(app: App) -> None:
    people.register(app)
    learning.register(app)
    certification.register(app)
    wellbeing.register(app)
    polls.register(app)
    teams.register(app)
