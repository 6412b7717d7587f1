"""Slash commands: one umbrella `/coach` whose subcommands live in their own modules."""

from __future__ import annotations

from slack_bolt import App

from handlers.commands.coach import handle_coach


def register(app: App) -> None:
    app.command("/coach")(handle_coach)
