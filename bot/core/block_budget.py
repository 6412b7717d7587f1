"""Slack's limits on one message, as a budget builders spend: a list of any length is
packed into as few sections as fit, and what does not fit is counted, never dropped
silently (Slack refuses a message over 50 blocks or a section over 3,000 characters)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.core.i18n import Trusted

MAX_BLOCKS = 50  # per message (chat.postMessage, chat.update, responses)
SECTION_TEXT = 2900  # a section holds 3,000 characters; escaping already done, a little room kept


@dataclass(frozen=True)
class Packed:
    sections: list[Trusted]
    left_out: int  # lines that did not fit in the sections allowed


def pack_lines(lines: Sequence[str], max_sections: int, limit: int = SECTION_TEXT) -> Packed:
    """Lines (already escaped) joined into sections of at most ``limit`` characters, at most
    ``max_sections`` of them; a single line longer than ``limit`` is cut to fit."""
    sections: list[str] = []
    placed = 0
    for line in lines:
        line = line if len(line) <= limit else line[: limit - 1] + "…"
        if sections and len(sections[-1]) + 1 + len(line) <= limit:
            sections[-1] += "\n" + line
        elif len(sections) < max_sections:
            sections.append(line)
        else:
            break
        placed += 1
    return Packed([Trusted(text) for text in sections], len(lines) - placed)
