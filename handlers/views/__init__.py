"""Modal submissions."""

from __future__ import annotations

from slack_bolt import App

from handlers.views import certification, polls, wellbeing
from handlers.views.settings import submit_settings
from handlers.views.workspace_settings import submit_workspace_settings


def register(app: App) -> None:
    app.view("settings")(submit_settings)
    app.view("workspace_settings")(submit_workspace_settings)
    certification.register(app)
    wellbeing.register(app)
    polls.register(app)
