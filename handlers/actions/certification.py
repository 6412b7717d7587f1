"""Certification actions."""

from __future__ import annotations

from slack_bolt import App


def register(app: App) -> None:
    """Wire this feature's actions."""
