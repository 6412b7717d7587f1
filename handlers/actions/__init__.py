"""Button clicks and other block actions."""

from __future__ import annotations

import re

from slack_bolt import App

from handlers.actions import certification, polls, wellbeing
from handlers.actions.home import open_settings_from_home
from handlers.actions.quiz import acknowledge_only, answer_quiz


def register(app: App) -> None:
    app.action("home_open_settings")(open_settings_from_home)
    app.action(re.compile(r"^quiz_answer_[a-z]$"))(answer_quiz)
    app.action("quiz_submit")(answer_quiz)
    app.action("quiz_choices")(acknowledge_only)
    certification.register(app)
    wellbeing.register(app)
    polls.register(app)
