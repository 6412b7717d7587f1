"""Bolt listeners, one package per kind; each package's register(app) wires its callbacks."""

from __future__ import annotations

from slack_bolt import App

from bot.core.deps import Deps
from handlers import actions, commands, events, views
from handlers.middleware import (
    OwnWorkspaceOnly,
    ReplayGuard,
    attach_request,
    drop_retried_events,
    inject_deps,
    log_unhandled_errors,
)


def register_all(app: App, deps: Deps) -> None:
    app.use(ReplayGuard())
    app.use(inject_deps(deps))
    app.use(OwnWorkspaceOnly())
    app.use(drop_retried_events)
    app.use(attach_request)
    app.error(log_unhandled_errors)
    commands.register(app)
    actions.register(app)
    views.register(app)
    events.register(app)
    events.register_fallbacks(app)
