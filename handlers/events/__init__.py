"""Events API listeners."""

from __future__ import annotations

from slack_bolt import App

from handlers.events import lifecycle, onboarding
from handlers.events.app_home import publish_home


def register(app: App) -> None:
    app.event("app_home_opened")(publish_home)
    onboarding.register(app)
    lifecycle.register(app)


def register_fallbacks(app: App) -> None:
    """After every other listener (actions and views included): see lifecycle.register_fallbacks."""
    lifecycle.register_fallbacks(app)
