"""Helpers for the learning tests: times, and reading what the simulator received."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select

from bot.app.playground import Playground
from bot.core.db.models import Member
from bot.sim.server import JSONDict, SimMessage

# Monday 2 March 2026, 09:30 local time in three zones (no DST change that week).
SHANGHAI_0930 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
BERLIN_0930 = datetime(2026, 3, 2, 8, 30, tzinfo=UTC)
NEW_YORK_0930 = datetime(2026, 3, 2, 14, 30, tzinfo=UTC)


def lesson_cards(playground: Playground, user: str) -> list[SimMessage]:
    return [m for m in playground.sim.messages_for(user) if m.text.startswith(("Today's lesson:", "今日课程："))]


def questions(playground: Playground, user: str) -> list[SimMessage]:
    return [
        m
        for m in playground.sim.messages_for(user)
        if any(str(b.get("block_id", "")).startswith("quiz-") for b in m.blocks)
    ]


def member_id(playground: Playground, slack_id: str) -> int:
    with playground.runtime.sessions() as session:
        found = session.scalar(select(Member.id).where(Member.slack_id == slack_id))
        assert found is not None
        return found


def item_id(message: SimMessage) -> int:
    block = next(b for b in message.blocks if str(b.get("block_id", "")).startswith("quiz-"))
    return int(block["block_id"].removeprefix("quiz-"))


def first_button(message: SimMessage | JSONDict) -> tuple[str, str]:
    """The first answer button of a question: a posted message or an ephemeral reply."""
    blocks = message.blocks if isinstance(message, SimMessage) else message["blocks"]
    for block in blocks:
        for element in block.get("elements") or []:
            if str(element.get("action_id", "")).startswith("quiz_answer_"):
                return element["action_id"], element["value"]
    raise LookupError("no answer button")


def first_button_or_none(message: SimMessage | JSONDict) -> bool:
    """Whether one click answers the question (single choice, true/false)."""
    try:
        first_button(message)
    except LookupError:
        return False
    return True
