"""The loaded content library and the problems found in it."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from bot.core.content.schema import CopingLibrary, ExamBlueprint, Lesson, Module, Question, Rubric

# Installed with the code (a wheel unpacks it to disk), so this is a real directory.
CONTENT_DIR = Path(str(resources.files("content")))
_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml is ~10x faster when present


def parse_yaml(text: str) -> Any:
    """Safe YAML parsing (no object construction), using libyaml when it is installed."""
    return yaml.load(text, Loader=_YAML_LOADER)  # noqa: S506 - a safe loader class


@dataclass(frozen=True)
class Problem:
    file: str
    item: str
    field: str
    message: str

    def __str__(self) -> str:
        where = " ".join(part for part in (self.item, self.field) if part)
        return f"{self.file}: {where}: {self.message}" if where else f"{self.file}: {self.message}"


class ContentError(Exception):
    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class ContentLibrary:
    modules: list[Module]
    coping: CopingLibrary
    rubrics: list[Rubric]
    exams: list[ExamBlueprint]
    problems: list[Problem] = field(default_factory=list)

    @cached_property
    def lessons(self) -> dict[str, Lesson]:
        return {lesson.id: lesson for m in self.modules for lesson in m.lessons}

    @cached_property
    def questions(self) -> dict[str, Question]:
        return {q.id: q for m in self.modules for q in m.questions}

    @cached_property
    def curriculum(self) -> list[Lesson]:
        """Active lessons in teaching order: module order, then lesson order."""
        return [
            lesson
            for module in self.modules
            for lesson in sorted(module.lessons, key=lambda item: item.order)
            if not lesson.retired
        ]

    def module_of(self, lesson_id: str) -> Module:
        return next(m for m in self.modules if any(lesson.id == lesson_id for lesson in m.lessons))

    def questions_for(self, lesson_id: str) -> list[Question]:
        return [q for q in self.questions.values() if q.lesson == lesson_id and not q.retired]

    def rubric(self, rubric_id: str) -> Rubric:
        return next(r for r in self.rubrics if r.id == rubric_id)
