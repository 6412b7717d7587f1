"""Guard that the training content is written in our own words.

The seeds are the source of facts, not of wording. A run of twelve or more
consecutive characters inside one Chinese clause that also stands in a seed is
reported, which also catches a copied sentence hidden inside a longer one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

MIN_RUN = 12
_CLAUSE_BREAK = re.compile(r"[。！？；，、：:;!?,.\n“”\"'（）()《》【】]+")
_SPACE = re.compile(r"\s+")


def clauses(text: str) -> list[str]:
    return [c for c in (_SPACE.sub("", part) for part in _CLAUSE_BREAK.split(text)) if c]


def copied_runs(texts: Iterable[str], seeds: Iterable[str], min_run: int = MIN_RUN) -> list[str]:
    """Return each clause of ``texts`` that shares ``min_run`` characters in a row with a seed."""
    corpus = "\n".join(_SPACE.sub("", seed) for seed in seeds)
    found = []
    for text in texts:
        for clause in clauses(text):
            if len(clause) < min_run:
                continue
            if any(clause[i : i + min_run] in corpus for i in range(len(clause) - min_run + 1)):
                found.append(clause)
    return found


def read_seeds(seeds_dir: Path) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt"))]
