"""Lessons, questions, results and App Home, as messages."""

from __future__ import annotations

from typing import Any

from bot.core.content.library import ContentLibrary
from bot.core.content.schema import Lesson, Question
from bot.core.i18n import Trusted, slack_escape
from bot.core.render import Message, Renderer, lines
from bot.learning.models import QuizItem
from bot.learning.progress import INACTIVE_AFTER_WORKING_DAYS, LearningSummary, TeamProgress

INACTIVE_NAMES_BUDGET = 2500  # escaped characters of names: with the wording, below a section's 3,000


def lesson_card(
    renderer: Renderer, library: ContentLibrary, lesson: Lesson, locale: str, *, footer: bool = True, intro: str = ""
) -> Message:
    module = library.module_of(lesson.id)
    ordered = sorted((item for item in module.lessons if not item.retired), key=lambda item: item.order)
    number = next(index for index, item in enumerate(ordered, start=1) if item.id == lesson.id)
    return renderer.message(
        "lesson_card",
        locale,
        lesson=lesson,
        module=module,
        number=number,
        total=len(ordered),
        footer=footer,
        intro=intro,
    )


def quiz_question(
    renderer: Renderer, library: ContentLibrary, item: QuizItem, locale: str, number: int = 1, total: int = 1
) -> Message:
    return renderer.message(
        "quiz_question",
        locale,
        item_id=item.id,
        question=library.questions[item.question_id],
        number=number,
        total=total,
        practice=item.source == "practice",
        review=item.source == "review",
    )


def quiz_result(
    renderer: Renderer, question: Question, chosen: list[str], correct: bool, streak: int | None, locale: str
) -> Message:
    return renderer.message("quiz_result", locale, question=question, chosen=chosen, correct=correct, streak=streak)


def home_view(
    renderer: Renderer,
    library: ContentLibrary,
    locale: str,
    *,
    name: str,
    commands: list[str],
    summary: LearningSummary | None,
    certificate: Any = None,
) -> dict[str, Any]:
    learning = None
    if summary is not None:
        results = [
            ("✅ " if result.correct else "❌ ") + library.questions[result.question_id].prompt.get(locale)[:80]
            for result in summary.recent
            if result.question_id in library.questions
        ]
        learning = {
            "streak": summary.streak,
            "reviews_due": summary.reviews_due,
            "mastery": summary.mastery,
            "module_titles": {m.id: m.title.get(locale) for m in library.modules},
            "results": results,
            "paused_until": summary.paused_until,
        }
    return renderer.view(
        "home", locale, name=name, in_roster=True, commands=commands, learning=learning, certificate=certificate
    )


def team_progress_message(
    renderer: Renderer, library: ContentLibrary, progress: TeamProgress, locale: str, *, weekly: bool = False
) -> Message:
    modules = {m.id: m for m in library.modules}
    return renderer.message(
        "team_progress",
        locale,
        progress=progress,
        modules=modules,
        weakest_titles=[modules[s.module_id].title.get(locale) for s in progress.weakest],
        weekly=weekly,
        inactive_days=INACTIVE_AFTER_WORKING_DAYS,
        inactive_names=_inactive_names(renderer, locale, [learner.name for learner in progress.inactive]),
    )


def _inactive_names(renderer: Renderer, locale: str, names: list[str]) -> Trusted:
    """As many names as fit comfortably in one section (3,000 characters), then "and N more"."""
    shown: list[str] = []
    for name in names:
        if len(slack_escape(", ".join([*shown, name]))) > INACTIVE_NAMES_BUDGET:
            break
        shown.append(name)
    if len(shown) == len(names):
        return lines(*shown, sep=", ")
    return renderer.t(locale, "progress.inactive_more", names=", ".join(shown), more=len(names) - len(shown))
