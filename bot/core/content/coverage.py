"""Coverage of the library (module x lessons/questions/kinds) and its minimums."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from bot.core.content.library import ContentLibrary, Problem
from bot.core.content.schema import QuestionKind

MIN_LESSONS_PER_MODULE = 5
MIN_QUESTIONS_PER_MODULE = 15
MIN_QUESTIONS_TOTAL = 250
PUBLISHED_IDS = "published_ids.txt"


def coverage_rows(library: ContentLibrary) -> list[tuple[str, int, int, int, int, int, int]]:
    rows = []
    for module in library.modules:
        active = [q for q in module.questions if not q.retired]
        kinds = Counter(q.kind for q in active)
        rows.append(
            (
                module.id,
                sum(1 for lesson in module.lessons if not lesson.retired),
                len(active),
                kinds[QuestionKind.SINGLE],
                kinds[QuestionKind.MULTIPLE],
                kinds[QuestionKind.TRUE_FALSE],
                kinds[QuestionKind.SCENARIO],
            )
        )
    return rows


def coverage_problems(library: ContentLibrary) -> list[Problem]:
    problems = []
    for module_id, lessons, questions, *_kinds, scenarios in coverage_rows(library):
        file = f"modules/{module_id}.yaml"
        if lessons < MIN_LESSONS_PER_MODULE:
            problems.append(Problem(file, "", "lessons", f"{lessons} lessons; a module needs {MIN_LESSONS_PER_MODULE}"))
        if questions < MIN_QUESTIONS_PER_MODULE:
            problems.append(Problem(file, "", "questions", f"{questions} questions; needs {MIN_QUESTIONS_PER_MODULE}"))
        if scenarios == 0:
            problems.append(Problem(file, "", "questions", "no scenario question; every module needs some"))
    total = sum(row[2] for row in coverage_rows(library))
    if total < MIN_QUESTIONS_TOTAL:
        problems.append(
            Problem("modules", "", "", f"{total} questions in all; the library needs {MIN_QUESTIONS_TOTAL}")
        )
    return problems


def published_ids(content_dir: Path) -> set[str]:
    path = content_dir / PUBLISHED_IDS
    if not path.exists():
        return set()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def stability_problems(library: ContentLibrary, content_dir: Path) -> list[Problem]:
    """A published id never disappears: learners' history points at it. Retire instead."""
    present = set(library.lessons) | set(library.questions)
    return [
        Problem(PUBLISHED_IDS, item, "", "was published but is gone; restore it with `retired: true` instead")
        for item in sorted(published_ids(content_dir) - present)
    ]
