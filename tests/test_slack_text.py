"""Text from Slack is read once: unescaped once, full-width syntax folded, ids in ASCII digits."""

from __future__ import annotations

import pytest

from bot.core.command_line import parse
from bot.core.slack_text import fold_width, parse_count, parse_id, unescape
from bot.sim.driver import as_slack_sends_it


@pytest.mark.parametrize(
    ("typed", "sent"),
    [
        ("Q&A", "Q&amp;A"),
        ("a <b> c", "a &lt;b&gt; c"),
        ("&amp; typed literally", "&amp;amp; typed literally"),
        ("score <@UAGENT2|b> & more", "score <@UAGENT2|b> &amp; more"),
        ("see <#C123|general> <!here>", "see <#C123|general> <!here>"),
    ],
)
def test_the_simulator_escapes_typed_text_as_slack_does_and_parse_undoes_it_once(typed: str, sent: str) -> None:
    assert as_slack_sends_it(typed) == sent
    assert unescape(sent) == typed
    assert " ".join(parse(f"help {sent}").args) == typed  # no quotes in these: one word per space


def test_full_width_syntax_is_folded_and_chinese_punctuation_kept() -> None:
    assert fold_width("ｈｅｌｐ") == "help"
    assert fold_width("１２：３０") == "12:30"
    assert fold_width("你好，在吗？（急）") == "你好，在吗？（急）"
    assert parse("ｐｏｌｌ　＂午饭？＂　＂面＂　＂饭＂　－－ａｎｏｎｙｍｏｕｓ").args == (
        "午饭？",
        "面",
        "饭",
        "--anonymous",
    )
    assert parse("ｈｅｌｐ").name == "help"


@pytest.mark.parametrize("text", ["²", "١٢", "12a", "", "0", "-3", "1" * 19, "1" * 23, "1.5", " "])
def test_ids_are_ascii_digits_within_bounds(text: str) -> None:
    assert parse_id(text) is None


@pytest.mark.parametrize(
    ("text", "number"), [("12", 12), ("#12", 12), ("１２", 12), (" 7 ", 7), ("9" * 18, int("9" * 18))]
)
def test_ids_that_are_read(text: str, number: int) -> None:
    assert parse_id(text) == number


def test_counts_are_bounded() -> None:
    assert parse_count("5", maximum=5) == 5
    assert parse_count("0", maximum=5) == 0
    assert parse_count("6", maximum=5) is None
    assert parse_count("⁵", maximum=5) is None
    assert parse_count("99999999999999999999", maximum=1000) is None
