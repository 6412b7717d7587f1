"""The author's review run by ``coachbot content check``: item-writing rules, per-module
measures of the tells they guard against, and originality against the seeds (traditional
ones included, compared in simplified characters).

Loading the library (``loader``) decides whether the bot can run; this decides whether
the content is fit to teach, so it runs where content is written, not at start-up.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.core.content.item_rules import (
    ItemProblem,
    Rule,
    absolute_words,
    key_is_uniquely_longest,
    key_length_ratio,
    module_problems,
    shared_stem_problems,
    statement_is_true,
)
from bot.core.content.library import ContentLibrary, Problem, parse_yaml
from bot.core.content.originality import SeedCorpus, copied_runs
from bot.core.content.schema import LOCALES, QuestionKind

# Every rule is an error. A new rule may start outside this set, reported as a warning
# while the library is rewritten to pass it, and join it once it does.
ENFORCED_RULES: frozenset[Rule] = frozenset(Rule)


@dataclass(frozen=True)
class ModuleMeasures:
    """One row of the check's report: how guessable a module's questions are."""

    module: str
    longest_key: dict[str, tuple[int, int]]  # locale -> (keys uniquely longest, single/scenario items)
    worst_ratio: float  # the largest key/wrong length ratio, any language
    key_sizes: Counter[int]  # multi-answer items by number of correct options
    absolute_false: int  # false statements with an absolute word (either language)
    absolute_true: int
    problems: int


def module_measures(library: ContentLibrary) -> list[ModuleMeasures]:
    rows = []
    for module in library.modules:
        active = [q for q in module.questions if not q.retired]
        single = [q for q in active if q.kind in (QuestionKind.SINGLE, QuestionKind.SCENARIO)]
        choice = [q for q in active if q.kind is not QuestionKind.TRUE_FALSE]
        ratios = [r for q in choice for loc in LOCALES if (r := key_length_ratio(q, loc)) is not None]
        statements = [q for q in active if q.kind is QuestionKind.TRUE_FALSE]
        marked = [q for q in statements if any(absolute_words(q.prompt.get(loc), loc) for loc in LOCALES)]
        rows.append(
            ModuleMeasures(
                module=module.id,
                longest_key={
                    loc: (sum(key_is_uniquely_longest(q, loc) for q in single), len(single)) for loc in LOCALES
                },
                worst_ratio=max(ratios, default=0.0),
                key_sizes=Counter(len(q.answer) for q in active if q.kind is QuestionKind.MULTIPLE),
                absolute_false=sum(not statement_is_true(q) for q in marked),
                absolute_true=sum(statement_is_true(q) for q in marked),
                problems=len(module_problems(module.id, module.questions)),
            )
        )
    return rows


def item_rule_problems(library: ContentLibrary) -> list[tuple[Rule, Problem]]:
    found: list[tuple[Rule, Problem]] = []

    def add(file: str, problem: ItemProblem) -> None:
        found.append((problem.rule, Problem(file, problem.item, problem.field, f"[{problem.rule}] {problem.message}")))

    for module in library.modules:
        for problem in module_problems(module.id, module.questions):
            add(f"modules/{module.id}.yaml", problem)
    file_of = {q.id: f"modules/{m.id}.yaml" for m in library.modules for q in m.questions}
    for problem in shared_stem_problems(list(library.questions.values())):
        add(file_of[problem.item], problem)
    return found


def _chinese_texts(node: Any, item: str = "", path: str = "") -> Iterator[tuple[str, str, str]]:
    """(nearest item id, field path, text) for every simplified-Chinese string in a YAML tree."""
    if isinstance(node, dict):
        if isinstance(node.get("id"), str) and len(node["id"]) > 1:  # an option's "a" is no item
            item, path = node["id"], ""
        for key, value in node.items():
            where = f"{path}.{key}" if path else str(key)
            if key == "zh-CN" and isinstance(value, str):
                yield item, where, value
            else:
                yield from _chinese_texts(value, item, where)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _chinese_texts(value, item, f"{path}[{index}]")


def originality_problems(content_dir: Path, seeds: SeedCorpus) -> list[Problem]:
    """Each passage of any content file (lessons, questions, locales…) that a seed also holds."""
    problems = []
    for path in sorted(content_dir.rglob("*.yaml")):
        tree = parse_yaml(path.read_text(encoding="utf-8"))
        for item, where, text in _chinese_texts(tree):
            for run in copied_runs([text], seeds):
                problems.append(
                    Problem(
                        path.relative_to(content_dir).as_posix(),
                        item,
                        where,
                        f"[originality] {len(run)} characters in a row as in a seed: “{run}”; "
                        "keep the fact, write the sentence anew",
                    )
                )
    return problems
