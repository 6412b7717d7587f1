from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.commands import SUBCOMMANDS
from bot.i18n import LOCALES, Catalog, resolve_locale
from bot.render import TEMPLATES_DIR, Renderer

CONTEXTS = {
    "error": {"text": "oops"},
    "help": {"commands": [s.name for s in SUBCOMMANDS], "in_roster": False},
    "settings_modal": {"language": "en", "lesson_time": "09:30", "timezone": "Asia/Shanghai"},
    "settings_saved": {"lesson_time": "09:30"},
    "home": {"name": "Ann", "in_roster": True, "commands": ["help"]},
}
VIEWS = {"settings_modal", "home"}


def test_both_languages_have_the_same_strings() -> None:
    assert Catalog.load().missing() == {}


def test_every_template_has_a_sample_context() -> None:
    names = {path.name.removesuffix(".yaml.j2") for path in Path(TEMPLATES_DIR).glob("*.yaml.j2")}
    assert names <= set(CONTEXTS), f"add a context for {names - set(CONTEXTS)}"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("template", sorted(CONTEXTS))
def test_every_template_renders_valid_block_kit_in_both_languages(
    renderer: Renderer, template: str, locale: str
) -> None:
    if template in VIEWS:
        view = renderer.view(template, locale, **CONTEXTS[template])
        assert view["blocks"]
    else:
        message = renderer.message(template, locale, **CONTEXTS[template])
        assert message.text and message.blocks


@given(st.text(max_size=200))
def test_any_user_text_is_escaped_and_stays_valid(text: str) -> None:
    message = Renderer().message("error", "en", text=text)
    rendered = message.blocks[0]["text"]["text"]
    assert "<" not in rendered and ">" not in rendered
    assert rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
    json.dumps(message.as_payload())


def test_catalog_parameters_are_escaped_but_catalog_markup_is_kept(renderer: Renderer) -> None:
    text = renderer.t("en", "home.greeting", name="<!here>")
    assert "&lt;!here&gt;" in text and "<!here>" not in text
    assert renderer.t("en", "home.commands_title") == "*What you can do*"


@pytest.mark.parametrize(
    ("candidates", "expected"),
    [
        (("en", "zh-CN"), "en"),
        ((None, "zh-CN"), "zh-CN"),
        ((None, "zh-TW"), "zh-CN"),
        (("en-GB",), "en"),
        ((None, None), "en"),
        (("fr-FR", "zh-CN"), "zh-CN"),
    ],
)
def test_language_precedence_member_then_slack_then_workspace(
    candidates: tuple[str | None, ...], expected: str
) -> None:
    assert resolve_locale(*candidates) == expected
