"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from handlers.views import certification, polls, settings, wellbeing, workspace_settings


def register(app: App) -> None:
    settings.register(app)
    workspace_settings.register(app)
    certification.register(app)
    wellbeing.register(app)
    polls.register(app)
