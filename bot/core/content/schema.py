"""Typed schema of the training content under ``content/``.

Every text a learner sees is a :class:`Text` holding both supported languages,
so a missing translation is a load error rather than a blank message in Slack.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, model_validator

LOCALES = ("zh-CN", "en")
SEED_IDS = ("000", "001", "002", "003")

Id = Annotated[str, StringConstraints(pattern=r"^[a-z0-9][a-z0-9_.-]{1,63}$")]
NonEmpty = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(_Strict):
    """One piece of wording in every supported language."""

    zh: NonEmpty = Field(alias="zh-CN")
    en: NonEmpty

    def get(self, locale: str) -> str:
        return self.zh if locale == "zh-CN" else self.en


class QuestionKind(StrEnum):
    SINGLE = "single"
    MULTIPLE = "multiple"
    TRUE_FALSE = "true_false"
    SCENARIO = "scenario"


class Lesson(_Strict):
    id: Id
    order: int = Field(ge=1)
    seed: str
    title: Text
    key_points: list[Text] = Field(min_length=3, max_length=6)
    example: Text
    why: Text
    retired: bool = False

    @model_validator(mode="after")
    def _known_seed(self) -> Lesson:
        if self.seed not in SEED_IDS:
            raise ValueError(f"seed must be one of {', '.join(SEED_IDS)}")
        return self


class Option(_Strict):
    id: Annotated[str, StringConstraints(pattern=r"^[a-z]$")]
    text: Text


class Question(_Strict):
    id: Id
    lesson: Id
    kind: QuestionKind
    difficulty: int = Field(ge=1, le=3)
    prompt: Text
    options: list[Option] = Field(min_length=2, max_length=6)
    answer: list[str] = Field(min_length=1)
    explanation: Text
    retired: bool = False

    @model_validator(mode="after")
    def _answers_are_options(self) -> Question:
        ids = [option.id for option in self.options]
        if len(set(ids)) != len(ids):
            raise ValueError("option ids must be unique")
        unknown = [a for a in self.answer if a not in ids]
        if unknown:
            raise ValueError(f"answer {unknown} is not among the options {ids}")
        if len(set(self.answer)) != len(self.answer):
            raise ValueError("answer lists an option twice")
        if self.kind is QuestionKind.TRUE_FALSE and len(self.options) != 2:
            raise ValueError("a true_false question has exactly two options")
        if self.kind is not QuestionKind.MULTIPLE and len(self.answer) != 1:
            raise ValueError(f"a {self.kind.value} question has exactly one answer")
        if self.kind is QuestionKind.MULTIPLE and len(self.answer) < 2:
            raise ValueError("a multiple question has at least two correct options")
        return self

    def is_correct(self, chosen: set[str]) -> bool:
        return chosen == set(self.answer)


class Module(_Strict):
    id: Id
    order: int = Field(ge=1)
    title: Text
    summary: Text
    lessons: list[Lesson] = Field(min_length=1)
    questions: list[Question] = Field(min_length=1)

    @model_validator(mode="after")
    def _questions_point_at_lessons(self) -> Module:
        lesson_ids = {lesson.id for lesson in self.lessons}
        for question in self.questions:
            if question.lesson not in lesson_ids:
                raise ValueError(f"question {question.id}: lesson {question.lesson!r} is not in this module")
        return self


class CopingTip(_Strict):
    id: Id
    situations: list[str] = Field(min_length=1)
    title: Text
    body: Text


class BreathingExercise(_Strict):
    id: Id
    title: Text
    steps: list[Text] = Field(min_length=2)


class CopingLibrary(_Strict):
    situations: dict[Id, Text]
    tips: list[CopingTip] = Field(min_length=1)
    breathing: list[BreathingExercise] = Field(min_length=1)

    @model_validator(mode="after")
    def _tips_use_known_situations(self) -> CopingLibrary:
        for tip in self.tips:
            unknown = set(tip.situations) - set(self.situations)
            if unknown:
                raise ValueError(f"tip {tip.id}: unknown situations {sorted(unknown)}")
        return self


class Band(_Strict):
    min_percent: int = Field(ge=0, le=100)
    label: Text
    description: Text


class Criterion(_Strict):
    id: Id
    weight: int = Field(ge=1, le=100)
    title: Text
    bands: list[Band] = Field(min_length=2)


class Rubric(_Strict):
    id: Id
    title: Text
    # A judge's form is two blocks per criterion and Slack shows a modal of at most 100.
    criteria: list[Criterion] = Field(min_length=2, max_length=40)

    @model_validator(mode="after")
    def _weights_sum_to_100(self) -> Rubric:
        total = sum(c.weight for c in self.criteria)
        if total != 100:
            raise ValueError(f"criterion weights add up to {total}, not 100")
        return self


class MarkingPoint(_Strict):
    points: int = Field(ge=1)
    text: Text


class ShortAnswer(_Strict):
    id: Id
    points: int = Field(ge=1)
    prompt: Text
    model_answer: Text
    marking_points: list[MarkingPoint] = Field(min_length=2)

    @model_validator(mode="after")
    def _marks_add_up(self) -> ShortAnswer:
        total = sum(m.points for m in self.marking_points)
        if total != self.points:
            raise ValueError(f"marking points add up to {total}, not {self.points}")
        return self


class SingleChoiceSection(_Strict):
    count: int = Field(ge=1)
    points_each: int = Field(ge=1)
    per_module: dict[Id, int]

    @model_validator(mode="after")
    def _draws_add_up(self) -> SingleChoiceSection:
        if sum(self.per_module.values()) != self.count:
            raise ValueError(f"per_module draws add up to {sum(self.per_module.values())}, not {self.count}")
        return self


class ExamBlueprint(_Strict):
    id: Id
    title: Text
    duration_minutes: int = Field(ge=10)
    pass_mark: int = Field(ge=1)
    questions_per_page: int = Field(default=5, ge=1, le=10)  # one modal page each; saved on "Next"
    single_choice: SingleChoiceSection
    short_answers: list[ShortAnswer] = Field(min_length=1)

    @property
    def total_points(self) -> int:
        choice = self.single_choice.count * self.single_choice.points_each
        return choice + sum(s.points for s in self.short_answers)

    @model_validator(mode="after")
    def _pass_mark_reachable(self) -> ExamBlueprint:
        if self.pass_mark > self.total_points:
            raise ValueError(f"pass_mark {self.pass_mark} exceeds total {self.total_points}")
        return self


class RubricFile(_Strict):
    rubrics: list[Rubric] = Field(min_length=1)


class ExamFile(_Strict):
    exams: list[ExamBlueprint] = Field(min_length=1)
