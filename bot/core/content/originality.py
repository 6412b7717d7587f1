"""Guard that the training content is written in our own words.

The seeds are the source of facts, not of wording. Both sides are reduced to what
carries the wording: traditional characters become simplified (OpenCC; two seeds are
traditional, and a copy converted to simplified is still a copy), and only Chinese
characters are kept. Punctuation, spaces, Latin letters and digits are dropped, so a
copied sentence cannot hide behind changed punctuation or a changed number, and a run
that crosses a comma still counts. Numbers are facts we must keep anyway (10 s, 24 h,
40/40/20); they neither make nor break a run. A run of twelve such characters in a row
that also stands in a seed is reported.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from bot.core.chinese import simplified

MIN_RUN = 12
# CJK Unified Ideographs, Extension A and the compatibility block: what a "Chinese character" is here.
_NOT_HAN = re.compile(r"[^\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")


def han_only(text: str) -> str:
    """The text in simplified characters with everything but Chinese characters removed."""
    return _NOT_HAN.sub("", simplified(text))


@dataclass(frozen=True)
class SeedCorpus:
    """Every run of ``min_run`` Chinese characters in the seeds (simplified), for O(1) look-ups."""

    runs: frozenset[str]
    min_run: int = MIN_RUN

    @classmethod
    def of(cls, seeds: Iterable[str], min_run: int = MIN_RUN) -> SeedCorpus:
        runs = {plain[i : i + min_run] for plain in map(han_only, seeds) for i in range(len(plain) - min_run + 1)}
        return cls(frozenset(runs), min_run)

    def __bool__(self) -> bool:
        return bool(self.runs)


def copied_runs(texts: Iterable[str], seeds: Iterable[str] | SeedCorpus) -> list[str]:
    """Every stretch of a text whose Chinese characters share a run of ``MIN_RUN`` with a seed.

    Overlapping matches are merged, so one copied sentence is reported once, as the
    whole stretch it shares with the seed.
    """
    corpus = seeds if isinstance(seeds, SeedCorpus) else SeedCorpus.of(seeds)
    size = corpus.min_run
    found: list[str] = []
    for text in texts:
        plain = han_only(text)
        spans: list[list[int]] = []
        for i in range(len(plain) - size + 1):
            if plain[i : i + size] in corpus.runs:
                if spans and i < spans[-1][1]:
                    spans[-1][1] = i + size
                else:
                    spans.append([i, i + size])
        found.extend(plain[start:end] for start, end in spans)
    return found


def read_seeds(seeds_dir: Path) -> list[str]:
    return [path.read_text(encoding="utf-8") for path in sorted(seeds_dir.glob("*.txt"))]
