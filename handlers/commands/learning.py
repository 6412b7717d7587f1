"""`/coach lesson | quiz | streak | team progress [team]`: the daily lesson again, a practice
question, the streak, and (leads, HR) a team's learning progress."""

from __future__ import annotations

from bot.core.command_line import Invocation
from bot.core.errors import UserError
from bot.learning.lessons import delivered_lesson_ids, latest_lesson, next_lesson
from bot.learning.messages import lesson_card, quiz_question, team_progress_message
from bot.learning.quiz import practice_item
from bot.learning.streaks import streak
from bot.learning.use_cases import view_team_progress
from bot.people.messages import team_picker
from bot.people.teams import TeamScope
from handlers.commands.runner import Runner
from handlers.request import SlackRequest


def lesson(incoming: SlackRequest, _invocation: Invocation) -> None:
    """Today's (or the latest) lesson again; a preview before the first one."""
    member, deps = incoming.member_or_refuse(), incoming.deps
    with deps.sessions() as session:
        shown, day = latest_lesson(session, deps.library, member.id)
        upcoming = None if shown else next_lesson(deps.library, delivered_lesson_ids(session, member.id))
    if shown and day:
        intro = incoming.t("lesson.again", date=day.isoformat())
        incoming.ack(lesson_card(deps.renderer, deps.library, shown, incoming.locale, footer=False, intro=intro))
    elif upcoming:
        intro = incoming.t("lesson.preview", time=member.lesson_time or incoming.workspace.lesson_time)
        incoming.ack(lesson_card(deps.renderer, deps.library, upcoming, incoming.locale, footer=False, intro=intro))
    else:
        incoming.notice("lesson.finished")


def quiz(incoming: SlackRequest, _invocation: Invocation) -> None:
    """One extra practice question, answered in place."""
    member, deps = incoming.member_or_refuse(), incoming.deps
    with deps.sessions.begin() as session:
        item = practice_item(session, deps.library, member, deps.now())
        message = quiz_question(deps.renderer, deps.library, item, incoming.locale) if item else None
    if message is None:
        incoming.notice("quiz.nothing_to_practise")
    else:
        incoming.ack(message)


def streak_command(incoming: SlackRequest, _invocation: Invocation) -> None:
    """Working days in a row with at least one answer."""
    member = incoming.member_or_refuse()
    with incoming.deps.sessions() as session:
        result = streak(session, member.id, incoming.deps.content.calendar_for(incoming.workspace), incoming.today())
    if result.current == 0 and result.longest == 0:
        incoming.notice("streak.none")
        return
    today = "streak.done_today" if result.answered_today else "streak.open_today"
    text = incoming.t("streak.current", current=result.current, longest=result.longest) + "\n" + incoming.t(today)
    incoming.ack(incoming.render("notice", text=text))


def team(incoming: SlackRequest, invocation: Invocation) -> None:
    """`team progress [team]`: per-module accuracy, participation, weakest modules, inactive agents."""
    if not invocation.args or invocation.args[0].lower() != "progress":
        raise UserError("progress.usage")
    show_progress(incoming, name=" ".join(invocation.args[1:]) or None)


def show_progress(incoming: SlackRequest, *, name: str | None = None, team_id: int | None = None) -> None:
    """A lead's own team(s); HR and admins any team, picked from a list when not named."""
    viewer, deps = incoming.member_or_refuse(), incoming.deps
    with deps.sessions() as session:
        calendar = deps.content.calendar_for(incoming.workspace)
        found = view_team_progress(
            session, deps.library, viewer, calendar, incoming.today(), name=name, team_id=team_id
        )
        if isinstance(found, TeamScope):
            incoming.reply(team_picker(deps.renderer, incoming.locale, "progress", found.choices))
            return
    incoming.audit("progress.viewed", subject=", ".join(found.team_names))
    incoming.reply(team_progress_message(deps.renderer, deps.library, found, incoming.locale))


SUBCOMMANDS: dict[str, Runner] = {"lesson": lesson, "quiz": quiz, "streak": streak_command, "team": team}
