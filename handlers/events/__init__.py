"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from handlers.events import onboarding
from handlers.events.app_home import publish_home


def register(app: App) -> None:
    app.event("app_home_opened")(publish_home)
    onboarding.register(app)
