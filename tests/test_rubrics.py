"""Rubrics in the open: judges score with every band described, agents read the rubric
before their assessment, both in their language and within Slack's limits."""

from __future__ import annotations

import json
from types import SimpleNamespace
from typing import Any

from sqlalchemy import select

from bot.app.playground import DEMO_WORKSPACE, Playground
from bot.core.content.schema import Rubric
from bot.core.i18n import slack_escape
from bot.core.render import Renderer
from bot.polls.models import JudgeScore
from bot.polls.scoring_messages import rubric_messages
from tests.conftest import NOW
from tests.factories import member
from tests.shipped import CONTENT
from tests.test_polls import invite, opened_view, start_scoring_poll

RUBRIC = CONTENT.library.rubric("practical_default")
LONG_NAME = "欧阳·司马长名字评委 & <测试> 第{n}位"


def judges_panel(world: Playground, count: int = 12) -> list[str]:
    """``count`` judges with long names full of & < >, every other one reading English."""
    judges = [f"UJUDGE{n:02d}" for n in range(1, count + 1)]
    with world.runtime.sessions.begin() as session:
        for n, judge in enumerate(judges, start=1):
            locale = "en" if n % 2 else "zh-CN"
            world.sim.add_user(judge, LONG_NAME.format(n=n), locale=locale)
            member(session, NOW, judge, name=LONG_NAME.format(n=n), workspace_id=DEMO_WORKSPACE, locale=locale)
    return judges


def section_texts(blocks: list[dict[str, Any]]) -> list[str]:
    return [str(b["text"]["text"]) for b in blocks if b.get("type") == "section"]


def test_each_judge_of_a_12_judge_panel_sees_every_band_description_in_their_language(
    playground: Playground,
) -> None:
    world = playground
    judges = judges_panel(world)
    assert start_scoring_poll(world, judges).json.get("response_action") is None
    world.deliver()
    for n, judge in enumerate(judges, start=1):
        locale = "en" if n % 2 else "zh-CN"
        views = len(world.sim.opened_views)
        world.driver.click(judge, invite(world, judge), "score_open", wait=0)
        form = opened_view(world, views + 1)
        assert len(form["blocks"]) <= 100
        texts = section_texts(form["blocks"])
        assert all(len(text) <= 3000 for text in texts)
        shown = "\n".join(texts)
        for criterion in RUBRIC.criteria:
            for band in criterion.bands:
                assert slack_escape(band.description.get(locale)) in shown, (judge, criterion.id)
        assert ("Excellent" if locale == "en" else "优秀") in shown and "≥ 9" in shown
        values: dict[str, Any] = {
            f"crit_{c.id}": {"points": {"type": "number_input", "value": "7.5"}} for c in RUBRIC.criteria
        }
        values["comment"] = {"comment": {"type": "plain_text_input", "value": None}}
        assert world.driver.submit(judge, form, values).json.get("response_action") is None
    with world.runtime.sessions() as session:
        saved = session.scalars(select(JudgeScore.scores).where(JudgeScore.judge_slack.in_(judges))).all()
    assert len(saved) == 12 and all(set(scores.values()) == {7.5} for scores in saved)


def test_agents_read_the_rubric_in_their_language_before_their_assessment(playground: Playground) -> None:
    world = playground
    zh = world.driver.command("UAGENT1", "cert rubric")
    en = world.driver.command("UAGENT5", "cert rubric")
    for reply, locale in ((zh, "zh-CN"), (en, "en")):
        [message] = reply.messages
        assert len(message["blocks"]) <= 50 and all(len(t) <= 3000 for t in section_texts(message["blocks"]))
        for rubric in CONTENT.library.rubrics:
            assert rubric.title.get(locale) in reply.text
            for criterion in rubric.criteria:
                assert all(band.description.get(locale) in reply.text for band in criterion.bands)
    assert "评委组（组长和资深客服）" in zh.text and "from 90% of the points" in en.text
    assert world.sim.messages_for("UAGENT1") == []  # ephemeral: nothing posted
    one = world.driver.command("UAGENT1", "cert rubric complaint_roleplay").text
    assert "投诉处理角色扮演评分表" in one and "实操考核评分表" not in one
    assert "没有名为 `nope` 的评分标准。现有：`practical_default`, `complaint_roleplay`" in (
        world.driver.command("UAGENT1", "cert rubric nope").text
    )
    assert "/coach cert rubric" in world.driver.command("UAGENT1", "help").text


def test_a_long_rubric_with_long_descriptions_stays_within_slacks_limits(renderer: Renderer) -> None:
    band = RUBRIC.criteria[0].bands[0].model_dump()
    long_text = "请耐心倾听 & <复述> 客户的诉求，" * 150  # escaped, far past a section's 3,000 characters
    band["description"] = {"zh-CN": long_text, "en": long_text}
    criteria = [
        {**RUBRIC.criteria[0].model_dump(), "id": f"c{n:02d}", "weight": 5, "bands": [band] * 4} for n in range(20)
    ]
    big = [
        Rubric.model_validate({"id": f"big{n}", "title": {"zh-CN": "大表 & <一>", "en": "Big"}, "criteria": criteria})
        for n in (1, 2)
    ]
    library = SimpleNamespace(rubrics=[*big, *CONTENT.library.rubrics])
    messages = rubric_messages(renderer, library, "zh-CN", None)  # type: ignore[arg-type]
    assert len(messages) == 2  # 1 + 2 x 22 + 2 x 7 blocks: more than one message holds
    for message in messages:
        payload = message.as_payload()
        assert len(payload["blocks"]) <= 50
        assert all(len(text) <= 3000 for text in section_texts(payload["blocks"]))
        assert "<复述>" not in json.dumps(payload, ensure_ascii=False)
    assert "…" in json.dumps(messages[0].as_payload(), ensure_ascii=False)
