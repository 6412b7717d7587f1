from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.core.command_line import Invocation, parse, visible_to
from bot.core.db.models import Role
from bot.core.errors import UserError
from bot.core.i18n import Catalog

CATALOG = Catalog.load()  # once: loading it per example tripped hypothesis's deadline on a busy machine


@given(st.text(max_size=300))
def test_any_text_parses_or_gets_a_translated_usage_message(text: str) -> None:
    catalog = CATALOG
    try:
        invocation = parse(text)
    except UserError as error:
        for locale in ("zh-CN", "en"):
            assert catalog.t(locale, error.key, **error.params)
    else:
        assert isinstance(invocation, Invocation) and invocation.name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", Invocation("help", ())),
        ("HELP", Invocation("help", ())),
        ("帮助", Invocation("help", ())),
        ('settings "a b" c', Invocation("settings", ("a b", "c"))),
        ("settings “中文 引号” x", Invocation("settings", ("中文 引号", "x"))),
    ],
)
def test_parsing(text: str, expected: Invocation) -> None:
    assert parse(text) == expected


def test_unclosed_quote_and_overlong_input_are_usage_errors() -> None:
    with pytest.raises(UserError) as caught:
        parse('poll "Lunch?')
    assert caught.value.key == "usage.unbalanced_quotes"
    with pytest.raises(UserError) as caught:
        parse("x" * 5000)
    assert caught.value.key == "usage.too_long"


def test_people_outside_the_roster_only_see_help() -> None:
    assert [s.name for s in visible_to(None)] == ["help"]
    assert "settings" in [s.name for s in visible_to(Role.AGENT)]
