"""Load and cross-check the content library.

Problems are collected rather than raised one at a time, so an author sees every
mistake in one run, each naming the file, the item id and the field.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from bot.core.content.coverage import coverage_problems, stability_problems
from bot.core.content.library import CONTENT_DIR, ContentError, ContentLibrary, Problem, parse_yaml
from bot.core.content.schema import CopingLibrary, ExamFile, Module, QuestionKind, RubricFile

MODEL = TypeVar("MODEL", bound=BaseModel)


def _item_id(raw: Any, loc: tuple[int | str, ...]) -> tuple[str, str]:
    """Turn a pydantic error location into (item id, field path) for the author."""
    node, item, rest = raw, "", list(loc)
    consumed: list[str] = []
    while rest:
        key = rest.pop(0)
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            consumed.append(str(key))
            break
        if isinstance(node, dict) and isinstance(node.get("id"), str):
            item, consumed = node["id"], []
        else:
            consumed.append(str(key))
    consumed.extend(str(k) for k in rest)
    return item, ".".join(consumed)


def _parse(path: Path, model: type[MODEL], problems: list[Problem]) -> MODEL | None:
    name = path.relative_to(path.parents[1]).as_posix() if path.parent.name == "modules" else path.name
    try:
        raw = parse_yaml(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        problems.append(Problem(name, "", "", f"cannot be read: {exc}"))
        return None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        for error in exc.errors():
            item, where = _item_id(raw, tuple(error["loc"]))
            problems.append(Problem(name, item, where, error["msg"]))
        return None


def load_library(content_dir: Path = CONTENT_DIR, *, strict: bool = True) -> ContentLibrary:
    """Load every content file; raise :class:`ContentError` listing all problems when strict."""
    problems: list[Problem] = []
    modules = [
        module
        for path in sorted((content_dir / "modules").glob("*.yaml"))
        if (module := _parse(path, Module, problems)) is not None
    ]
    modules.sort(key=lambda m: m.order)
    coping = _parse(content_dir / "coping_tips.yaml", CopingLibrary, problems)
    rubric_file = _parse(content_dir / "rubrics.yaml", RubricFile, problems)
    exam_file = _parse(content_dir / "exams.yaml", ExamFile, problems)
    if coping is None or rubric_file is None or exam_file is None:
        raise ContentError(problems)
    library = ContentLibrary(modules, coping, rubric_file.rubrics, exam_file.exams)
    problems.extend(cross_check(library))
    problems.extend(coverage_problems(library))
    problems.extend(stability_problems(library, content_dir))
    library.problems = problems
    if strict and problems:
        raise ContentError(problems)
    return library


def cross_check(library: ContentLibrary) -> list[Problem]:
    """Rules that span files: unique ids, coverage, exam draws that can be filled."""
    problems: list[Problem] = []
    ids = Counter(
        [m.id for m in library.modules]
        + [lesson.id for m in library.modules for lesson in m.lessons]
        + [q.id for m in library.modules for q in m.questions]
    )
    for item, count in ids.items():
        if count > 1:
            problems.append(Problem("modules", item, "id", f"used {count} times; ids must be unique"))
    for module in library.modules:
        file = f"modules/{module.id}.yaml"
        orders = Counter(lesson.order for lesson in module.lessons)
        for order, count in orders.items():
            if count > 1:
                problems.append(Problem(file, "", "order", f"lesson order {order} used {count} times"))
        for lesson in module.lessons:
            if not lesson.retired and not library.questions_for(lesson.id):
                problems.append(Problem(file, lesson.id, "", "lesson has no questions"))
    module_ids = {m.id for m in library.modules}
    for exam in library.exams:
        for module_id, wanted in exam.single_choice.per_module.items():
            if module_id not in module_ids:
                problems.append(
                    Problem("exams.yaml", exam.id, "single_choice.per_module", f"unknown module {module_id}")
                )
                continue
            module = next(m for m in library.modules if m.id == module_id)
            available = sum(1 for q in module.questions if q.kind is QuestionKind.SINGLE and not q.retired)
            if available < wanted:
                problems.append(
                    Problem(
                        "exams.yaml",
                        exam.id,
                        "single_choice.per_module",
                        f"{module_id} has {available} single questions, needs {wanted}",
                    )
                )
    return problems
