from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from jinja2 import TemplateSyntaxError

from bot.core.command_line import SUBCOMMANDS
from bot.core.content.schema import QuestionKind
from bot.core.i18n import LOCALES, Catalog, resolve_locale
from bot.core.render import TEMPLATES_DIR, Renderer
from bot.learning.progress import ModuleStats, TeamProgress
from tests.shipped import CONTENT
from tests.test_certification import CERT_CONTEXTS, CERT_VIEWS
from tests.test_onboarding import OPS_CONTEXTS, OPS_VIEWS
from tests.test_polls_render import POLL_CONTEXTS, POLL_VIEWS
from tests.test_wellbeing import WELLBEING_CONTEXTS, WELLBEING_VIEWS

LIBRARY = CONTENT.library
QUESTIONS = {kind: next(q for q in LIBRARY.questions.values() if q.kind is kind) for kind in QuestionKind}
PROGRESS = TeamProgress(["一组"], 4, [ModuleStats(m.id, 10, 7, {1, 2}) for m in LIBRARY.modules], [], [])
CONTEXTS: dict[str, dict[str, Any]] = {
    "error": {"text": "oops"},
    "error_modal": {"text": "Sorry & <b>"},
    "notice": {"text": "fine"},
    "lesson_card": {
        "lesson": LIBRARY.curriculum[0],
        "module": LIBRARY.modules[0],
        "number": 1,
        "total": 6,
        "footer": True,
        "intro": "",
    },
    "quiz_question": {
        "item_id": 7,
        "question": QUESTIONS[QuestionKind.MULTIPLE],
        "number": 1,
        "total": 3,
        "practice": False,
        "review": True,
    },
    "quiz_result": {"question": QUESTIONS[QuestionKind.SCENARIO], "chosen": ["a"], "correct": False, "streak": 3},
    "team_progress": {
        "progress": PROGRESS,
        "modules": {m.id: m for m in LIBRARY.modules},
        "weakest_titles": [],
        "weekly": True,
        "inactive_days": 5,
        "inactive_names": "Ann, Bo",
    },
    "team_picker": {
        "purpose": "cert",
        "options": [{"label": "售后一组", "value": "cert:1"}, {"label": "R&D <x>", "value": "cert:2"}],
        "count": 102,
        "first": 101,
        "last": 102,
        "page": 2,
        "pages": 2,
    },
    "help": {"commands": [s.help_key for s in SUBCOMMANDS], "in_roster": False},
    "settings_modal": {
        "language": "en",
        "lesson_time": "09:30",
        "timezone": "Asia/Shanghai",
        "paused_until": "2026-03-09",
    },
    "settings_saved": {"lesson_time": "09:30", "paused_until": "2026-03-09"},
    "home": {"name": "Ann", "in_roster": False, "commands": ["help"], "learning": None, "certificate": None},
}
VIEWS = {"settings_modal", "home", "error_modal"}
CONTEXTS |= CERT_CONTEXTS  # certificate and exam samples live with their own tests
VIEWS |= CERT_VIEWS
CONTEXTS |= POLL_CONTEXTS  # poll and scoring samples live with their own tests
VIEWS |= POLL_VIEWS
CONTEXTS |= WELLBEING_CONTEXTS  # check-in and support samples live with their own tests
VIEWS |= WELLBEING_VIEWS
CONTEXTS |= OPS_CONTEXTS  # first-run and workspace-settings samples live with their own tests
VIEWS |= OPS_VIEWS


def test_both_languages_have_the_same_strings() -> None:
    assert Catalog.load().missing() == {}


def test_every_template_has_a_sample_context() -> None:
    names = {path.name.removesuffix(".yaml.j2") for path in Path(TEMPLATES_DIR).rglob("*.yaml.j2")}
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


RENDERER = Renderer()


@given(st.text(max_size=200))
def test_any_user_text_is_escaped_and_stays_valid(text: str) -> None:
    message = RENDERER.message("error", "en", text=text)
    rendered = message.blocks[0]["text"]["text"]
    assert "<" not in rendered and ">" not in rendered
    assert rendered.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&") == text
    json.dumps(message.as_payload())


@pytest.mark.parametrize("kind", list(QuestionKind))
@pytest.mark.parametrize("locale", LOCALES)
def test_every_question_kind_renders_with_answer_controls(renderer: Renderer, kind: QuestionKind, locale: str) -> None:
    message = renderer.message("quiz_question", locale, **{**CONTEXTS["quiz_question"], "question": QUESTIONS[kind]})
    actions = [e["action_id"] for b in message.blocks if b["type"] == "actions" for e in b["elements"]]
    if kind is QuestionKind.MULTIPLE:
        assert actions == ["quiz_choices", "quiz_submit"]
    else:
        assert actions == [f"quiz_answer_{o.id}" for o in QUESTIONS[kind].options]


def test_every_question_in_the_library_renders(renderer: Renderer) -> None:
    for question in LIBRARY.questions.values():
        for locale in LOCALES:
            renderer.message("quiz_question", locale, **{**CONTEXTS["quiz_question"], "question": question})
            renderer.message("quiz_result", locale, **{**CONTEXTS["quiz_result"], "question": question})
    for lesson in LIBRARY.curriculum:
        for locale in LOCALES:
            renderer.message("lesson_card", locale, **{**CONTEXTS["lesson_card"], "lesson": lesson})


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


def test_compile_all_finds_every_template_and_a_broken_one_fails_at_start(tmp_path: Path) -> None:
    assert Renderer().compile_all() == len(list(TEMPLATES_DIR.rglob("*.yaml.j2")))
    (tmp_path / "fine.yaml.j2").write_text("text: {{ t('notice.ok') }}\n", encoding="utf-8")
    (tmp_path / "broken.yaml.j2").write_text("text: {% if %}\n", encoding="utf-8")
    with pytest.raises(TemplateSyntaxError, match="Expected an expression"):
        Renderer(templates_dir=tmp_path).compile_all()


def test_a_clipped_title_is_escaped_once_and_never_cut_inside_an_entity(renderer: Renderer) -> None:
    from bot.core.render import clip

    assert clip("R&D <二线>", 150) == "R&amp;D &lt;二线&gt;"
    assert clip(renderer.t("en", "progress.title", teams="R&D"), 150).count("&amp;") == 1
    cut = clip("x" * 146 + "&<>", 150)
    assert len(cut) <= 150 and cut.endswith("x…")  # not "&am…"
    message = renderer.message(
        "lesson_card", "en", **(CONTEXTS["lesson_card"] | {"lesson": CONTEXTS["lesson_card"]["lesson"]})
    )
    assert "&amp;amp;" not in json.dumps(message.as_payload())
